"""A full snapshot that arrives in parts (the shim's time-sliced walk), masked as the parts
arrive and written, nested, as JSON text through the one ``NodeWriter``.

Rules: a part is a list of rows (``rows``), in document order; the first row of the first part is
the document. Each node is written at once by the writer: only the fields it writes can leave, and
the snapshot is never held as objects. A row out of document order, a node twice or a parent never
seen is ``MalformedNode``; rows under a block element or a leaf are dropped, as they never were.
Every node written is entered in the node table (once per part: the hot path). Each open element
keeps whether it is in a typed region, for the site-text rule of what is under it. The walk is
iterative (deep pages must not hit Python's recursion limit). A property test holds this driver,
and ``subtree``'s, equal to a plain reference masker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .echo import Echoes
from .levels import Level
from .masking import text_masker
from .nodes import NodeInfo, NodeTable
from .rrweb import NodeType
from .sitetext import SiteText
from .writer import MalformedNode, NodeWriter, mark_typing_facts

_ELEMENT, _TEXT = int(NodeType.ELEMENT), int(NodeType.TEXT)
_DOCUMENT, _DOCUMENT_TYPE = int(NodeType.DOCUMENT), int(NodeType.DOCUMENT_TYPE)
_BLOCK = Level.BLOCK


class SnapshotAssembler:
    """A full snapshot arriving in parts (see the module's rules): ``add`` each part, then
    ``finish`` for the masked document's JSON. Light children come before shadow ones."""

    def __init__(self, default_level: Level, table: NodeTable, scrub: bool, echoes: Echoes | None = None,
                 site: SiteText | None = None) -> None:
        self.default_level = default_level
        self.table = table
        self.scrub = scrub
        self.echoes = echoes
        self._writer = NodeWriter(scrub, echoes, site)
        self.site = self._writer.site
        self._echo_generation = echoes.generation if echoes is not None else 0
        self._pieces: list[str] = []
        self._taken = 0  # pieces already given out by take_written
        # The elements open from the document down to the last one written that takes children:
        # its id and the text that closes it.
        self._path: list[tuple[int, str]] = []
        # For each open element, what its children inherit: its level, the masker of their text, and
        # whether they are in a typed region.
        self._contexts: dict[int, tuple[Level, Callable[[str], str], bool]] = {}
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
            level, text_mask, typed = contexts[parent_id]
            separator = "" if parent_id == previous else ","
            previous = node_id
            if kind == _TEXT:
                write(separator + write_text(node_id, field, text_mask, row[4] if len(row) > 4 else None))
                entries[node_id] = parent_id
            elif kind == _ELEMENT:
                extra = row[5] if len(row) > 5 else None
                attributes = row[4]
                own_level, tag, secret, opening, own_text_mask, own_typed = write_element(field, attributes, level, extra, node_id in ever_secret,
                                                                                          node_id in surfaces, typed)
                entries[node_id] = NodeInfo(own_level, tag, parent_id, secret)
                if tag == "input" or "contenteditable" in attributes:
                    mark_typing_facts(table, node_id, tag, attributes)
                if secret:
                    secrets.append(node_id)
                closing = writer.element_closing(node_id, extra, own_level)
                if own_level is _BLOCK:  # a placeholder: it takes no children
                    write(separator + opening + closing)
                else:
                    write(separator + opening)
                    path.append((node_id, closing))
                    contexts[node_id] = (own_level, own_text_mask, own_typed)
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
        for node_id, (level, _, typed) in self._contexts.items():
            info = self.table.get(node_id)
            tag, secret = (info.tag, info.secret) if info is not None else (None, False)
            self._contexts[node_id] = (level, text_masker(level, tag, self.scrub, secret, echoes, self.site, typed), typed)

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
        self._contexts[node_id] = (self.default_level, text_masker(self.default_level, None, self.scrub, False, self._writer.active_echoes, self.site),
                                   False)
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


__all__ = ["MalformedNode", "SnapshotAssembler"]
