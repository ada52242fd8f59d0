"""Masking of serialized nodes through ONE node writer, ``NodeWriter``: it decides what each node
becomes on the wire, as JSON text. Two drivers feed it: ``write_tree`` walks a subtree of
rrweb-snapshot objects (mutation adds, one-piece snapshots) and ``SnapshotAssembler`` takes a full
snapshot that arrives in parts (the shim's time-sliced walk) as rows.

Rules: a node's level comes from ``levels.element_level`` (the one reduce) and its parent's level;
its text and attributes go through ``masking`` only, in the writer. The writer writes only the
keys it knows per node type, so a key the core does not know never leaves; its one cache (the
elements that differ only in id) is keyed by every argument the rules read. A block node becomes
an empty placeholder: no text, no attribute values, no children; anything sent as its child is
dropped. Walks are iterative (deep pages must not hit Python's recursion limit). Every node
emitted is entered in the node table. A property test holds the writer, through both drivers,
equal to a plain reference masker. Typed regions: the drivers enter contenteditable elements in
the node table, and a typing surface the table knows (see ``nodes``) is written at ``mask`` at
least. Echoes: text and attributes in clear go through ``masking`` with the page view's
``Echoes``; the element cache is emptied whenever that memory changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring as _string  # a str as JSON (C), as json.dumps(ensure_ascii=False)
from typing import Any

from .contract import MATCH_FLAGS_KEY, SIZE_KEY
from .echo import Echoes
from .levels import Level, element_level, is_editable, is_forced_secret, most_restrictive
from .masking import comment_text, mask_attributes, mask_text, text_masker
from .nodes import NodeInfo, NodeTable
from .rrweb import NodeType

_ELEMENT_FLAGS = ("isSVG", "isCustom", "isShadowHost")
# The keys of a node object that are a row's rare fields (see SnapshotAssembler).
_RARE_INPUTS = (*_ELEMENT_FLAGS, "isShadow", "rootId", MATCH_FLAGS_KEY, SIZE_KEY)
# Plain values for the hot path (enum attribute lookups cost on every node).
_ELEMENT, _TEXT, _CDATA, _COMMENT = int(NodeType.ELEMENT), int(NodeType.TEXT), int(NodeType.CDATA), int(NodeType.COMMENT)
_DOCUMENT, _DOCUMENT_TYPE = int(NodeType.DOCUMENT), int(NodeType.DOCUMENT_TYPE)
_BLOCK = Level.BLOCK
_DOCTYPE_KEYS = ("name", "publicId", "systemId")
_COMPAT_MODES = ("BackCompat", "CSS1Compat")

# What the writer makes of an element: its level, tag, secrecy, the JSON that opens it (up to its
# children), and the masker of the text under it.
Element = tuple[Level, str, bool, str, Callable[[str], str]]


class MalformedNode(ValueError):
    """A serialized node that does not have rrweb-snapshot's shape."""


