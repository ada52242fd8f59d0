"""How the visitor used the page, never what they typed: pointer thinning, key redaction, action names.

Rules for keystrokes: ``code`` and ``keyCode`` are never read; pressing a modifier alone is not
recorded. A keystroke keeps its identity only for named keys (Enter, Tab, Escape, Backspace,
Delete, arrows, Home, End, PageUp, PageDown). Character keys are never recorded one by one: in a
field, an editable region or a typing surface, on a node the replay does not have, or in a blocked
region they are not recorded at all (their number is the length of what was typed); elsewhere only
a shortcut (with Ctrl, Alt or Meta) is recorded, as ``*``, since a page may build text from plain
keystrokes itself. A run of the same key on the same target is recorded once: seven Backspaces or
ArrowLefts in a field would otherwise measure its value. In a forced-secret field a keystroke
carries no key identity and no modifiers; in a blocked region (or on a node the replay does not
have) nothing but the fact it happened.

A keystroke into a target that takes typing the page shows elsewhere (the shim's "hidden" fact: a
hidden textarea, how Monaco, CodeMirror 5, Ace and xterm.js take typing; or an element fed through
the EditContext API, how Monaco takes it on Chromium, with no textarea and no input event), at a
level that masks it, makes the element it types into a typing surface: what it shows is the
visitor's typing (see ``nodes``). A target that is a form field other than a textarea, or that is
in a typed region already, makes none.

Pointer paths keep the start and end of each gesture plus one position per sampling interval. An
action name (the text of what was clicked) follows the most restrictive level inside the clicked
element; a form field's name is treated as what was typed into it; a name recorded in clear has
the echoes of typed values masked. Under ``mask`` a name the site-text list covers is shown as the
list shows that text in the page (``masking.masked_text``), unless the target holds a typed region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .contract import ACTION_NAME_MAX, FORM_FIELD_TAGS
from .echo import Echoes
from .levels import Level
from .masking import input_value_for_level, masked_text
from .nodes import NodeTable
from .sitetext import SiteText
from .text import clear_text
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
    """The masked payload of a raw keydown {key, id, alt, ctrl, meta, shift}; None to skip (with no
    memory of the previous key: see ``Keystrokes`` for the recorder's rule)."""
    return Keystrokes().mask(payload, table)


class Keystrokes:
    """Keystroke masking for one recording; its one state is the last keystroke recorded."""

    def __init__(self) -> None:
        self._last: tuple[Any, ...] | None = None

    def reset(self) -> None:
        self._last = None

    def mask(self, payload: dict[str, Any], table: NodeTable) -> dict[str, Any] | None:
        """The masked payload of a raw keydown {key, id, alt, ctrl, meta, shift, hidden}; None to skip."""
        key = redact_key(payload.get("key"))
        if key is None:
            return None
        named = key != REDACTED_KEY
        node_id = payload.get("id")
        info = table.get(node_id) if is_int(node_id) else None
        known = info is not None and info.level is not Level.BLOCK
        modifiers = {m: payload.get(m) is True for m in ("alt", "ctrl", "meta", "shift")}
        if not named:
            typing = not known or info is None or info.secret or info.tag in FORM_FIELD_TAGS or table.is_typed(node_id)
            if typing or not (modifiers["alt"] or modifiers["ctrl"] or modifiers["meta"]):
                return None
        out: dict[str, Any]
        if info is None or not known:
            out = {"key": None}
            run: tuple[Any, ...] = (None, payload.get("key"))
        elif info.secret:
            out = {"id": node_id, "key": None}
            run = (node_id, payload.get("key"))
        else:
            out = {"id": node_id, "key": key, **modifiers}
            run = (node_id, key, *modifiers.values())
        if run == self._last:
            return None  # a repeat says nothing but a count
        self._last = run
        return out


def mark_typing_surface(payload: dict[str, Any], table: NodeTable) -> None:
    """A keystroke into a target that takes typing the page shows elsewhere (a hidden textarea, an
    EditContext element), at a level that masks it: the element it types into becomes a typing
    surface (recorded at ``mask`` at least, its text remembered as typed)."""
    if payload.get("hidden") is not True:
        return
    node_id = payload.get("id")
    info = table.get(node_id) if is_int(node_id) else None
    if info is None or info.tag is None or (info.level is Level.ALLOW and not info.secret):
        return
    if (info.tag in FORM_FIELD_TAGS and info.tag != "textarea") or table.is_typed(node_id):
        return  # an input shows what it takes; a typed region's text is masked as typing already
    surface = table.typing_surface(node_id)  # type: ignore[arg-type]  # is_int above
    if surface is not None and surface not in table.surface_ids():
        table.mark_surface(surface)


def action(payload: dict[str, Any], table: NodeTable, scrub: bool, echoes: Echoes | None = None,
           site: SiteText | None = None) -> dict[str, Any] | None:
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
        name = masked_text(name, site, site is not None and table.holds_typed(node_id))
    else:
        name = clear_text(name, scrub)
    if echoes is not None:
        name = echoes.mask(name)  # "Add zqtyped…": what was typed, written back on a button
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
