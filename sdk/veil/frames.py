"""Cross-origin iframes: a child page's masked events, made part of the parent page's recording.

A page (the parent) and an iframe from another origin (the child) that both run Veil record as one
replay once both named each other's origin (``iframeOrigins`` in the parent, ``parentOrigin`` in
the child; the shim's handshake). The child masks its own page with its own core and config and
hands the parent its gzipped batches; the parent's shim passes each one here with the id of the
iframe element it came through.

Rules: the child's events are untrusted input to the parent's core, and they are already masked:
nothing here can unmask them, and everything they carry is masked again by the parent's own
masker, as raw observations of the iframe's document, under the iframe element's level (so the
parent never lowers the child's masking, a ``block`` or unknown iframe records nothing of it, and
every event is rebuilt from the masker's allowlist of keys). Only the replayable part of the
child's recording passes: its full snapshot (which becomes the iframe's document: a mutation that
attaches it, as rrweb records a same-origin iframe), mutations, pointer, scroll, input, CSSOM and
canvas events; meta, viewport, custom and plugin events are dropped. Ids are moved into a space of
the iframe's own: node ids and constructed-sheet ids of the n-th iframe (n from 1, at most
MAX_FRAMES per recording) become n * ID_STRIDE + id, far above the ids the parent's page gives out.
After each of the parent's full snapshots a child's events wait for the child's next full
snapshot (the shim asks the child for one), and none plays before the parent's full snapshot:
their timestamps are raised to it. A batch is at most MAX_BATCH_BYTES decompressed.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from .levels import Level
from .nodes import NodeTable
from .rrweb import EventType, NodeType, Source
from .values import is_int, is_number

ID_STRIDE = 1 << 32
MAX_FRAMES = 1 << 16  # iframes per recording; n * ID_STRIDE + id stays below 2^53
MAX_BATCH_BYTES = 16 * 1024 * 1024
_MAX_DEPTH = 10_000


class Rejected(ValueError):
    """A child batch or event that cannot be read (the whole batch, or that event, is dropped)."""


def read_batch(data: bytes) -> list[Any]:
    """The events of a child's gzipped batch (``{"session", "view", "seq", "events", ...}``)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        raw = inflater.decompress(data, MAX_BATCH_BYTES + 1)
    except zlib.error as err:
        raise Rejected(f"a child batch is not gzip: {err}") from None
    if len(raw) > MAX_BATCH_BYTES or inflater.unconsumed_tail:
        raise Rejected("a child batch is too large")
    try:
        batch = json.loads(raw)
    except ValueError:
        raise Rejected("a child batch is not JSON") from None
    events = batch.get("events") if isinstance(batch, dict) else None
    if not isinstance(events, list):
        raise Rejected("a child batch holds no events")
    return events


class _Frame:
    """One iframe element's child: its id space and whether its document is attached now."""

    __slots__ = ("attached_at", "base", "root")

    def __init__(self, slot: int) -> None:
        self.base = slot * ID_STRIDE
        self.attached_at: float | None = None  # the timestamp of its attach, since the parent's last snapshot
        self.root = 0  # the (moved) id of its document


class ChildFrames:
    """The children of one recording: turns their masked events into the parent's raw events."""

    def __init__(self) -> None:
        self._frames: dict[int, _Frame] = {}
        self.snapshot_at = 0.0  # the timestamp of the parent's last full snapshot

    def reset(self) -> None:
        """A new recording: every child starts again (new slots)."""
        self._frames.clear()
        self.snapshot_at = 0.0

    def parent_snapshot(self, timestamp: float) -> None:
        """The parent took a full snapshot: its replay has no child document until each child's next one."""
        self.snapshot_at = max(self.snapshot_at, timestamp)
        for frame in self._frames.values():
            frame.attached_at = None

    def transform(self, iframe_id: int, events: list[Any], table: NodeTable) -> tuple[list[dict[str, Any]], bool]:
        """The parent's raw events for a child batch that came through the iframe ``iframe_id``, and
        whether the parent should ask the child for a full snapshot (its document is not attached).
        Rejected when the iframe is not one the parent records."""
        info = table.get(iframe_id)
        if info is None or info.tag != "iframe" or info.level is Level.BLOCK:
            raise Rejected("a child batch for an iframe the replay does not record")
        frame = self._frames.get(iframe_id)
        if frame is None:
            if len(self._frames) >= MAX_FRAMES:
                raise Rejected("too many iframes in one recording")
            frame = self._frames[iframe_id] = _Frame(len(self._frames) + 1)
        out: list[dict[str, Any]] = []
        for event in events:
            try:
                moved = self._event(iframe_id, frame, event)
            except (Rejected, KeyError, TypeError, ValueError):
                continue  # the parent's masker rejects what it cannot read; this event never reached it
            if moved is not None:
                out.append(moved)
        return out, frame.attached_at is None

    def _event(self, iframe_id: int, frame: _Frame, event: Any) -> dict[str, Any] | None:
        if not isinstance(event, Mapping) or not is_number(event.get("timestamp")):
            return None
        kind, data = event.get("type"), event.get("data")
        if not isinstance(data, Mapping):
            return None
        if kind == EventType.FULL_SNAPSHOT:
            timestamp = max(float(event["timestamp"]), self.snapshot_at)
            node = data.get("node")
            if not isinstance(node, Mapping) or node.get("type") != NodeType.DOCUMENT:
                raise Rejected("a child's snapshot is not a document")
            document = _move_node(node, frame.base, None)
            frame.attached_at, frame.root = timestamp, document["id"]
            return _mutation(timestamp, {"adds": [{"parentId": iframe_id, "nextId": None, "node": document}], "isAttachIframe": True})
        if kind != EventType.INCREMENTAL_SNAPSHOT or frame.attached_at is None:
            return None
        timestamp = max(float(event["timestamp"]), frame.attached_at)
        moved = _incremental(data, frame.base, frame.root)
        return None if moved is None else {"type": int(EventType.INCREMENTAL_SNAPSHOT), "data": moved, "timestamp": timestamp}


