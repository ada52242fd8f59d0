"""Full snapshots: the one-piece kind and the time-sliced kind that arrives in parts.

Rules: a full snapshot starts the page over: before its first node is written, the masker's page
state is forgotten (``on_new_page``: the node table, the last inputs, the style sheets). A snapshot
is emitted whole, as the JSON of its event's data, or not at all: a part that fails leaves the
snapshot broken, nothing of it is emitted, and its last part asks for a fresh one; after
``MAX_SNAPSHOT_RETRIES`` broken snapshots in a row the page is not asked again (the last one is
rejected). Until a snapshot is complete, ``has_snapshot`` is False and incremental events are
rejected (they would refer to nodes the replay does not have). A time-sliced snapshot's event is
compressed as its parts arrive (the worker waits for the page's walk meanwhile) and handed to its
batch with it (``take_deflated``; see ``deflate``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from .deflate import Deflated, Deflater
from .echo import Echoes
from .levels import Level
from .nodes import NodeTable
from .raw import Rejected, as_list, as_map, as_number
from .rrweb import NodeType
from .sitetext import SiteText
from .subtree import write_tree
from .rrweb import EventType
from .tree import SnapshotAssembler

# How many broken time-sliced snapshots in a row are retried before the core stops asking.
MAX_SNAPSHOT_RETRIES = 3
# A snapshot is compressed ahead at its batch's level (batch.BATCH_LEVEL: only then is it spliced).
SNAPSHOT_DEFLATE_LEVEL = 9


class SnapshotMasker:
    """Masks full snapshots into the node table it is given."""

    def __init__(self, default_level: Level, table: NodeTable, scrub: bool, echoes: Echoes,
                 on_new_page: Callable[[], None], site: SiteText | None = None) -> None:
        self.default_level = default_level
        self.site = site  # the site-text list, handed to the node writer
        self.table = table
        self.scrub = scrub
        self.echoes = echoes
        self.on_new_page = on_new_page
        self.has_snapshot = False
        self._assembler: SnapshotAssembler | None = None  # a time-sliced snapshot in progress
        self._deflater: Deflater | None = None  # its event's JSON, compressed as it is written
        self._deflated: Deflated | None = None  # the finished one's, until its event takes it
        self._broken = False
        self._broken_in_a_row = 0  # a page whose snapshot always fails is not retried forever

    def reset(self) -> None:
        """A new recording: no snapshot yet, none in progress."""
        self.has_snapshot = False
        self._assembler = None
        self._deflater = self._deflated = None
        self._broken = False

    def take_deflated(self) -> Deflated | None:
        """The last finished snapshot's event, compressed (once; None if it was not)."""
        deflated, self._deflated = self._deflated, None
        return deflated

    def whole(self, data: Mapping[str, Any]) -> str:
        """A one-piece snapshot: the JSON of the event's data."""
        self._assembler = None
        self._deflater = self._deflated = None
        self.has_snapshot = False
        self.on_new_page()
        node = as_map(data.get("node"))
        if node.get("type") != NodeType.DOCUMENT:
            raise Rejected("full snapshot root is not a document")
        masked = write_tree(node, None, self.default_level, None, self.table, self.scrub, self.echoes, self.site)
        self.has_snapshot = True
        return _snapshot_data(masked, data)

    def part(self, data: Mapping[str, Any], timestamp: float = 0) -> tuple[str | None, bool, bool]:
        """One part of a time-sliced snapshot (rows): masked now, emitted whole with the last part.

        Returns (the JSON of the event's data, or None until the last part; whether a fresh
        snapshot must follow; whether this part failed). The first part (it starts with the
        document) begins a new snapshot.
        """
        part = as_list(data.get("part"))
        starts = bool(part) and isinstance(part[0], list) and bool(part[0]) and part[0][0] == NodeType.DOCUMENT
        if starts:
            self.on_new_page()
            self.has_snapshot = False
            self._broken = False
            self._assembler = SnapshotAssembler(self.default_level, self.table, self.scrub, self.echoes, self.site)
            self._deflater = Deflater(SNAPSHOT_DEFLATE_LEVEL)
            self._deflater.feed(f'{{"type":{int(EventType.FULL_SNAPSHOT)},"data":{{"node":')
        assembler = self._assembler
        self._deflated = None
        done = data.get("done") is True
        fault = False
        try:
            if assembler is None and not self._broken:
                raise Rejected("a snapshot part without its beginning")
            if assembler is not None:  # else the rest of a broken snapshot: ignored, counted once
                assembler.add(part)
                if self._deflater is not None and not done:
                    self._deflater.feed(assembler.take_written())
        except Exception:
            self._assembler = None
            self._deflater = None
            self._broken = True
            if not done:
                raise
            fault = True
        if not done:
            return None, False, False
        self._assembler = None
        root = None if self._broken or assembler is None else assembler.finish()
        if root is None:
            self._broken = False
            self._broken_in_a_row += 1
            if self._broken_in_a_row > MAX_SNAPSHOT_RETRIES:
                raise Rejected("snapshots of this page keep failing")
            return None, True, fault
        self._broken_in_a_row = 0
        self.has_snapshot = True
        out = _snapshot_data(root, data)
        deflater, self._deflater = self._deflater, None
        if deflater is not None and assembler is not None:
            # The rest of the event's JSON: what the event wraps around ``out`` (events.mask).
            deflater.feed(assembler.take_written() + out[len('{"node":') + len(root):] + f',"timestamp":{json.dumps(timestamp)}}}')
            self._deflated = deflater.finish()
        return out, False, False


def _snapshot_data(node_json: str, data: Mapping[str, Any]) -> str:
    offset = as_map(data.get("initialOffset", {"top": 0, "left": 0}))
    masked = {"top": as_number(offset.get("top", 0)), "left": as_number(offset.get("left", 0))}
    return f'{{"node":{node_json},"initialOffset":{json.dumps(masked, separators=(",", ":"))}}}'
