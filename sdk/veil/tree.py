"""Masking of serialized nodes: whole subtrees (added nodes, one-piece snapshots) as rrweb-snapshot
shapes them, and full snapshots that arrive in parts (the shim's time-sliced walk) as rows.

Rules: a node's level comes from ``levels.element_level`` (the one reduce) and its parent's level;
its text and attributes go through ``masking`` only. Two writers share those rules: ``mask_node``
builds a masked object per node of a subtree, and ``SnapshotAssembler`` writes a sliced snapshot
straight to JSON text (a property test holds the two equal). Either writes only the keys it knows
per node type, so a key the core does not know never leaves. A block node becomes an empty
placeholder: no text, no attribute values, no children; anything sent as its child is dropped.
Walks are iterative (deep pages must not hit Python's recursion limit). Every node emitted is
entered in the node table.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # a str as JSON (C), as json.dumps(ensure_ascii=False)
from typing import Any, Callable

from .contract import SIZE_KEY
from .levels import MATCH_FLAGS_KEY, Level, element_level, is_forced_secret
from .masking import comment_text, mask_attributes, mask_text, text_for_level, text_masker
from .nodes import NodeInfo, NodeTable
from .rrweb import NodeType

# In a snapshot part, the id of the node's parent (absent or null for the document).
PARENT_KEY = "parentId"
_ELEMENT_FLAGS = ("isSVG", "isCustom", "isShadowHost")
# Plain values for the hot path (enum attribute lookups cost on every node).
_ELEMENT, _TEXT, _CDATA, _COMMENT = int(NodeType.ELEMENT), int(NodeType.TEXT), int(NodeType.CDATA), int(NodeType.COMMENT)
_DOCUMENT, _DOCUMENT_TYPE = int(NodeType.DOCUMENT), int(NodeType.DOCUMENT_TYPE)
_BLOCK = Level.BLOCK
# A tuple, not a set: a malformed (unhashable) type must still fail as MalformedNode.
_OTHER_TYPES = (_TEXT, _COMMENT, _DOCUMENT, _DOCUMENT_TYPE, _CDATA)
_DOCTYPE_KEYS = ("name", "publicId", "systemId")
_COMPAT_MODES = ("BackCompat", "CSS1Compat")


class MalformedNode(ValueError):
    """A serialized node that does not have rrweb-snapshot's shape."""


def mask_node(
    src: Any, p_id: int | None, p_level: Level, p_tag: str | None, p_secret: bool, table: NodeTable, scrub: bool
) -> tuple[dict[str, Any], Level, str | None, bool]:
    """The masked copy of one serialized node, without its children, entered in ``table``.

    Returns it with the level, tag and secrecy its children inherit (``Level.BLOCK``: it takes
    no children).
    """
    # Written for speed (it runs once per node of every snapshot): subscripts and ``in`` checks
    # rather than dict.get calls, and optional keys looked up only when present.
    if type(src) is not dict or "id" not in src or "type" not in src:
        raise MalformedNode("node is not an object with an id and a type")
    node_id = src["id"]
    if type(node_id) is not int:
        raise MalformedNode("node without an integer id")
    node_type = src["type"]
    # Keys in rrweb's own order, the id last: a snapshot is long runs of near-identical nodes, and
    # an id up front would break each run gzip could match (~12% more bytes on the wire).
    dst: dict[str, Any] = {"type": node_type}
    if node_type == _ELEMENT:
        tag = src["tagName"] if "tagName" in src else None
        attributes = src["attributes"] if "attributes" in src else None
        if type(tag) is not str or type(attributes) is not dict:
            raise MalformedNode("element without tagName or attributes")
        tag = tag.lower()
        level = element_level(p_level, attributes, src[MATCH_FLAGS_KEY] if MATCH_FLAGS_KEY in src else None)
        info = NodeInfo(level, tag, p_id, is_forced_secret(tag, attributes))
        table.add(node_id, info)  # may make it a secret: once a secret, always one
        secret = info.secret
        dst["tagName"] = tag
        dst["attributes"] = mask_attributes(tag, attributes, level, secret, scrub, src[SIZE_KEY] if SIZE_KEY in src else None)
        dst["childNodes"] = []
    elif node_type in _OTHER_TYPES:
        table.add(node_id, NodeInfo(p_level, None, p_id))
        level, tag, secret = _BLOCK, None, False  # leaves: nothing is recorded under them
        if node_type == _DOCUMENT:
            level = p_level
            dst["childNodes"] = []
            if src.get("compatMode") in _COMPAT_MODES:
                dst["compatMode"] = src["compatMode"]
        elif node_type == _DOCUMENT_TYPE:
            for key in _DOCTYPE_KEYS:
                value = src.get(key)
                dst[key] = value if type(value) is str else ""
        else:
            text = src["textContent"] if "textContent" in src else ""
            if type(text) is not str:
                text = ""
            if node_type == _TEXT:
                dst["textContent"] = text_for_level(text, p_level, p_tag, scrub, p_secret)
            elif node_type == _COMMENT:
                dst["textContent"] = comment_text(text, p_level, scrub)
            else:
                dst["textContent"] = ""
    else:
        raise MalformedNode(f"unknown node type {node_type!r}")
    if node_type == _ELEMENT or "rootId" in src or "isShadow" in src:  # keys most nodes lack, before the id
        dst.update(_rare_keys(src, node_type == _ELEMENT, level))
    dst["id"] = node_id
    return dst, level, tag, secret