class NodeWriter:
    """The one node writer: each node kind as JSON text, in rrweb's key order with the id last (a
    snapshot is long runs of near-identical nodes, and an id up front would break each run gzip
    could match: ~12% more bytes on the wire).

    ``extra`` is a node's rare fields: ``{isSVG, isCustom, isShadowHost, isShadow, rootId,
    veilMatch, veilSize}`` (any subset), or None.
    """

    def __init__(self, scrub: bool, echoes: Echoes | None = None) -> None:
        self.scrub = scrub
        self.echoes = echoes
        self._elements: dict[tuple[Any, ...], Element] = {}
        self._generation = -1
        self._active: Echoes | None = None  # ``echoes`` once it holds anything: until then no rule reads it
        self._check_echoes()

    def _check_echoes(self) -> None:
        """Empty the cache when the echo memory changed (the masked attributes it holds were judged
        with fewer echoes)."""
        echoes = self.echoes
        if echoes is not None and self._generation != echoes.generation:
            self._elements.clear()
            self._generation = echoes.generation
            self._active = echoes if echoes else None

    @property
    def active_echoes(self) -> Echoes | None:
        """The echo memory the rules read now (None while it is empty: nothing to look for)."""
        self._check_echoes()
        return self._active

    def element(self, tag: Any, attributes: Any, parent_level: Level, extra: Any, secret: bool, surface: bool = False) -> Element:
        """An element; ``secret``: its id was ever a forced secret (once a secret, always one);
        ``surface``: it is a typing surface (recorded at ``mask`` at least)."""
        if surface:
            return self._element(tag, attributes, parent_level, extra, secret, surface)
        if self.echoes is not None and self._generation != self.echoes.generation:
            self._check_echoes()
        # Elements that differ only in id are the bulk of a page: for the common shapes (no rare
        # fields; no attribute, or one whose value is a plain string) what the rules make of one is
        # reused. The key holds every argument, so no rule can read an input the key misses.
        if extra is None and type(attributes) is dict and type(tag) is str:
            key: tuple[Any, ...] | None = None
            if not attributes:
                key = (tag, parent_level, secret)
            elif len(attributes) == 1:
                (item,) = attributes.items()
                if type(item[1]) is str:
                    key = (tag, parent_level, secret, item)
            if key is not None:
                cached = self._elements.get(key)
                if cached is None:
                    cached = self._elements[key] = self._element(tag, attributes, parent_level, None, secret)
                return cached
        return self._element(tag, attributes, parent_level, extra, secret)

    def _element(self, tag: Any, attributes: Any, parent_level: Level, extra: Any, secret: bool, surface: bool = False) -> Element:
        if type(tag) is not str or type(attributes) is not dict:
            raise MalformedNode("element without tagName or attributes")
        if extra is not None and type(extra) is not dict:
            raise MalformedNode("a row's rare fields are not an object")
        tag = tag.lower()
        flags = extra[MATCH_FLAGS_KEY] if extra and MATCH_FLAGS_KEY in extra else None
        level = element_level(parent_level, attributes, flags)
        if surface:
            level = most_restrictive((level, Level.MASK))
        secret = secret or is_forced_secret(tag, attributes)
        masked = mask_attributes(tag, attributes, level, secret, self.scrub, extra[SIZE_KEY] if extra and SIZE_KEY in extra else None, self._active)
        opening = f'{{"type":2,"tagName":{_string(tag)},"attributes":{_object_json(masked)},"childNodes":['
        return level, tag, secret, opening, text_masker(level, tag, self.scrub, secret, self._active)

    @staticmethod
    def element_closing(node_id: int, extra: Any, level: Level) -> str:
        """The JSON that closes an element after its children."""
        return f']{_rare_fields(extra, True, level)},"id":{node_id}}}' if extra is not None else f'],"id":{node_id}}}'

    @staticmethod
    def text(node_id: int, text: Any, text_mask: Callable[[str], str], extra: Any) -> str:
        """A text node, its text through its parent's masker."""
        if type(text) is not str:
            text = ""
        rare = _rare_fields(extra) if extra is not None else ""
        return f'{{"type":3,"textContent":{_string(text_mask(text))}{rare},"id":{node_id}}}'

    def leaf(self, kind: Any, node_id: int, fields: list[Any], level: Level, extra: Any) -> str:
        """A comment, CDATA or doctype (``fields``: its text, or its name, publicId and systemId)."""
        rare = _rare_fields(extra) if extra is not None else ""
        if kind == _COMMENT:
            text = comment_text(fields[0], level, self.scrub, self._active) if type(fields[0]) is str else ""
            return f'{{"type":{_COMMENT},"textContent":{_string(text)}{rare},"id":{node_id}}}'
        if kind == _CDATA:
            return f'{{"type":{_CDATA},"textContent":""{rare},"id":{node_id}}}'
        if kind == _DOCUMENT_TYPE:
            if len(fields) < 3:
                raise MalformedNode("a doctype row without its name and identifiers")
            names = ",".join(f'"{key}":{_string(value if type(value) is str else "")}' for key, value in zip(_DOCTYPE_KEYS, fields[:3], strict=True))
            return f'{{"type":1,{names}{rare},"id":{node_id}}}'
        raise MalformedNode(f"unknown node type {kind!r}")

    @staticmethod
    def document(node_id: int, compat_mode: Any, extra: Any) -> tuple[str, str]:
        """A document: the JSON that opens it, and the JSON that closes it after its children."""
        compat = f',"compatMode":"{compat_mode}"' if compat_mode in _COMPAT_MODES else ""
        rare = _rare_fields(extra) if extra is not None else ""
        return '{"type":0,"childNodes":[', f']{compat}{rare},"id":{node_id}}}'


_CHOICE_TYPES = frozenset({"checkbox", "radio"})


def _mark_typing_facts(table: NodeTable, node_id: int, tag: str, attributes: dict[str, Any]) -> None:
    """Enter in the table what the echo memory must know of an element: contenteditable (its text
    is typed), a checkbox or radio (its value is a choice among options shown in clear)."""
    if "contenteditable" in attributes and is_editable(attributes):
        table.mark_editable(node_id)
    if tag == "input":
        kind = attributes.get("type")
        if type(kind) is str and kind.strip().lower() in _CHOICE_TYPES:
            table.mark_choice(node_id)


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


def _extra(src: dict[str, Any]) -> dict[str, Any] | None:
    """A node object's rare fields, as a row carries them (None: it has none)."""
    found = {key: src[key] for key in _RARE_INPUTS if key in src}
    return found or None


_CLOSING = object()  # in write_tree's stack: the entry that closes a node


