"""Error events: what of a page's uncaught error, unhandled rejection or ``Veil.capture`` may leave.

Rules: pure. The shim hands over ``{kind, type, message, stack}`` as the browser gave them; the
core records ``{kind, type, message, frames}`` only. The message goes through the one text masker
at the page's default level (messages quote user data: "Invalid date provided: ..."), so under
``mask`` only its whitespace and length survive. The stack is parsed here, never forwarded: each
frame keeps a function name (an identifier, else ``?``), a file URL scrubbed by ``urls.scrub_url``,
a line and a column. Everything is bounded: the message, the number of frames and every string;
the shim bounds how many errors it sends and reports the rest as ``suppressed`` (a count).
The type is a constructor name ending in Error or Exception (``TypeError``), or what ``typeof``
says of a rejected non-error; anything else becomes ``Error``. A payload that is not an object, or a kind Veil does not know, raises ``ValueError``
(the caller drops and counts it).
"""

from __future__ import annotations

import re
from typing import Any
from collections.abc import Mapping

from .echo import Echoes
from .levels import Level
from .masking import text_for_level
from .urls import scrub_url
from .values import is_int

KINDS = ("error", "unhandledrejection", "capture")
MESSAGE_MAX = 1000  # characters of the raw message kept (cut before masking)
STACK_MAX = 16 * 1024  # characters of the raw stack read
FRAMES_MAX = 30
NAME_MAX = 100  # a type or function name
FILE_MAX = 500  # a scrubbed file URL

_IDENTIFIER = re.compile(r"^[A-Za-z_$<][\w$.<>\[\]]{0," + str(NAME_MAX - 1) + "}$")
# A type is a constructor name that says it is one, or what ``typeof`` says of a rejected
# non-error: any other word (err.name can be set to anything, a visitor's name included) is "Error".
_TYPE_SUFFIXES = ("Error", "Exception")
_TYPEOF = frozenset({"string", "number", "boolean", "object", "undefined", "symbol", "bigint", "function"})
# V8: "    at fn (file:1:2)", "    at file:1:2", "    at async fn (file:1:2)".
_V8 = re.compile(r"^\s*at (?:(?:async )?(?P<fn>.+?) \()?(?P<file>\S+?):(?P<line>\d+):(?P<col>\d+)\)?\s*$")
# SpiderMonkey / JavaScriptCore: "fn@file:1:2", "@file:1:2".
_GECKO = re.compile(r"^(?P<fn>[^@]*)@(?P<file>\S+?):(?P<line>\d+):(?P<col>\d+)\s*$")


def _name(value: Any, default: str) -> str:
    """A code identifier (a type or function name), else ``default``: never free text."""
    if isinstance(value, str):
        name = value.strip()
        name = name.removeprefix("new ")  # V8's "at new Foo (...)": a constructor call
        if _IDENTIFIER.match(name):
            return name
    return default


def _type(value: Any) -> str:
    name = _name(value, "Error")
    return name if name.endswith(_TYPE_SUFFIXES) or name in _TYPEOF else "Error"


def _file(url: str) -> str:
    return scrub_url(url)[:FILE_MAX]


def parse_stack(stack: Any) -> list[dict[str, Any]]:
    """The frames of a V8 or Gecko stack string, at most ``FRAMES_MAX``; lines that are not frames
    (the "TypeError: message" head) are skipped, so the message never leaks through the stack."""
    if not isinstance(stack, str):
        return []
    frames: list[dict[str, Any]] = []
    for line in stack[:STACK_MAX].splitlines():
        match = _V8.match(line) or _GECKO.match(line)
        if match is None:
            continue
        frames.append({
            "fn": _name(match.group("fn") or "", "?"),
            "file": _file(match.group("file")),
            "line": int(match.group("line")),
            "col": int(match.group("col")),
        })
        if len(frames) == FRAMES_MAX:
            break
    return frames


def _frames(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    frames = parse_stack(payload.get("stack"))
    if not frames and isinstance(payload.get("file"), str):
        # An ErrorEvent without an error object (a cross-origin "Script error."): where it was.
        line, col = payload.get("line"), payload.get("col")
        frames = [{"fn": "?", "file": _file(payload["file"]), "line": line if is_int(line) else 0,
                   "col": col if is_int(col) else 0}]
    return frames


def mask_error(payload: Any, level: Level, scrub: bool = True, echoes: Echoes | None = None) -> dict[str, Any]:
    """The recordable form of one error payload from the shim, with its message masked at ``level``."""
    if not isinstance(payload, Mapping):
        raise ValueError("an error payload is an object")
    kind = payload.get("kind")
    if kind not in KINDS:
        raise ValueError(f"unknown error kind {kind!r}")
    message = payload.get("message")
    message = message[:MESSAGE_MAX] if isinstance(message, str) else ""
    out = {
        "kind": kind,
        "type": "capture" if kind == "capture" else _type(payload.get("type")),
        "message": text_for_level(message, level, None, scrub, echoes=echoes),  # a message may quote typed input
        "frames": _frames(payload),
    }
    suppressed = payload.get("suppressed")
    if is_int(suppressed) and suppressed > 0:
        out["suppressed"] = suppressed  # errors the shim's flood bound left out before this one
    return out
