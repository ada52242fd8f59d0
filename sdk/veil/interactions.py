"""How the visitor used the page, never what they typed: pointer thinning, key redaction, action names.

Rules: a keystroke keeps its identity only for named keys (Enter, Tab, Escape, Backspace, Delete,
arrows, Home, End, PageUp, PageDown); every other key becomes ``*``; ``code`` and ``keyCode`` are
never read. In a forced-secret field a keystroke carries no key identity and no modifiers; in a
blocked region (or on a node the replay does not have) nothing but the fact it happened. Pointer
paths keep the start and end of each gesture plus one position per sampling interval. An action
name (the text of what was clicked) follows the most restrictive level inside the clicked element;
a form field's name is treated as what was typed into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .contract import ACTION_NAME_MAX, FORM_FIELD_TAGS
from .levels import Level
from .masking import clear_text, input_value_for_level, mask_text
from .nodes import NodeTable
from .values import is_int

NAMED_KEYS = frozenset(
    {"Enter", "Tab", "Escape", "Backspace", "Delete", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight",
     "Home", "End", "PageUp", "PageDown"}
)
MODIFIER_KEYS = frozenset({"Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock", "Fn", "FnLock", "Hyper", "Super", "Symbol", "SymbolLock", "OS"})
REDACTED_KEY = "*"
GESTURE_GAP_MS = 300


def redact_key(key: object) -> str | None:
    """A keystroke's recordable identity: named keys as they are, anything else ``*``; None to skip."""
    if not isinstance(key, str) or key in MODIFIER_KEYS:
        return None  # pressing a modifier alone says nothing worth replaying
    return key if key in NAMED_KEYS else REDACTED_KEY


def keystroke(payload: dict[str, Any], table: NodeTable) -> dict[str, Any] | None:
    """The masked payload of a raw keydown {key, id, alt, ctrl, meta, shift}; None to skip."""
    key = redact_key(payload.get("key"))
    if key is None:
        return None
    node_id = payload.get("id")
    info = table.get(node_id) if is_int(node_id) else None
    if info is None or info.level is Level.BLOCK:
        return {"key": None}
    if info.secret:
        return {"id": node_id, "key": None}
    out: dict[str, Any] = {"id": node_id, "key": key}
    for modifier in ("alt", "ctrl", "meta", "shift"):
        out[modifier] = payload.get(modifier) is True
    return out


def action(payload: dict[str, Any], table: NodeTable, scrub: bool) -> dict[str, Any] | None:
    """The masked payload of a raw click action {id, name}; None when the target is unknown."""
    node_id = payload.get("id")
    if not is_int(node_id) or node_id not in table:
        return None
    name = payload.get("name")
    name = name[:ACTION_NAME_MAX] if isinstance(name, str) else ""
    level = table.subtree_level(node_id)
    info = table.get(node_id)
    if level is Level.BLOCK or (info is not None and info.secret):
        name = ""
    elif info is not None and info.tag in FORM_FIELD_TAGS:
        name = input_value_for_level(name, level, False, scrub)  # a field's text is what was typed
    elif level is Level.MASK:
        name = mask_text(name)
    else:
        name = clear_text(name, scrub)
    return {"id": node_id, "name": name}


@dataclass
class PointerThinner:
    """Keeps the start and end of each pointer gesture and one position per ``interval_ms``."""

    interval_ms: float
    _last_seen: float | None = None
    _last_kept: float | None = None

    def thin(self, positions: list[dict[str, Any]], event_time: float) -> list[dict[str, Any]]:
        """The positions to keep; ``timeOffset`` is relative to ``event_time`` (rrweb's convention)."""
        kept = []
        times = [event_time + p["timeOffset"] for p in positions]
        for i, (p, t) in enumerate(zip(positions, times, strict=True)):
            starts = self._last_seen is None or t - self._last_seen >= GESTURE_GAP_MS
            ends = i == len(positions) - 1 or times[i + 1] - t >= GESTURE_GAP_MS
            sampled = self.interval_ms > 0 and (self._last_kept is None or t - self._last_kept >= self.interval_ms)
            if starts or ends or sampled:
                kept.append(p)
                self._last_kept = t
            self._last_seen = t
        return kept
