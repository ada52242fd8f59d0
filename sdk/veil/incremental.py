"""Incremental events other than mutations: input values, pointer moves, clicks, scrolls, viewport
sizes, and the CSSOM (handed to ``cssom``).

Rules: each event is rebuilt from the fields rrweb's Replayer reads, every one checked (``raw``).
An input value goes through the one input masker at its field's level, with the echoes of typed
values masked; an input on an unknown or blocked node is rejected. An input that repeats the
field's last recorded (masked) value is not recorded: one event per keystroke would count the
characters. A node the replay never had (inside a block) is named -1; a scroll there is dropped.
Pointer paths are thinned (``interactions.PointerThinner``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import interactions
from .config import Config
from .cssom import StyleSheets
from .echo import Echoes
from .learning import EchoLearner
from .levels import Level
from .masking import input_value_for_level
from .nodes import NodeTable
from .raw import Rejected, as_int, as_list, as_map, as_number
from .rrweb import Source

# How many fields' last recorded input values are kept (to drop repeats) between two snapshots.
_MAX_LAST_INPUTS = 4096
_POINTER_SOURCES = (Source.MOUSE_MOVE, Source.TOUCH_MOVE, Source.DRAG)
_STYLE_SOURCES = (Source.STYLE_SHEET_RULE, Source.STYLE_DECLARATION, Source.ADOPTED_STYLE_SHEET)


class LastInputs:
    """Per field, the last input recorded (masked text, checked): a repeat is not recorded again."""

    def __init__(self) -> None:
        self._last: dict[int, tuple[str, bool]] = {}

    def repeats(self, node_id: int, value: tuple[str, bool]) -> bool:
        """True when ``value`` is what the field shows already; else remember it."""
        if self._last.get(node_id) == value:
            return True
        if len(self._last) >= _MAX_LAST_INPUTS:
            self._last.clear()  # bounded: forgetting costs at most one repeated event per field
        self._last[node_id] = value
        return False

    def forget(self, node_id: int) -> None:
        """The field shows something else now (its value attribute changed)."""
        self._last.pop(node_id, None)

    def clear(self) -> None:
        self._last.clear()


class IncrementalMasker:
    """Masks the incremental events of one page, judged by the levels in ``table``."""

    def __init__(self, config: Config, table: NodeTable, echoes: Echoes, learner: EchoLearner) -> None:
        self.config = config
        self.table = table
        self.echoes = echoes
        self.learner = learner
        self.inputs = LastInputs()
        self.styles = StyleSheets(config.scrub_patterns)  # CSSOM: sources 8, 13, 15 (cssom)
        self.thinners = {source: interactions.PointerThinner(config.mouse_move_sample_ms) for source in _POINTER_SOURCES}

    def new_page(self) -> None:
        """A full snapshot starts the page over: what fields showed and the sheets it had are gone."""
        self.inputs.clear()
        self.styles.reset()

    def _known_id(self, value: Any) -> int:
        """An event's target id, or -1 when the replay never had that node (inside a block)."""
        node_id = as_int(value)
        return node_id if node_id in self.table else -1

    def mask(self, data: Mapping[str, Any], timestamp: float) -> dict[str, Any] | None:
        source = data.get("source")
        if source == Source.INPUT:
            return self._input(data)
        if source in _POINTER_SOURCES:
            positions = [
                {
                    "x": as_number(p.get("x")),
                    "y": as_number(p.get("y")),
                    "id": self._known_id(p.get("id")),
                    "timeOffset": as_number(p.get("timeOffset")),
                }
                for p in map(as_map, as_list(data.get("positions")))
            ]
            kept = self.thinners[Source(source)].thin(positions, timestamp)
            return {"source": int(source), "positions": kept} if kept else None
        if source == Source.MOUSE_INTERACTION:
            interaction = as_int(data.get("type"))
            if not 0 <= interaction <= 10:
                raise Rejected("unknown mouse interaction")
            out: dict[str, Any] = {"source": int(source), "type": interaction, "id": self._known_id(data.get("id"))}
            for key in ("x", "y"):
                if key in data:
                    out[key] = as_number(data[key])
            if data.get("pointerType") in (0, 1, 2):
                out["pointerType"] = data["pointerType"]
            return out
        if source == Source.SCROLL:
            node_id = self._known_id(data.get("id"))
            if node_id == -1:
                return None  # scrolling inside a block: the replay has nothing to scroll
            return {"source": int(source), "id": node_id, "x": as_number(data.get("x")), "y": as_number(data.get("y"))}
        if source in _STYLE_SOURCES:
            return self.styles.mask(data, self.table)
        if source == Source.VIEWPORT_RESIZE:
            return {"source": int(source), "width": as_number(data.get("width")), "height": as_number(data.get("height"))}
        raise Rejected(f"incremental source {source!r} is not recorded")

    def _input(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        self.learner.input(data)
        node_id = as_int(data.get("id"))
        info = self.table.get(node_id)
        if info is None or info.level is Level.BLOCK:
            raise Rejected("input on an unknown or blocked node")
        text = data.get("text")
        text = text if isinstance(text, str) else ""
        checked = data.get("isChecked") is True and info.level is Level.ALLOW and not info.secret
        scrub = self.config.scrub_patterns
        masked_text = self.echoes.mask(input_value_for_level(text, info.level, info.secret, scrub))  # a copy into an allowed field
        if self.inputs.repeats(node_id, (masked_text, checked)):
            return None  # the replay shows this already; one event per keystroke would count them
        return {"source": int(Source.INPUT), "id": node_id, "text": masked_text, "isChecked": checked}
