"""Defence in depth at the collector: the core's PII scrubber, run once more over stored events.

Rules: every string value in the events is scrubbed except those that are markup, not content
(CSS, class names, tag names); keys are never changed. Returns the scrubbed events and how many
strings had to be masked here: anything above zero means a page leaked past the browser's core.

Fast path: ``CANDIDATE`` is one compiled pattern that matches wherever any of ``scrub_pii``'s
patterns could (a superset: an ``@``, eight digits with at most two separators between each, an
IBAN's country and check digits, a token's prefix or a 32-character run; a property test holds it
to that). A string it does not match is returned as it is without running the six patterns, and
events with no candidate at all are returned unchanged, without being copied.

Faster still, ``text_has_candidate`` runs ``CANDIDATE`` once over the batch's strings as they
appear in its JSON text (joined by NUL, which no alternative matches), before any walk: when it
finds nothing, no string the walk would look at can hold a candidate, so the walk is skipped. That
holds because the text is a superset of what the walk searches (keys and markup strings are in it
too) and because JSON escapes other than ``\\u`` decode to characters no alternative uses (quote,
backslash, slash, control characters): a text with a ``\\u`` escape is walked.
"""

from __future__ import annotations

import re
from typing import Any

from veil.pii import scrub_pii

# "base64": a canvas frame's image bytes (rrweb's ArrayBuffer argument, written by veil.canvas from
# validated parts only): pixels, not text, which any 32-character run would otherwise corrupt.
STRUCTURAL_KEYS = frozenset({"_cssText", "class", "style", "tagName", "type", "name", "publicId", "systemId", "tag", "base64"})

# Each alternative covers one family of veil.pii's patterns; keep them in step with it.
CANDIDATE = re.compile(
    r"@"  # emails
    r"|\d(?:[ .()\-]{0,2}\d){7}"  # cards (13+ digits), SSNs (9), phone numbers (8+ digits)
    r"|[A-Z]{2}\d{2}"  # IBANs
    r"|(?i:bearer)|[spr]k_(?:live|test)_|eyJ|gh[pousr]_|AKIA|xox[abpr]-|[A-Za-z0-9_-]{32}"  # token shapes
)


_SCALARS = frozenset({int, float, bool, type(None)})


def _suspects(events: list[Any]) -> set[str]:
    """The content strings in which a candidate occurs (usually none). Exact type checks first
    (parsed JSON holds exact types, and they are faster), isinstance for anything else."""
    found: set[str] = set()
    search = CANDIDATE.search

    def visit(v: Any, key: str | None) -> None:
        kind = type(v)
        if kind is str:
            if key not in STRUCTURAL_KEYS and search(v):
                found.add(v)
        elif kind in _SCALARS:
            return
        elif kind is dict or kind is list:
            walk(v, key)
        elif isinstance(v, str):
            visit(str(v), key)
        elif isinstance(v, (dict, list)):
            walk(v, key)

    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                kind = type(v)
                if kind is str:
                    if k not in STRUCTURAL_KEYS and search(v):
                        found.add(v)
                elif kind not in _SCALARS:
                    visit(v, k)
        else:
            for v in value:
                kind = type(v)
                if kind is str:
                    if key not in STRUCTURAL_KEYS and search(v):
                        found.add(v)
                elif kind not in _SCALARS:
                    visit(v, key)

    visit(events, None)
    return found


# ``text_has_candidate`` checks each alternative of CANDIDATE with bytes operations (C loops, no
# per-position regex attempts): classify the bytes with a translation table, then look for a fixed run.
def _table(classes: dict[bytes, int], other: int) -> bytes:
    table = bytearray([other]) * 256
    for chars, mark in classes.items():
        for c in chars:
            table[c] = mark
    return bytes(table)


_UPPER, _LOWER, _DIGIT = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz", b"0123456789"
_IBAN_CLASSES = _table({_UPPER: ord("A"), _DIGIT: ord("0")}, ord(" "))  # [A-Z]{2}\d{2}
_TOKEN_CLASSES = _table({_UPPER + _LOWER + _DIGIT + b"_-": ord("t")}, ord(" "))  # [A-Za-z0-9_-]{32}
_DIGIT_CLASSES = _table({_DIGIT: ord("0")}, ord(" "))  # \d with separators deleted first (a superset)
_SEPARATORS = b" .()-"
# The token prefixes: a plain substring each, then (rarely) the exact shape (literal-prefixed regexes).
_PREFIXES = ((b"eyJ", None), (b"AKIA", None), (b"k_", re.compile(rb"k_(?:live|test)_")),
             (b"gh", re.compile(rb"gh[pousr]_")), (b"xox", re.compile(rb"xox[abpr]-")))
_UNICODE_DIGIT = re.compile(r"[^\D0-9]")  # a decimal digit outside ASCII (CANDIDATE's \d matches it)


def text_has_candidate(strings: list[bytes]) -> bool:
    """False only when none of these JSON string bodies (escaped, valid UTF-8) holds a candidate."""
    joined = b"\x00".join(strings)
    if b"\\u" in joined:
        return True  # an escape could spell a candidate the raw text does not show: walk
    if not joined.isascii() and _UNICODE_DIGIT.search(joined.decode("utf-8", "replace")):
        return True  # the byte tables below know ASCII digits only
    return (
        b"@" in joined
        or b"00000000" in joined.translate(_DIGIT_CLASSES, _SEPARATORS)
        or b"AA00" in joined.translate(_IBAN_CLASSES)
        or b"t" * 32 in joined.translate(_TOKEN_CLASSES)
        or b"bearer" in joined.lower()  # no non-ASCII letter folds to one of b, e, a, r
        or any(prefix in joined and (shape is None or shape.search(joined)) for prefix, shape in _PREFIXES)
    )


def scrub_events(events: list[Any], strings: list[bytes] | None = None) -> tuple[list[Any], int]:
    """The events with PII masked, and the number of strings that changed. ``strings``: the bodies
    of every string in the events' JSON text (see ``text_has_candidate``), when the caller has them."""
    if strings is not None and not text_has_candidate(strings):
        return events, 0
    suspects = _suspects(events)
    if not suspects:
        return events, 0
    masked = 0

    def walk(value: Any, key: str | None) -> Any:
        nonlocal masked
        if isinstance(value, str):
            if key in STRUCTURAL_KEYS or value not in suspects:
                return value
            clean = scrub_pii(value)
            if clean != value:
                masked += 1
            return clean
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        return value

    return walk(events, None), masked