def write_tree(
    root: Any,
    parent_id: int | None,
    parent_level: Level,
    parent_tag: str | None,
    table: NodeTable,
    scrub: bool = True,
    echoes: Echoes | None = None,
) -> str:
    """The masked copy, as JSON, of a serialized subtree whose parent has the given id, level and tag."""
    writer = NodeWriter(scrub, echoes)
    echoes = writer.active_echoes  # the memory does not change while one subtree is written
    ever_secret, surfaces = table.secret_ids(), table.surface_ids()
    parent = table.get(parent_id)
    parent_mask = text_masker(parent_level, parent_tag, scrub, bool(parent and parent.secret), echoes)
    pieces: list[str] = []
    write = pieces.append
    # Each entry: a node to write, with its parent's id, level and text masker, and the text before
    # it (a separator); or _CLOSING with the text that closes a node once its children are written.
    stack: list[tuple[Any, int | None, Level, Callable[[str], str], str]] = [(root, parent_id, parent_level, parent_mask, "")]
    while stack:
        src, p_id, p_level, p_mask, text = stack.pop()
        if src is _CLOSING:
            write(text)
            continue
        separator = text
        if type(src) is not dict or "id" not in src or "type" not in src:
            raise MalformedNode("node is not an object with an id and a type")
        node_id, kind = src["id"], src["type"]
        if type(node_id) is not int:
            raise MalformedNode("node without an integer id")
        extra = _extra(src)
        if kind == _ELEMENT:
            attributes = src.get("attributes")
            level, tag, secret, opening, text_mask = writer.element(src.get("tagName"), attributes, p_level, extra, node_id in ever_secret, node_id in surfaces)
            table.add(node_id, NodeInfo(level, tag, p_id, secret))
            if type(attributes) is dict:
                _mark_typing_facts(table, node_id, tag, attributes)
            closing = writer.element_closing(node_id, extra, level)
            if level is _BLOCK:  # a placeholder: it takes no children
                write(separator + opening + closing)
                continue
            write(separator + opening)
        elif kind == _DOCUMENT:
            table.add(node_id, NodeInfo(p_level, None, p_id))
            level, text_mask = p_level, text_masker(p_level, None, scrub, False, echoes)
            opening, closing = writer.document(node_id, src.get("compatMode"), extra)
            write(separator + opening)
        elif kind == _TEXT:
            write(separator + writer.text(node_id, src.get("textContent", ""), p_mask, extra))
            table.add(node_id, NodeInfo(p_level, None, p_id))
            continue
        elif kind in (_COMMENT, _CDATA, _DOCUMENT_TYPE):
            fields = [src.get(key) for key in _DOCTYPE_KEYS] if kind == _DOCUMENT_TYPE else [src.get("textContent", "")]
            write(separator + writer.leaf(kind, node_id, fields, p_level, extra))
            table.add(node_id, NodeInfo(p_level, None, p_id))
            continue
        else:
            raise MalformedNode(f"unknown node type {kind!r}")
        stack.append((_CLOSING, None, level, text_mask, closing))
        children = src.get("childNodes")
        if not children:
            continue
        if type(children) is not list:
            raise MalformedNode("childNodes is not a list")
        # Pushed last-first so that they are written in document order.
        for i in range(len(children) - 1, -1, -1):
            stack.append((children[i], node_id, level, text_mask, "," if i else ""))
    return "".join(pieces)


def mask_tree(
    root: Any,
    parent_id: int | None,
    parent_level: Level,
    parent_tag: str | None,
    table: NodeTable,
    scrub: bool = True,
    echoes: Echoes | None = None,
) -> dict[str, Any]:
    """The masked copy of a serialized subtree, as objects (see ``write_tree``)."""
    masked: dict[str, Any] = json.loads(write_tree(root, parent_id, parent_level, parent_tag, table, scrub, echoes))
    return masked


# JSON for a masked attribute object: what json.dumps writes, and never NaN (not JSON).
_encode_object = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False, allow_nan=False).encode