def _rare_keys(src: dict[str, Any], element: bool, level: Level) -> dict[str, bool | int]:
    """The rarer keys a node keeps, in rrweb's order before the id: an element's flags (a block
    placeholder keeps only isSVG), then rootId and isShadow. Anything else is never written."""
    kept: dict[str, bool | int] = {}
    if element:
        for key in _ELEMENT_FLAGS:
            if key in src and src[key] is True and (level is not _BLOCK or key == "isSVG"):
                kept[key] = True
    if "rootId" in src and type(src["rootId"]) is int:
        kept["rootId"] = src["rootId"]
    if "isShadow" in src and src["isShadow"] is True:
        kept["isShadow"] = True
    return kept


def mask_tree(
    root: Any,
    parent_id: int | None,
    parent_level: Level,
    parent_tag: str | None,
    table: NodeTable,
    scrub: bool = True,
) -> dict[str, Any]:
    """Return the masked copy of a serialized subtree whose parent has the given id, level and tag."""
    parent = table.get(parent_id)
    parent_secret = bool(parent and parent.secret)
    out_root: dict[str, Any] | None = None
    stack: list[tuple[Any, dict[str, Any] | None, int | None, Level, str | None, bool]] = [
        (root, None, parent_id, parent_level, parent_tag, parent_secret)
    ]
    while stack:
        src, out_parent, p_id, p_level, p_tag, p_secret = stack.pop()
        dst, level, tag, secret = mask_node(src, p_id, p_level, p_tag, p_secret, table, scrub)
        if out_parent is None:
            out_root = dst
        else:
            out_parent["childNodes"].append(dst)
        if level is _BLOCK or "childNodes" not in dst:
            continue
        children = src.get("childNodes")
        if not children:
            continue
        if type(children) is not list:
            raise MalformedNode("childNodes is not a list")
        node_id = dst["id"]
        # Pushed last-first so that they are masked, and appended, in document order.
        for child in reversed(children):
            stack.append((child, dst, node_id, level, tag, secret))
    assert out_root is not None
    return out_root


# JSON for a masked attribute object: what json.dumps writes, and never NaN (not JSON).
_encode_object = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False, allow_nan=False).encode