def _mutation(timestamp: float, data: dict[str, Any]) -> dict[str, Any]:
    full = {"source": int(Source.MUTATION), "texts": [], "attributes": [], "removes": [], "adds": [], **data}
    return {"type": int(EventType.INCREMENTAL_SNAPSHOT), "data": full, "timestamp": timestamp}


def _mover(base: int) -> Callable[[Any], int]:
    def move(value: Any) -> int:
        if not is_int(value) or not 0 < value < ID_STRIDE:
            raise Rejected("a child id out of range")
        return int(base + value)
    return move


def _move_node(node: Mapping[str, Any], base: int, root_id: int | None) -> dict[str, Any]:
    """A copy of a serialized subtree with its ids (and rootIds) moved into the child's id space;
    every node but a document gets ``root_id`` (its document's id) when it has none of its own, as
    rrweb marks the nodes of an iframe's document. Keys are copied as they are: the parent's node
    writer keeps only those it knows."""
    move = _mover(base)
    top = dict(node)
    top_root = move(top["id"]) if top.get("type") == NodeType.DOCUMENT else root_id
    stack: list[tuple[dict[str, Any], int | None]] = [(top, top_root)]
    seen = 0
    while stack:
        current, root = stack.pop()
        seen += 1
        if seen > 1_000_000:
            raise Rejected("a child's subtree is too large")
        current["id"] = move(current.get("id"))
        if "rootId" in current:
            current["rootId"] = move(current["rootId"])
        elif current.get("type") != NodeType.DOCUMENT and root is not None:
            current["rootId"] = root
        children = current.get("childNodes")
        if isinstance(children, list):
            copies = [dict(c) if isinstance(c, Mapping) else c for c in children]
            current["childNodes"] = copies
            inner = current["id"] if current.get("type") == NodeType.DOCUMENT else root
            stack.extend((c, inner) for c in copies if isinstance(c, dict))
    return top


_POINTER_SOURCES = (Source.MOUSE_MOVE, Source.TOUCH_MOVE, Source.DRAG)
_ID_SOURCES = (Source.MOUSE_INTERACTION, Source.SCROLL, Source.INPUT, Source.CANVAS_MUTATION)
_STYLE_SOURCES = (Source.STYLE_SHEET_RULE, Source.STYLE_DECLARATION)


def _incremental(data: Mapping[str, Any], base: int, root: int) -> dict[str, Any] | None:
    """A child's incremental event data with its ids moved, or None for a source that is not
    replayed in the parent (viewport, media, fonts, selection...)."""
    move = _mover(base)
    source = data.get("source")
    out = dict(data)
    if source == Source.MUTATION:
        out["adds"] = [
            {"parentId": move(a["parentId"]), "nextId": move(a["nextId"]) if a.get("nextId") is not None else None,
             "node": _move_node(_object(a["node"]), base, root)}
            for a in map(_object, _items(data.get("adds")))
        ]
        out["removes"] = [{"parentId": move(r["parentId"]), "id": move(r["id"])} for r in map(_object, _items(data.get("removes")))]
        out["texts"] = [{**t, "id": move(t["id"])} for t in map(_object, _items(data.get("texts")))]
        out["attributes"] = [{**a, "id": move(a["id"])} for a in map(_object, _items(data.get("attributes")))]
        return out
    if source in _POINTER_SOURCES:
        out["positions"] = [{**p, "id": move(p["id"]) if p.get("id", -1) != -1 else -1} for p in map(_object, _items(data.get("positions")))]
        return out
    if source in _ID_SOURCES:
        out["id"] = -1 if data.get("id") == -1 else move(data.get("id"))  # -1: inside a block of the child
        if source == Source.CANVAS_MUTATION:
            from .canvas import frame_of_event  # the raw frame again: the parent judges it as its own

            try:
                frame = frame_of_event(data)
            except ValueError:
                raise Rejected("not a canvas frame Veil records") from None
            return {"source": int(source), **frame, "id": out["id"]}
        return out
    if source in _STYLE_SOURCES:
        if data.get("styleId") is not None:
            out["styleId"] = move(data["styleId"])
        if data.get("id") is not None:
            out["id"] = move(data["id"])
        return out
    if source == Source.ADOPTED_STYLE_SHEET:
        out["id"] = move(data.get("id"))
        out["styleIds"] = [move(i) for i in _items(data.get("styleIds"))]
        if data.get("styles") is not None:
            out["styles"] = [{**s, "styleId": move(s.get("styleId"))} for s in map(_object, _items(data["styles"]))]
        return out
    return None


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Rejected("expected a list")
    return value


def _object(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Rejected("expected an object")
    return value


__all__ = ["ChildFrames", "ID_STRIDE", "MAX_BATCH_BYTES", "Rejected", "read_batch"]