class SnapshotAssembler:
    """A full snapshot arriving in parts, masked as they arrive and written as JSON text.

    A part is a list of rows, the nodes in document order (pre-order, light children before
    shadow ones), each naming its parent; the first row is the document. A row is
    ``[0, id, null, compatMode]``, ``[1, id, parent, name, publicId, systemId]``,
    ``[2, id, parent, tagName, attributes]``, ``[3|4|5, id, parent, textContent]``, each optionally
    followed by ``{isSVG, isCustom, isShadowHost, isShadow, rootId, veilMatch, veilSize}``.

    Rules: each node is written at once by the one ``NodeWriter``: only the fields it writes can
    leave, and the snapshot is never held as objects. A row out of document order, a node twice or
    a parent never seen is ``MalformedNode``; rows under a block element or a leaf are dropped, as
    they never were.
    """

    def __init__(self, default_level: Level, table: NodeTable, scrub: bool, echoes: Echoes | None = None) -> None:
        self.default_level = default_level
        self.table = table
        self.scrub = scrub
        self.echoes = echoes
        self._writer = NodeWriter(scrub, echoes)
        self._echo_generation = echoes.generation if echoes is not None else 0
        self._pieces: list[str] = []
        self._taken = 0  # pieces already given out by take_written
        # The elements open from the document down to the last one written that takes children:
        # its id and the text that closes it.
        self._path: list[tuple[int, str]] = []
        # For each open element, what its children inherit: its level, and the masker of their text.
        self._contexts: dict[int, tuple[Level, Callable[[str], str]]] = {}
        self._previous: object = None  # the id of the last node written
        # Ids under which nothing is recorded: leaves and block placeholders that were sent a
        # child, and the rows dropped under them.
        self._barren: set[Any] = set()

    def take_written(self) -> str:
        """The JSON written since the last call (the document node's text, in order)."""
        written = "".join(self._pieces[self._taken:])
        self._taken = len(self._pieces)
        return written

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
        if self.echoes is not None and self._echo_generation != self.echoes.generation:
            self._refresh_text_maskers()
        if not self._pieces and rows:
            self._open_document(rows[0])
            rows = rows[1:]
        try:
            self._add_rows(rows)
        except (IndexError, KeyError, TypeError, AttributeError) as err:  # a row without the fields of its type
            raise MalformedNode(f"a snapshot row is malformed ({err.__class__.__name__})") from None

    def _add_rows(self, rows: list[Any]) -> None:
        # Written for speed (it runs once per node of every snapshot): locals, plain subscripts,
        # one piece of text per node, and the table entered once per part.
        path, contexts, barren, writer = self._path, self._contexts, self._barren, self._writer
        ever_secret, write = self.table.secret_ids(), self._pieces.append
        surfaces, table = self.table.surface_ids(), self.table
        write_text, write_element = writer.text, writer.element
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
                write(separator + write_text(node_id, field, text_mask, row[4] if len(row) > 4 else None))
                entries[node_id] = parent_id
            elif kind == _ELEMENT:
                extra = row[5] if len(row) > 5 else None
                attributes = row[4]
                own_level, tag, secret, opening, own_text_mask = write_element(field, attributes, level, extra, node_id in ever_secret, node_id in surfaces)
                entries[node_id] = NodeInfo(own_level, tag, parent_id, secret)
                if tag == "input" or "contenteditable" in attributes:
                    _mark_typing_facts(table, node_id, tag, attributes)
                if secret:
                    secrets.append(node_id)
                closing = writer.element_closing(node_id, extra, own_level)
                if own_level is _BLOCK:  # a placeholder: it takes no children
                    write(separator + opening + closing)
                else:
                    write(separator + opening)
                    path.append((node_id, closing))
                    contexts[node_id] = (own_level, own_text_mask)
                    top = node_id
            else:
                if kind == _DOCUMENT_TYPE:
                    fields, extra = row[3:6], row[6] if len(row) > 6 else None
                else:
                    fields, extra = [field], row[4] if len(row) > 4 else None
                write(separator + writer.leaf(kind, node_id, fields, level, extra))
                entries[node_id] = parent_id
        self._enter(entries, secrets)
        self._previous = previous

    def _refresh_text_maskers(self) -> None:
        """The echo memory changed between two parts: the open elements' text maskers read it now."""
        assert self.echoes is not None
        self._echo_generation = self.echoes.generation
        echoes = self._writer.active_echoes
        for node_id, (level, _) in self._contexts.items():
            info = self.table.get(node_id)
            tag, secret = (info.tag, info.secret) if info is not None else (None, False)
            self._contexts[node_id] = (level, text_masker(level, tag, self.scrub, secret, echoes))

    def _enter(self, entries: dict[int, NodeInfo | int], secrets: list[int]) -> None:
        try:
            self.table.add_new(entries, secrets)
        except ValueError:
            raise MalformedNode("a node appears twice in one snapshot") from None

    def _open_document(self, row: Any) -> None:
        if type(row) is not list or len(row) < 4 or row[0] != _DOCUMENT or row[2] is not None or type(row[1]) is not int:
            raise MalformedNode("a snapshot's first node is not its document")
        node_id = row[1]
        opening, closing = self._writer.document(node_id, row[3], row[4] if len(row) > 4 else None)
        self.table.add(node_id, NodeInfo(self.default_level, None, None))
        self._pieces.append(opening)
        self._path.append((node_id, closing))
        self._contexts[node_id] = (self.default_level, text_masker(self.default_level, None, self.scrub, False, self._writer.active_echoes))
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


__all__ = ["MalformedNode", "NodeWriter", "SnapshotAssembler", "mask_text", "mask_tree", "write_tree"]