class SnapshotAssembler:
    """A full snapshot arriving in parts, masked as they arrive and written as JSON text.

    A part is a list of rows, the nodes in document order (pre-order, light children before
    shadow ones), each naming its parent; the first row is the document. A row is
    ``[0, id, null, compatMode]``, ``[1, id, parent, name, publicId, systemId]``,
    ``[2, id, parent, tagName, attributes]``, ``[3|4|5, id, parent, textContent]``, each optionally
    followed by ``{isSVG, isCustom, isShadowHost, isShadow, rootId, veilMatch, veilSize}``.

    Rules: each node is masked by the same rules as ``mask_node`` (a property test holds them
    equal) and written at once: only the fields written here can leave, and the snapshot is never
    held as objects. A row out of document order, a node twice or a parent never seen is
    ``MalformedNode``; rows under a block element or a leaf are dropped, as they never were.
    """

    def __init__(self, default_level: Level, table: NodeTable, scrub: bool) -> None:
        self.default_level = default_level
        self.table = table
        self.scrub = scrub
        self._pieces: list[str] = []
        # The elements open from the document down to the last one written that takes children:
        # its id and the text that closes it.
        self._path: list[tuple[int, str]] = []
        # For each open element, what its children inherit: its level, and the masker of their text.
        self._contexts: dict[int, tuple[Level, Callable[[str], str]]] = {}
        self._previous: object = None  # the id of the last node written
        # Ids under which nothing is recorded: leaves and block placeholders that were sent a
        # child, and the rows dropped under them.
        self._barren: set[Any] = set()
        # Elements that differ only in id: what the rules made of the first (see ``add``).
        self._elements: dict[tuple[Any, ...], tuple[Level, str, bool, str, Callable[[str], str]]] = {}

    def finish(self) -> str | None:
        """The masked document node as JSON, once every part is in (None: no part had it)."""
        while self._path:
            self._close()
        return "".join(self._pieces) or None

    def _close(self) -> None:
        node_id, closing = self._path.pop()
        del self._contexts[node_id]
        self._pieces.append(closing)

    def add(self, rows: Any) -> None:
        if type(rows) is not list:
            raise MalformedNode("a snapshot part is not a list")
        if not self._pieces and rows:
            self._open_document(rows[0])
            rows = rows[1:]
        try:
            self._add_rows(rows)
        except (IndexError, KeyError, TypeError, AttributeError) as err:  # a row without the fields of its type
            raise MalformedNode(f"a snapshot row is malformed ({err.__class__.__name__})") from None

    def _add_rows(self, rows: list[Any]) -> None:
        # Written for speed (it runs once per node of every snapshot): locals, plain subscripts,
        # one piece of text per node, the table entered once per part, and what the rules make of
        # an element reused for the elements that differ from it only in id.
        path, contexts, barren, elements = self._path, self._contexts, self._barren, self._elements
        ever_secret, write = self.table.secret_ids(), self._pieces.append
        entries: dict[int, NodeInfo | int] = {}  # for the node table (a leaf: its parent), entered after the part
        secrets: list[int] = []
        top = path[-1][0] if path else None
        previous = self._previous
        for row in rows:
            kind, node_id, parent_id, field = row[0], row[1], row[2], row[3]
            if type(node_id) is not int:
                raise MalformedNode("node without an integer id")
            if node_id in barren or node_id in entries:
                raise MalformedNode("a node appears twice in one snapshot")
            if parent_id != top:
                if parent_id not in contexts:
                    self._enter(entries, secrets)
                    entries, secrets = {}, []
                    self._check_barren(parent_id)
                    barren.add(node_id)
                    continue
                while path[-1][0] != parent_id:  # the subtrees before this node are complete
                    closed, closing = path.pop()
                    del contexts[closed]
                    write(closing)
                top = parent_id
            level, text_mask = contexts[parent_id]
            separator = "" if parent_id == previous else ","
            previous = node_id
            if kind == _TEXT:
                if type(field) is not str:
                    field = ""
                rare = _rare_fields(row[4]) if len(row) > 4 else ""
                write(f'{separator}{{"type":3,"textContent":{_string(text_mask(field))}{rare},"id":{node_id}}}')
                entries[node_id] = parent_id
            elif kind == _ELEMENT:
                attributes = row[4]
                extra = row[5] if len(row) > 5 else None
                # The key holds all the rules read (tag, parent level, attributes), for the common
                # elements: no attribute, or one whose value is a plain string.
                key = None
                if extra is None:
                    if not attributes:
                        key = (field, level)
                    elif len(attributes) == 1:
                        (item,) = attributes.items()
                        if type(item[1]) is str:
                            key = (field, level, item)
                if key is None:
                    element = self._element(field, attributes, level, extra)
                else:
                    element = elements.get(key)
                    if element is None:
                        element = elements[key] = self._element(field, attributes, level, None)
                own_level, tag, secret, opening, own_text_mask = element
                if not secret and node_id in ever_secret:  # once a secret, always one
                    own_level, tag, secret, opening, own_text_mask = self._element(field, attributes, level, extra, True)
                entries[node_id] = NodeInfo(own_level, tag, parent_id, secret)
                if secret:
                    secrets.append(node_id)
                closing = f']{_rare_fields(extra, True, own_level)},"id":{node_id}}}' if extra is not None else f'],"id":{node_id}}}'
                if own_level is _BLOCK:  # a placeholder: it takes no children
                    write(separator + opening + closing)
                else:
                    write(separator + opening)
                    path.append((node_id, closing))
                    contexts[node_id] = (own_level, own_text_mask)
                    top = node_id
            else:
                write(separator + self._leaf(kind, node_id, row, level))
                entries[node_id] = parent_id
        self._enter(entries, secrets)
        self._previous = previous

    def _element(
        self, tag: str, attributes: dict[str, Any], parent_level: Level, extra: Any, secret: bool = False
    ) -> tuple[Level, str, bool, str, Callable[[str], str]]:
        """What the rules make of an element: its level, tag, secrecy, the JSON that opens it (up to
        its children), and the masker of the text under it."""
        if type(tag) is not str or type(attributes) is not dict:
            raise MalformedNode("element without tagName or attributes")
        if extra is not None and type(extra) is not dict:
            raise MalformedNode("a row's rare fields are not an object")
        tag = tag.lower()
        flags = extra[MATCH_FLAGS_KEY] if extra and MATCH_FLAGS_KEY in extra else None
        level = element_level(parent_level, attributes, flags)
        secret = secret or is_forced_secret(tag, attributes)
        masked = mask_attributes(tag, attributes, level, secret, self.scrub, extra[SIZE_KEY] if extra and SIZE_KEY in extra else None)
        opening = f'{{"type":2,"tagName":{_string(tag)},"attributes":{_object_json(masked)},"childNodes":['
        return level, tag, secret, opening, text_masker(level, tag, self.scrub, secret)

    def _leaf(self, kind: Any, node_id: int, row: list[Any], level: Level) -> str:
        """A comment, CDATA or doctype row as JSON (text and elements are written in ``add``)."""
        if kind == _COMMENT:
            text = comment_text(row[3], level, self.scrub) if type(row[3]) is str else ""
            return f'{{"type":{_COMMENT},"textContent":{_string(text)}{_rare_fields(row[4]) if len(row) > 4 else ""},"id":{node_id}}}'
        if kind == _CDATA:
            return f'{{"type":{_CDATA},"textContent":""{_rare_fields(row[4]) if len(row) > 4 else ""},"id":{node_id}}}'
        if kind == _DOCUMENT_TYPE:
            if len(row) < 6:
                raise MalformedNode("a doctype row without its name and identifiers")
            names = ",".join(f'"{key}":{_string(value if type(value) is str else "")}' for key, value in zip(_DOCTYPE_KEYS, row[3:6]))
            return f'{{"type":1,{names}{_rare_fields(row[6]) if len(row) > 6 else ""},"id":{node_id}}}'
        raise MalformedNode(f"unknown node type {kind!r} in a snapshot row")

    def _enter(self, entries: dict[int, NodeInfo | int], secrets: list[int]) -> None:
        try:
            self.table.add_new(entries, secrets)
        except ValueError:
            raise MalformedNode("a node appears twice in one snapshot") from None

    def _open_document(self, row: Any) -> None:
        if type(row) is not list or len(row) < 4 or row[0] != _DOCUMENT or row[2] is not None or type(row[1]) is not int:
            raise MalformedNode("a snapshot's first node is not its document")
        node_id = row[1]
        compat = f',"compatMode":"{row[3]}"' if row[3] in _COMPAT_MODES else ""
        rare = _rare_fields(row[4]) if len(row) > 4 else ""
        self.table.add(node_id, NodeInfo(self.default_level, None, None))
        self._pieces.append('{"type":0,"childNodes":[')
        self._path.append((node_id, f']{compat}{rare},"id":{node_id}}}'))
        self._contexts[node_id] = (self.default_level, text_masker(self.default_level, None, self.scrub, False))
        self._previous = node_id

    def _check_barren(self, parent_id: Any) -> None:
        """A row whose parent is not open must be under a node that takes no children (a block
        placeholder, a leaf): it is dropped, as it never was. Otherwise it is an orphan, or out of
        document order."""
        if parent_id in self._barren:
            return
        parent = self.table.get(parent_id)
        if parent is None:
            raise MalformedNode("a snapshot node's parent came before it in no part")
        if parent.tag is not None and parent.level is not _BLOCK:
            raise MalformedNode("a snapshot node after its parent's subtree was complete")
        self._barren.add(parent_id)


def _object_json(values: dict[str, Any]) -> str:
    """An object as json.dumps writes it (no spaces, unicode as is); never NaN, which is not JSON."""
    if not values:
        return "{}"
    try:
        return "{" + ",".join([f"{_string(name)}:{_string(value)}" for name, value in values.items()]) + "}"
    except TypeError:  # a value that is not a string (a number, a flag): the encoder writes them all
        return _encode_object(values)


def _rare_fields(extra: Any, element: bool = False, level: Level = _BLOCK) -> str:
    """A row's rare-keys object, as the JSON members ``_rare_keys`` keeps, each led by a comma."""
    if type(extra) is not dict:
        raise MalformedNode("a row's rare fields are not an object")
    return "".join(f',"{key}":{"true" if value is True else value}' for key, value in _rare_keys(extra, element, level).items())


__all__ = ["MalformedNode", "SnapshotAssembler", "mask_node", "mask_text", "mask_tree"]
