"""Defence in depth at the collector: the core's PII scrubber, run once more over stored events.

Rules: every string value in the events is scrubbed except those that are markup, not content
(CSS, class names, tag names); keys are never changed. Returns the scrubbed events and how many
strings had to be masked here: anything above zero means a page leaked past the browser's core.

Fast path: ``CANDIDATE`` is one compiled pattern that matches wherever any of ``scrub_pii``'s
patterns could (a superset: an ``@``, eight digits with at most two separators between each, an
IBAN's country and check digits, a token's prefix or a 32-character run; a property test holds it
to that). A string it does not match is returned as it is without running the six patterns, and
events with no candidate at all are returned unchanged, without being copied.
"""

from __future__ import annotations

import re
from typing import Any

from veil.pii import scrub_pii

STRUCTURAL_KEYS = frozenset({"_cssText", "class", "style", "tagName", "type", "name", "publicId", "systemId", "tag"})

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


def scrub_events(events: list[Any]) -> tuple[list[Any], int]:
    """The events with PII masked, and the number of strings that changed."""
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
