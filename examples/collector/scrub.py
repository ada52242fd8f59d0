"""Defence in depth at the collector: the core's PII scrubber, run once more over stored events.

Rules: every string value in the events is scrubbed except those that are markup, not content
(CSS, class names, tag names); keys are never changed. Returns the scrubbed events and how many
strings had to be masked here: anything above zero means a page leaked past the browser's core.
"""

from __future__ import annotations

from typing import Any

from veil.pii import scrub_pii

STRUCTURAL_KEYS = frozenset({"_cssText", "class", "style", "tagName", "type", "name", "publicId", "systemId", "tag"})


def scrub_events(events: list[Any]) -> tuple[list[Any], int]:
    """The events with PII masked, and the number of strings that changed."""
    masked = 0

    def walk(value: Any, key: str | None) -> Any:
        nonlocal masked
        if isinstance(value, str):
            if key in STRUCTURAL_KEYS:
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
