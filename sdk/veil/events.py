"""Masking of one raw rrweb event from the shim into the event that may leave the page.

Rules: every event is rebuilt from an allowlist of keys, so nothing the core does not know passes
through. Node content goes through ``tree`` and ``masking``; the node table gives each id its level.
An event the core cannot judge (unknown type or source, an id it has never seen) is dropped, not
forwarded. Raises ``Rejected`` for a dropped event; the recorder counts it. Everything else
(the masked event, a request for a fresh snapshot, a pause on an excluded URL) is returned as a
``Masked`` value.

Echoes: the masker learns what the visitor typed where it was masked (a masked field's input
values, text written in a typed region at a masked level) into the page view's ``Echoes``, and
masks its echoes everywhere it writes in clear. It learns from an event before masking it, and
``learn`` lets the host learn from a whole hand-over first: a page may echo a value in a mutation
that the shim handed over before the input event that typed it. An input event that repeats the
field's last recorded (masked) value is not recorded: per keystroke, it would count the characters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

from . import console, errors, interactions, network
from .cssom import StyleSheets
from .config import Config
from .contract import ACTION_TAG, KEY_TAG, LEVEL_ATTRIBUTES, MATCH_FLAGS_KEY, NAVIGATION_TAG
from .contract import CONSOLE_TAG, ERROR_TAG, NETWORK_TAG
from .batch import BATCH_LEVEL as SNAPSHOT_DEFLATE_LEVEL
from .deflate import Deflated, Deflater
from .echo import Echoes
from .gate import is_excluded
from .levels import Level, element_overrides, is_editable, is_forced_secret, most_restrictive, resolve_level
from .masking import input_value_for_level, mask_attribute, text_for_level
from .nodes import NodeTable
from .rrweb import EventType, NodeType, Source
from .tree import SnapshotAssembler, mask_tree, write_tree
from .urls import scrub_url
from .values import is_int, is_number

# SPA navigation (pushState, replaceState, popstate, hashchange) is a custom event, NAVIGATION_TAG,
# because rrweb's Replayer takes a meta event in mid-recording for the start of a new page.
_LEVEL_ATTRIBUTES = frozenset(LEVEL_ATTRIBUTES)


# How many fields' last recorded input values are kept (to drop repeats) between two snapshots.
_MAX_LAST_INPUTS = 4096

# How many broken time-sliced snapshots in a row are retried before the core stops asking.
MAX_SNAPSHOT_RETRIES = 3


class Rejected(ValueError):
    """This event cannot be recorded safely and is dropped."""


@dataclass(frozen=True, slots=True)
class EncodedEvent:
    """A masked event written as JSON text already (a full snapshot assembled from parts), and
    that text compressed while it was written, for its batch (``deflate``), when it was."""

    type: int
    json: str
    deflated: Deflated | None = None


@dataclass(frozen=True, slots=True)
class Masked:
    """What masking made of one raw event."""

    event: dict[str, Any] | EncodedEvent | None  # None: nothing to record
    # Masking rules for part of the page changed (or a sliced snapshot broke): a fresh full
    # snapshot must follow.
    snapshot: bool = False
    fault: bool = False  # the event itself failed masking (counted as dropped)
    # The page navigated to an excluded URL: nothing more is recorded until it leaves.
    excluded: bool = False


_NOTHING = Masked(None)
_EXCLUDED = Masked(None, excluded=True)


def _num(value: Any) -> float | int:
    if not is_number(value):
        raise Rejected("expected a number")
    return value


def _int(value: Any) -> int:
    if not is_int(value):
        raise Rejected("expected an integer id")
    return value


def _map(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Rejected("expected an object")
    return value


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Rejected("expected a list")
    return value


def flatten_add(parent_id: int, next_id: int | None, node: dict[str, Any]) -> list[dict[str, Any]]:
    """One rrweb add per node, parents first and each sibling after its next sibling.

    rrweb's Replayer builds an added node without its children (skipChild), so a subtree must
    travel as one add per node, each naming its parent and next sibling.
    """
    if node.get("type") == NodeType.DOCUMENT:
        return [{"parentId": parent_id, "nextId": next_id, "node": node}]  # an iframe's document: built whole
    out: list[dict[str, Any]] = []
    stack: list[tuple[int, int | None, dict[str, Any]]] = [(parent_id, next_id, node)]
    while stack:
        p_id, n_id, current = stack.pop()
        children = current.get("childNodes")
        if children:
            current = {**current, "childNodes": []}
        out.append({"parentId": p_id, "nextId": n_id, "node": current})
        if children:
            # Popped last-first: a sibling is added before the one in front of it.
            for i, child in enumerate(children):
                following = children[i + 1]["id"] if i + 1 < len(children) else None
                stack.append((current["id"], following, child))
    return out


class EventMasker:
    """Masks raw events in order, keeping the node table in step with the page."""

    def __init__(self, config: Config, echoes: Echoes | None = None) -> None:
        self.config = config
        self.table = NodeTable()
        # What the visitor typed where it was masked: the page view's, kept across recordings.
        self.echoes = echoes if echoes is not None else Echoes()
        self.keys = interactions.Keystrokes()
        self._last_inputs: dict[int, tuple[str, bool]] = {}  # per field: the last input recorded
        self.has_snapshot = False
        self._assembler: SnapshotAssembler | None = None  # a time-sliced snapshot in progress
        # Its event's JSON compressed as its parts arrive (the worker waits for the walk meanwhile).
        self._deflater: Deflater | None = None
        self._deflated: Deflated | None = None  # the finished snapshot's, for mask() to attach
        self._snapshot_broken = False
        self._broken_snapshots = 0  # in a row: a page whose snapshot always fails is not retried forever
        self.thinners = {
            source: interactions.PointerThinner(config.mouse_move_sample_ms)
            for source in (Source.MOUSE_MOVE, Source.TOUCH_MOVE, Source.DRAG)
        }
        self.styles = StyleSheets(config.scrub_patterns)  # CSSOM: sources 8, 13, 15 (cssom)

    def reset(self) -> None:
        self.table.clear(forget_secrets=True)
        self.keys.reset()
        self._last_inputs.clear()
        self.has_snapshot = False
        self._assembler = None
        self._deflater = self._deflated = None
        self._snapshot_broken = False
        self.styles.reset()

    @property
    def scrub(self) -> bool:
        return self.config.scrub_patterns

    def mask(self, raw: Any) -> Masked:
        """What masking makes of one raw event: its masked copy (None when it is deliberately not
        recorded), and whether a fresh snapshot must follow. Raises Rejected (a fault: counted).
        """
        event = _map(raw)
        kind = event.get("type")
        timestamp = _num(event.get("timestamp"))
        data = _map(event.get("data", {}))
        snapshot = fault = False
        out: dict[str, Any] | str | None
        if kind == EventType.META:
            href = data.get("href")
            out = {
                "href": scrub_url(href) if isinstance(href, str) else "",
                "width": _num(data.get("width")),
                "height": _num(data.get("height")),
            }
        elif kind == EventType.FULL_SNAPSHOT:
            if "part" in data:
                out, snapshot, fault = self._snapshot_part(data, timestamp)
            else:
                out = self._full_snapshot(data)
        elif kind == EventType.INCREMENTAL_SNAPSHOT:
            if not self.has_snapshot:
                raise Rejected("incremental event before a full snapshot")
            if data.get("source") == Source.MUTATION:
                out, snapshot = self._mutation(data)
            else:
                out = self._incremental(data, timestamp)
        elif kind in (EventType.DOM_CONTENT_LOADED, EventType.LOAD):
            out = {}
        elif kind == EventType.CUSTOM:
            if not self.has_snapshot:
                raise Rejected("custom event before a full snapshot")
            if self._leaves_for_excluded_url(data):
                return _EXCLUDED
            out = self._custom(data)
        else:
            raise Rejected(f"event type {kind!r} is not recorded")
        if out is None:
            return Masked(None, snapshot, fault) if snapshot or fault else _NOTHING
        if type(out) is str:  # already JSON: a snapshot assembled from parts
            deflated, self._deflated = self._deflated, None
            encoded = EncodedEvent(int(kind), f'{{"type":{int(kind)},"data":{out},"timestamp":{json.dumps(timestamp)}}}', deflated)
            return Masked(encoded, snapshot, fault)
        return Masked({"type": int(kind), "data": out, "timestamp": timestamp}, snapshot, fault)

    def _leaves_for_excluded_url(self, data: Mapping[str, Any]) -> bool:
        """A navigation to an excluded URL (or to one that cannot be judged)."""
        if data.get("tag") != NAVIGATION_TAG:
            return False
        href = _map(data.get("payload")).get("href")
        return not isinstance(href, str) or is_excluded(self.config, href)

    def _custom(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        """Only Veil's own custom events pass; anything else a page could emit is dropped."""
        tag = data.get("tag")
        payload = dict(_map(data.get("payload")))
        if tag == NAVIGATION_TAG:  # to a URL that is not excluded (see _leaves_for_excluded_url)
            return {"tag": NAVIGATION_TAG, "payload": {"href": scrub_url(payload["href"])}}
        if tag == KEY_TAG:
            interactions.mark_typing_surface(payload, self.table)
            masked = self.keys.mask(payload, self.table)
        elif tag == ACTION_TAG:
            masked = interactions.action(payload, self.table, self.scrub, self.echoes)
        elif tag == ERROR_TAG:  # its message at the page's default level (veil.errors)
            try:
                masked = errors.mask_error(payload, self.config.default_privacy, self.scrub, self.echoes)
            except ValueError as err:
                raise Rejected(str(err)) from None
        elif tag == NETWORK_TAG:
            masked = network.mask_network(payload, self.config)
        elif tag == CONSOLE_TAG:
            masked = console.mask_console(payload, self.config, self.echoes)
        else:
            raise Rejected(f"custom event {tag!r} is not recorded")
        return None if masked is None else {"tag": tag, "payload": masked}

    def _full_snapshot(self, data: Mapping[str, Any]) -> str:
        """A one-piece snapshot: written by the node writer as the JSON of the event's data."""
        self._assembler = None
        self._deflater = self._deflated = None
        self.has_snapshot = False
        self.table.clear()
        self._last_inputs.clear()
        self.styles.reset()
        node = _map(data.get("node"))
        if node.get("type") != NodeType.DOCUMENT:
            raise Rejected("full snapshot root is not a document")
        masked = write_tree(node, None, self.config.default_privacy, None, self.table, self.scrub, self.echoes)
        self.has_snapshot = True
        return f'{{"node":{masked},"initialOffset":{json.dumps(self._offset(data), separators=(",", ":"))}}}'

    def _offset(self, data: Mapping[str, Any]) -> dict[str, float | int]:
        offset = _map(data.get("initialOffset", {"top": 0, "left": 0}))
        return {"top": _num(offset.get("top", 0)), "left": _num(offset.get("left", 0))}

    def _snapshot_part(self, data: Mapping[str, Any], timestamp: float) -> tuple[str | None, bool, bool]:
        """One part of a time-sliced snapshot (rows, see ``SnapshotAssembler``): masked now,
        emitted whole with the last part, as the JSON of the event's data.

        Returns (that JSON or None, whether a fresh snapshot must follow, whether this part failed).
        The first part (it starts with the document) begins a new snapshot. A part that fails
        leaves the snapshot broken: nothing of it is emitted, and its last part asks for a new one.
        """
        part = _list(data.get("part"))
        starts = bool(part) and isinstance(part[0], list) and bool(part[0]) and part[0][0] == NodeType.DOCUMENT
        if starts:
            self.table.clear()
            self._last_inputs.clear()
            self.has_snapshot = False
            self._snapshot_broken = False
            self.styles.reset()
            self._assembler = SnapshotAssembler(self.config.default_privacy, self.table, self.scrub, self.echoes)
            self._deflater = Deflater(SNAPSHOT_DEFLATE_LEVEL)
            self._deflater.feed(f'{{"type":{int(EventType.FULL_SNAPSHOT)},"data":{{"node":')
        assembler = self._assembler
        self._deflated = None
        done = data.get("done") is True
        fault = False
        try:
            if assembler is None and not self._snapshot_broken:
                raise Rejected("a snapshot part without its beginning")
            if assembler is not None:  # else the rest of a broken snapshot: ignored, counted once
                assembler.add(part)
                if self._deflater is not None and not done:
                    self._deflater.feed(assembler.take_written())
        except Exception:
            self._assembler = None
            self._deflater = None
            self._snapshot_broken = True
            if not done:
                raise
            fault = True
        if not done:
            return None, False, False
        self._assembler = None
        root = None if self._snapshot_broken or assembler is None else assembler.finish()
        if root is None:
            self._snapshot_broken = False
            self._broken_snapshots += 1
            if self._broken_snapshots > MAX_SNAPSHOT_RETRIES:
                raise Rejected("snapshots of this page keep failing")
            return None, True, fault
        self._broken_snapshots = 0
        self.has_snapshot = True
        offset = json.dumps(self._offset(data), separators=(",", ":"))
        deflater, self._deflater = self._deflater, None
        if deflater is not None and assembler is not None:
            deflater.feed(assembler.take_written() + f',"initialOffset":{offset}}},"timestamp":{json.dumps(timestamp)}}}')
            self._deflated = deflater.finish()
        return f'{{"node":{root},"initialOffset":{offset}}}', False, False

    def _known_id(self, value: Any) -> int:
        """An event's target id, or -1 when the replay never had that node (inside a block)."""
        node_id = _int(value)
        return node_id if node_id in self.table else -1

    def _incremental(self, data: Mapping[str, Any], timestamp: float) -> dict[str, Any] | None:
        source = data.get("source")
        if source == Source.INPUT:
            return self._input(data)
        if source in (Source.MOUSE_MOVE, Source.TOUCH_MOVE, Source.DRAG):
            positions = [
                {
                    "x": _num(p.get("x")),
                    "y": _num(p.get("y")),
                    "id": self._known_id(p.get("id")),
                    "timeOffset": _num(p.get("timeOffset")),
                }
                for p in map(_map, _list(data.get("positions")))
            ]
            kept = self.thinners[Source(source)].thin(positions, timestamp)
            return {"source": int(source), "positions": kept} if kept else None
        if source == Source.MOUSE_INTERACTION:
            interaction = _int(data.get("type"))
            if not 0 <= interaction <= 10:
                raise Rejected("unknown mouse interaction")
            out: dict[str, Any] = {
                "source": int(source),
                "type": interaction,
                "id": self._known_id(data.get("id")),
            }
            for key in ("x", "y"):
                if key in data:
                    out[key] = _num(data[key])
            if data.get("pointerType") in (0, 1, 2):
                out["pointerType"] = data["pointerType"]
            return out
        if source == Source.SCROLL:
            node_id = self._known_id(data.get("id"))
            if node_id == -1:
                return None  # scrolling inside a block: the replay has nothing to scroll
            return {"source": int(source), "id": node_id, "x": _num(data.get("x")), "y": _num(data.get("y"))}
        if source in (Source.STYLE_SHEET_RULE, Source.STYLE_DECLARATION, Source.ADOPTED_STYLE_SHEET):
            return self.styles.mask(data, self.table)
        if source == Source.VIEWPORT_RESIZE:
            return {"source": int(source), "width": _num(data.get("width")), "height": _num(data.get("height"))}
        raise Rejected(f"incremental source {source!r} is not recorded")

    def _input(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        self._learn_input(data)
        node_id = _int(data.get("id"))
        info = self.table.get(node_id)
        if info is None or info.level is Level.BLOCK:
            raise Rejected("input on an unknown or blocked node")
        text = data.get("text")
        text = text if isinstance(text, str) else ""
        checked = data.get("isChecked") is True and info.level is Level.ALLOW and not info.secret
        masked_text = self.echoes.mask(input_value_for_level(text, info.level, info.secret, self.scrub))  # a copy into an allowed field
        if self._last_inputs.get(node_id) == (masked_text, checked):
            return None  # the replay shows this already; one event per keystroke would count them
        if len(self._last_inputs) >= _MAX_LAST_INPUTS:
            self._last_inputs.clear()  # bounded: forgetting costs at most one repeated event per field
        self._last_inputs[node_id] = (masked_text, checked)
        return {
            "source": int(Source.INPUT),
            "id": node_id,
            "text": masked_text,
            "isChecked": checked,
        }

    def learn(self, raw_events: list[Any], start: int = 0) -> int:
        """Learn what a hand-over's events typed before masking them (see the module's rules), from
        ``start`` up to the next full snapshot (a field's level is known only once the snapshot
        that holds it is masked); returns where it stopped. Best effort: an event it cannot read
        is left to ``mask``, which rejects it."""
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
                        self._learn_input(data)
                    elif data.get("source") == Source.MUTATION:
                        self._learn_mutation(data)
                elif raw.get("type") == EventType.CUSTOM and data.get("tag") == KEY_TAG:
                    interactions.mark_typing_surface(dict(_map(data.get("payload"))), self.table)
            except Exception:  # noqa: BLE001 - learning never decides what leaves; masking does
                continue
        return len(raw_events)

    def _learn_input(self, data: Mapping[str, Any]) -> None:
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

    def _learn_mutation(self, data: Mapping[str, Any]) -> None:
        """Remember text written in a typed region (contenteditable, typing surface) where it is masked."""
        table = self.table
        if not table.surface_ids() and not table.has_editable():
            return
        for item in _list(data.get("texts")):
            if not isinstance(item, Mapping):
                continue
            node_id, value = item.get("id"), item.get("value")
            info = table.get(node_id) if is_int(node_id) else None
            if isinstance(value, str) and info is not None and info.level is not Level.ALLOW and table.is_typed(node_id):
                self.echoes.remember(value)
        for item in _list(data.get("adds")):
            if isinstance(item, Mapping):
                self._learn_add(item)

    def _learn_add(self, item: Mapping[str, Any]) -> None:
        parent_id = item.get("parentId")
        parent = self.table.get(parent_id) if is_int(parent_id) else None
        if parent is None or parent.level is Level.ALLOW or not self.table.is_typed(parent_id):
            return
        stack, seen = [item.get("node")], 0
        while stack and seen < 10_000:  # bounded: a huge add is masked all the same
            node = stack.pop()
            seen += 1
            if not isinstance(node, Mapping):
                continue
            if node.get("type") == NodeType.TEXT and isinstance(node.get("textContent"), str):
                self.echoes.remember(node["textContent"])
            children = node.get("childNodes")
            if isinstance(children, list):
                stack.extend(children)

    def _mutation(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
        """The masked mutation, and whether it changed a level (a fresh snapshot must follow)."""
        table = self.table
        self._learn_mutation(data)  # an echo in this mutation may come before what it quotes
        removes = []
        for item in map(_map, _list(data.get("removes"))):
            node_id, parent_id = _int(item.get("id")), _int(item.get("parentId"))
            if node_id in table and parent_id in table:
                removes.append({"parentId": parent_id, "id": node_id})
            table.remove(node_id)
        adds = []
        for item in map(_map, _list(data.get("adds"))):
            parent_id = _int(item.get("parentId"))
            parent = table.get(parent_id)
            if parent is None or parent.level is Level.BLOCK:
                continue  # nothing is recorded under block, or under a node the replay never had
            next_id = item.get("nextId")
            self._learn_add(item)  # its parent may be new in this mutation
            node = mask_tree(_map(item.get("node")), parent_id, parent.level, parent.tag, table, self.scrub, self.echoes)
            adds.extend(flatten_add(parent_id, next_id if isinstance(next_id, int) else None, node))
        texts = []
        for item in map(_map, _list(data.get("texts"))):
            node_id = _int(item.get("id"))
            info = table.get(node_id)
            if info is None or info.level is Level.BLOCK:
                continue
            parent = table.get(info.parent) if info.parent is not None else None
            value = item.get("value")
            masked_value = None
            if value is not None:
                masked_value = text_for_level(
                    str(value), info.level, parent.tag if parent else None, self.scrub, bool(parent and parent.secret), self.echoes
                )
            texts.append({"id": node_id, "value": masked_value})
        attributes, level_changed = self._attribute_mutations(data)
        masked = {
            "source": int(Source.MUTATION),
            "texts": texts,
            "attributes": attributes,
            "removes": removes,
            "adds": adds,
        }
        if data.get("isAttachIframe") is True:
            masked["isAttachIframe"] = True
        return masked, level_changed

    def _attribute_mutations(self, data: Mapping[str, Any]) -> tuple[list[dict[str, Any]], bool]:
        out = []
        level_changed = False
        for item in map(_map, _list(data.get("attributes"))):
            node_id = _int(item.get("id"))
            info = self.table.get(node_id)
            if info is None or info.tag is None:
                continue
            changed = _map(item.get("attributes"))
            parent = self.table.get(info.parent) if info.parent is not None else None
            parent_level = parent.level if parent else self.config.default_privacy
            if _LEVEL_ATTRIBUTES.intersection(k.lower() for k in changed) or MATCH_FLAGS_KEY in item:
                flags = item.get(MATCH_FLAGS_KEY) or ()
                current = item.get("current")
                current = current if isinstance(current, Mapping) else changed
                new_level = resolve_level(parent_level, element_overrides(current, flags), is_editable(current))
                if is_forced_secret(info.tag, current) and not info.secret:
                    # Its value may already be in the replay in clear: re-snapshot it masked.
                    self.table.mark_secret(node_id)
                    level_changed = True
                if new_level is not info.level:
                    level_changed = True
                    # Until the new snapshot lands, judge this change by the stricter of both levels.
                    info.level = most_restrictive((info.level, new_level))
            if info.level is Level.BLOCK:
                continue
            masked_attrs: dict[str, Any] = {}
            for name, value in changed.items():
                if value is None:
                    if mask_attribute(info.tag, name, "", changed, info.level, info.secret) is not None or name.lower() in ("value", "checked", "selected"):
                        masked_attrs[name] = None
                    continue
                if name.lower() == "value":
                    self._last_inputs.pop(node_id, None)  # the field shows something else now
                masked_value = mask_attribute(info.tag, name, value, changed, info.level, info.secret, self.scrub, self.echoes)
                if masked_value is not None:
                    masked_attrs[name] = masked_value
            if masked_attrs:
                out.append({"id": node_id, "attributes": masked_attrs})
        return out, level_changed
