"""Learning what the visitor typed from the raw events, before any echo of it is masked.

Rules: the learner reads raw events and only ever adds to the page view's ``Echoes`` (what the
visitor typed where it was masked); it decides nothing that leaves, and an event it cannot read is
skipped (masking rejects it). It remembers a field's value when its level masks it (or the field
is not known yet), text written in a typed region (contenteditable, a typing surface) where it is
masked, and the text of nodes added there. A hand-over is learnt before it is masked: a page may
echo a value in a mutation that the shim handed over before the input event that typed it; but
only up to its next full snapshot, since a field's level is known once the snapshot holding it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import interactions
from .contract import KEY_TAG
from .echo import Echoes
from .levels import Level
from .nodes import NodeTable
from .raw import as_list, as_map
from .rrweb import EventType, NodeType, Source
from .values import is_int

# An added subtree is searched for typed text up to this many nodes (a huge add is masked all the same).
_MAX_ADD_NODES = 10_000


class EchoLearner:
    """Feeds ``echoes`` from raw events, judged by the levels in ``table``."""

    def __init__(self, table: NodeTable, echoes: Echoes) -> None:
        self.table = table
        self.echoes = echoes

    def learn(self, raw_events: list[Any], start: int = 0) -> int:
        """Learn from ``raw_events[start:]`` up to the next full snapshot; return where it stopped."""
        for index in range(start, len(raw_events)):
            raw = raw_events[index]
            if type(raw) is dict and raw.get("type") == EventType.FULL_SNAPSHOT:
                return index
            try:
                if type(raw) is not dict:
                    continue
                data = raw.get("data")
                if type(data) is not dict:
                    continue
                if raw.get("type") == EventType.INCREMENTAL_SNAPSHOT:
                    if data.get("source") == Source.INPUT:
                        self.input(data)
                    elif data.get("source") == Source.MUTATION:
                        self.mutation(data)
                elif raw.get("type") == EventType.CUSTOM and data.get("tag") == KEY_TAG:
                    interactions.mark_typing_surface(dict(as_map(data.get("payload"))), self.table)
            except Exception:  # noqa: BLE001 - learning never decides what leaves; masking does
                continue
        return len(raw_events)

    def input(self, data: Mapping[str, Any]) -> None:
        """Remember a field's value when its level masks it (or the field is not known yet). Not a
        select's, checkbox's or radio's: its value is one of the options the page shows in clear,
        and masking that one option where it reappears would tell which was chosen."""
        text = data.get("text")
        if not isinstance(text, str):
            return
        node_id = data.get("id")
        info = self.table.get(node_id) if is_int(node_id) else None
        if info is None or ((info.level is not Level.ALLOW or info.secret) and not self.table.is_choice(node_id)):
            self.echoes.remember(text, typed=data.get("userTriggered") is not False)  # unknown: typed

    def mutation(self, data: Mapping[str, Any]) -> None:
        """Remember text written in a typed region (contenteditable, typing surface) where it is masked."""
        table = self.table
        if not table.surface_ids() and not table.has_editable():
            return
        for item in as_list(data.get("texts")):
            if not isinstance(item, Mapping):
                continue
            node_id, value = item.get("id"), item.get("value")
            info = table.get(node_id) if is_int(node_id) else None
            if isinstance(value, str) and info is not None and info.level is not Level.ALLOW and table.is_typed(node_id):
                self.echoes.remember(value)
        for item in as_list(data.get("adds")):
            if isinstance(item, Mapping):
                self.add(item)

    def add(self, item: Mapping[str, Any]) -> None:
        """Remember the text of a subtree added in a typed region where it is masked."""
        parent_id = item.get("parentId")
        parent = self.table.get(parent_id) if is_int(parent_id) else None
        if parent is None or parent.level is Level.ALLOW or not self.table.is_typed(parent_id):
            return
        stack, seen = [item.get("node")], 0
        while stack and seen < _MAX_ADD_NODES:
            node = stack.pop()
            seen += 1
            if not isinstance(node, Mapping):
                continue
            if node.get("type") == NodeType.TEXT and isinstance(node.get("textContent"), str):
                self.echoes.remember(node["textContent"])
            children = node.get("childNodes")
            if isinstance(children, list):
                stack.extend(children)
