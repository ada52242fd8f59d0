"""Collector input checks: size-limited gzip decoding and a strict batch schema.

Rules: pure functions; every failure is an ``InvalidBatch`` carrying the HTTP status (4xx, never
anything else) and a clear message. Decompression stops at the limit, so a gzip bomb costs at most
``max_bytes`` of memory, and nothing may follow the gzip data (no trailing bytes, no second
member). The JSON must be strict: finite numbers, integers of at most 2^53 in magnitude (what a
browser can represent exactly), no lone surrogates, nesting of at most ``MAX_DEPTH``. Timestamps
lie in [0, 2^53). A session id has exactly the SDK's shape (32 lowercase hex, ``veil.session``), so
whatever is stored can always be serialized and served back.

Decompression runs ISA-L first (faster, same output) and falls back to zlib for anything that is
not one clean gzip member, so every refusal is zlib's. Speed without weaker checks: ``loads_strict`` parses with orjson (which itself refuses NaN,
Infinity, numbers that overflow a double, invalid UTF-8, lone surrogates and raw control
characters) and then checks the remaining rules on the raw text at C speed: the text outside
strings (split at the quotes) must hold no 16-digit run and no exponent, and its brackets must nest
at most ``MAX_DEPTH`` deep. Whenever orjson refuses or the number scan hits, the batch goes through
the exact, slower parser (``json`` with checking hooks), which decides and words the answer, so
both paths accept and refuse exactly the same texts.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from typing import Any

import orjson
from isal import isal_zlib

SESSION_PATTERN = re.compile(r"^[0-9a-f]{32}\Z")
VIEW_PATTERN = re.compile(r"^[0-9a-f]{16}\Z")
SESSION_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}\Z")
MAX_EVENTS_PER_BATCH = 100_000
MAX_DEPTH = 64
MAX_SAFE = 2**53  # integers beyond this are not exact in JavaScript, and no recorder produces them


class InvalidBatch(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def gunzip_isal(body: bytes, max_bytes: int) -> bytes | None:
    """ISA-L's inflate (about 3x zlib's speed, GIL released), or None unless the body is exactly one
    complete gzip member (checksums verified) of at most ``max_bytes``: zlib then decides and words
    the refusal."""
    decoder = isal_zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(body, max_bytes + 1)
    except isal_zlib.error:  # type: ignore[misc]  # (isal's stub declares the class as an instance)
        return None
    if len(out) > max_bytes or decoder.unconsumed_tail or not decoder.eof or decoder.unused_data:
        return None
    return out


def gunzip_limited(body: bytes, max_bytes: int) -> bytes:
    """Decompress one gzip member, refusing (413) output larger than ``max_bytes`` and (400) any byte
    after it."""
    fast = gunzip_isal(body, max_bytes)
    if fast is not None:
        return fast
    decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(body, max_bytes + 1)
        if len(out) > max_bytes or decoder.unconsumed_tail:
            raise InvalidBatch(413, f"decompressed body exceeds {max_bytes} bytes")
        out += decoder.flush()
    except zlib.error as err:
        raise InvalidBatch(400, f"body is not valid gzip: {err}") from None
    if not decoder.eof:
        raise InvalidBatch(400, "body is truncated gzip")
    if decoder.unused_data:
        raise InvalidBatch(400, "bytes after the gzip data (trailing data or a second member)")
    if len(out) > max_bytes:
        raise InvalidBatch(413, f"decompressed body exceeds {max_bytes} bytes")
    return out


def _reject_constant(name: str) -> Any:
    raise InvalidBatch(422, f"numbers must be finite ({name} is not JSON)")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 parses to inf
        raise InvalidBatch(422, "numbers must be finite")
    return value


def _parse_int(text: str) -> int:
    # Checked on the text so a 10,000-digit integer costs nothing to refuse.
    if len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_SAFE:
        raise InvalidBatch(422, "integers must be at most 2^53 in magnitude")
    return int(text)


def _check_tree(root: Any) -> None:
    """Nesting depth and string validity, iteratively (no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise InvalidBatch(422, f"JSON nesting deeper than {MAX_DEPTH} levels")
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


def _check_text(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidBatch(422, "strings must be valid Unicode (a lone surrogate escape was sent)") from None


# A JSON string's body: anything but a quote or backslash, or an escape pair (exact for valid JSON).
_STRING = re.compile(rb'"([^"\\]*(?:\\.[^"\\]*)*)"')
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")


def split_strings(raw: bytes) -> list[bytes]:
    """The JSON text cut at its strings: even items lie outside strings, odd items are the strings'
    bodies (still escaped). ``raw`` must be valid JSON."""
    if b'\\"' not in raw:
        return raw.split(b'"')  # no escaped quote: every quote delimits a string (the common case)
    return _STRING.split(raw)


def _numbers_need_exact_check(outside: bytes) -> bool:
    """True when a number might be out of range: 16 digits in a row (2^53 has 16), or an exponent
    (outside strings, every ``e`` belongs to true/false unless a number has one)."""
    if b"E" in outside or b"0" * 16 in outside.translate(_DIGITS_TO_ZERO):
        return True
    return outside.count(b"e") != outside.count(b"true") + outside.count(b"false")


def _depth(outside: bytes) -> int:
    """How deep the brackets nest, up to ``MAX_DEPTH + 1``: one level of empty pairs goes per round."""
    brackets = outside.translate(_BRACKETS, _NOT_BRACKETS)
    depth = 0
    while brackets and depth <= MAX_DEPTH:
        brackets = brackets.replace(b"[]", b"")
        depth += 1
    return depth


def loads_fast(raw: bytes) -> tuple[Any, list[bytes]]:
    """``loads_strict``, and the text cut at its strings (``split_strings``) for the PII gate."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _loads_exact(raw), split_strings(raw)  # the exact parser words the refusal
    parts = split_strings(raw)
    outside = b"".join(parts[::2])
    if _numbers_need_exact_check(outside):
        return _loads_exact(raw), parts
    if _depth(outside) > MAX_DEPTH:
        raise InvalidBatch(422, f"JSON nesting deeper than {MAX_DEPTH} levels")
    return value, parts


def loads_strict(raw: bytes) -> Any:
    """Parse JSON text strictly (see the module rules)."""
    return loads_fast(raw)[0]


def _loads_exact(raw: bytes) -> Any:
    """The exact strict parser: slower, decides every case the fast path leaves to it."""
    try:
        value = json.loads(raw, parse_constant=_reject_constant, parse_float=_parse_float, parse_int=_parse_int)
    except RecursionError:
        raise InvalidBatch(422, f"JSON nesting deeper than {MAX_DEPTH} levels") from None
    except (UnicodeDecodeError, ValueError) as err:
        if isinstance(err, InvalidBatch):
            raise
        raise InvalidBatch(400, "body is not JSON (UTF-8)") from None
    _check_tree(value)
    return value


def _count(batch: dict[str, Any], name: str) -> int:
    value = batch.get(name, 0)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < MAX_SAFE:
        raise InvalidBatch(422, f"`{name}` must be an integer in [0, 2^53)")
    return value


def parse_batch(raw: bytes) -> tuple[str, str, int, list[dict[str, Any]], int]:
    """Parse and check ``{"session", "view", "seq", "events", "dropped"?}``; return its five parts."""
    session, view, seq, events, dropped, _ = parse_batch_with_strings(raw)
    return session, view, seq, events, dropped


def parse_batch_with_strings(raw: bytes) -> tuple[str, str, int, list[dict[str, Any]], int, list[bytes]]:
    """``parse_batch``, and the bodies of the strings inside its events (escaped, as in the text;
    the batch's own session and view ids left out), for the PII gate."""
    batch, parts = loads_fast(raw)
    if not isinstance(batch, dict):
        raise InvalidBatch(422, "batch must be a JSON object")
    unknown = set(batch) - {"session", "view", "seq", "events", "dropped"}
    if unknown:
        raise InvalidBatch(422, f"unknown batch keys: {sorted(unknown)[:5]}")
    session, events = batch.get("session"), batch.get("events")
    if not isinstance(session, str) or not SESSION_PATTERN.match(session):
        raise InvalidBatch(422, "`session` must be 32 lowercase hex characters (the SDK's session id)")
    view = batch.get("view")
    if not isinstance(view, str) or not VIEW_PATTERN.match(view):
        raise InvalidBatch(422, "`view` must be 16 lowercase hex characters (the page view's id)")
    if "seq" not in batch:
        raise InvalidBatch(422, "`seq` must be an integer in [0, 2^53)")
    seq = _count(batch, "seq")
    dropped = _count(batch, "dropped")
    if not isinstance(events, list) or not events or len(events) > MAX_EVENTS_PER_BATCH:
        raise InvalidBatch(422, f"`events` must be a list of 1 to {MAX_EVENTS_PER_BATCH} events")
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            raise InvalidBatch(422, f"events[{i}] must be an object")
        kind, ts = event.get("type"), event.get("timestamp")
        if not isinstance(kind, int) or isinstance(kind, bool) or not 0 <= kind <= 6:
            raise InvalidBatch(422, f"events[{i}].type must be an rrweb EventType (0-6)")
        if not isinstance(ts, (int, float)) or isinstance(ts, bool) or not 0 <= ts < MAX_SAFE:
            raise InvalidBatch(422, f"events[{i}].timestamp must be a number in [0, 2^53) (milliseconds)")
        if not isinstance(event.get("data"), dict):
            raise InvalidBatch(422, f"events[{i}].data must be an object")
    strings = parts[1::2]
    # Drop one copy of each top-level id (whose hex shape always looks like a token); an equal
    # string inside the events, if any, is still there, so the gate sees every string it must.
    for own in (session.encode(), view.encode()):
        try:
            strings.remove(own)
        except ValueError:
            pass
    return session, view, seq, events, dropped, strings
