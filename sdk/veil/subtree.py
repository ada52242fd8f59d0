"""A subtree that arrives whole, as nested rrweb-snapshot objects: a mutation's added node, an
iframe's document, a snapshot sent in one piece. Turned into rows (``rows``) and written by the
one ``NodeWriter``, in one of the two shapes the wire needs.

Rules: ``write_tree`` writes the subtree nested, as one node's JSON; ``write_adds`` writes it as
rrweb adds, one per node (rrweb's Replayer builds an added node without its children), each naming
its parent and its next sibling, parents first and each sibling after its next sibling (reversed
post-order: a sibling's own ``nextId`` is then always in place); an added document (an iframe's)
is one add, whole. A node's level comes from the writer (the one reduce) and its parent's level;
nothing is written under a block placeholder or a leaf. Every node written is entered in the node
table as it is written, in document order (a node already recorded is replaced, subtree and all:
it moved). The site-text list reaches the writer with whether each node is in a typed region (the
subtree's parent may be in one already).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .echo import Echoes
from .levels import Level
from .masking import text_masker
from .nodes import NodeInfo, NodeTable
from .rows import rows_of
from .rrweb import NodeType
from .sitetext import SiteText
from .writer import NodeWriter, mark_typing_facts

_ELEMENT, _TEXT = int(NodeType.ELEMENT), int(NodeType.TEXT)
_DOCUMENT, _DOCUMENT_TYPE = int(NodeType.DOCUMENT), int(NodeType.DOCUMENT_TYPE)
_BLOCK = Level.BLOCK


def write_tree(
    root: Any,
    parent_id: int | None,
    parent_level: Level,
    parent_tag: str | None,
    table: NodeTable,
    scrub: bool = True,
    echoes: Echoes | None = None,
    site: SiteText | None = None,
) -> str:
    """The masked copy, as JSON, of a serialized subtree whose parent has the given id, level and tag."""
    return "".join(_write(root, parent_id, None, parent_level, parent_tag, table, scrub, echoes, site, nested=True))


def mask_tree(
    root: Any,
    parent_id: int | None,
    parent_level: Level,
    parent_tag: str | None,
    table: NodeTable,
    scrub: bool = True,
    echoes: Echoes | None = None,
    site: SiteText | None = None,
) -> dict[str, Any]:
    """The masked copy of a serialized subtree, as objects (see ``write_tree``)."""
    masked: dict[str, Any] = json.loads(write_tree(root, parent_id, parent_level, parent_tag, table, scrub, echoes, site))
    return masked


def write_adds(
    root: Any,
    parent_id: int,
    next_id: Any,
    parent_level: Level,
    parent_tag: str | None,
    table: NodeTable,
    scrub: bool = True,
    echoes: Echoes | None = None,
    site: SiteText | None = None,
) -> list[str]:
    """The rrweb adds, as JSON texts, of a subtree added under ``parent_id`` before ``next_id``."""
    if type(root) is dict and root.get("type") == _DOCUMENT:  # an iframe's document: built whole
        whole = write_tree(root, parent_id, parent_level, parent_tag, table, scrub, echoes, site)
        return [f'{{"parentId":{parent_id},"nextId":{_id_json(next_id)},"node":{whole}}}']
    return _write(root, parent_id, next_id, parent_level, parent_tag, table, scrub, echoes, site, nested=False)


def _id_json(node_id: Any) -> str:
    return "null" if node_id is None else str(node_id) if type(node_id) is int else json.dumps(node_id)


def _write(
    root: Any,
    parent_id: int | None,
    next_id: Any,
    parent_level: Level,
    parent_tag: str | None,
    table: NodeTable,
    scrub: bool,
    echoes: Echoes | None,
    site: SiteText | None,
    nested: bool,
) -> list[str]:
    """The pieces of JSON: nested, the subtree's text in order; else one add per node."""
    rows, following = rows_of(root, parent_id, next_id)
    writer = NodeWriter(scrub, echoes, site)
    echoes, site = writer.active_echoes, writer.site  # the memory does not change while one subtree is written
    ever_secret, surfaces = table.secret_ids(), table.surface_ids()
    parent = table.get(parent_id)
    parent_typed = site is not None and parent_id is not None and table.is_typed(parent_id)
    # What the children of each open node inherit: its level, the masker of their text, and whether
    # they are in a typed region.
    contexts: dict[Any, tuple[Level, Callable[[str], str], bool]] = {
        parent_id: (parent_level, text_masker(parent_level, parent_tag, scrub, bool(parent and parent.secret), echoes, site, parent_typed),
                    parent_typed),
    }
    path: list[tuple[int, str]] = []  # the open nodes, each with what is written when it closes
    out: list[str] = []
    previous = parent_id
    for row, n_id in zip(rows, following, strict=True):
        kind, node_id, p_id = row[0], row[1], row[2]
        context = contexts.get(p_id)
        if context is None:
            continue  # under a block placeholder or a leaf: never recorded
        while path and path[-1][0] != p_id:  # the subtrees before this node are complete
            out.append(path.pop()[1])
        level, text_mask, typed = context
        separator = "," if nested and p_id != previous else ""
        previous = node_id
        closing = ""
        takes_children = False
        if kind == _ELEMENT:
            extra, attributes = row[5] if len(row) > 5 else None, row[4]
            own_level, tag, secret, opening, own_mask, own_typed = writer.element(
                row[3], attributes, level, extra, node_id in ever_secret, node_id in surfaces, typed)
            table.add(node_id, NodeInfo(own_level, tag, p_id, secret))
            if type(attributes) is dict:
                mark_typing_facts(table, node_id, tag, attributes)
            closing = writer.element_closing(node_id, extra, own_level)
            if own_level is not _BLOCK:  # a placeholder takes no children
                contexts[node_id] = (own_level, own_mask, own_typed)
                takes_children = True
        elif kind == _DOCUMENT:
            table.add(node_id, NodeInfo(level, None, p_id))
            contexts[node_id] = (level, text_masker(level, None, scrub, False, echoes, site, typed), typed)
            opening, closing = writer.document(node_id, row[3], row[4] if len(row) > 4 else None)
            takes_children = True
        elif kind == _TEXT:
            opening = writer.text(node_id, row[3], text_mask, row[4] if len(row) > 4 else None)
            table.add(node_id, NodeInfo(level, None, p_id))
        else:
            if kind == _DOCUMENT_TYPE:
                fields, extra = row[3:6], row[6] if len(row) > 6 else None
            else:
                fields, extra = [row[3]], row[4] if len(row) > 4 else None
            opening = writer.leaf(kind, node_id, fields, level, extra)
            table.add(node_id, NodeInfo(level, None, p_id))
        if nested:
            if takes_children:
                out.append(separator + opening)
                path.append((node_id, closing))
            else:
                out.append(separator + opening + closing)
        else:
            add = f'{{"parentId":{_id_json(p_id)},"nextId":{_id_json(n_id)},"node":{opening}{closing}}}'
            if takes_children:
                path.append((node_id, add))  # written once its children are: the list is reversed below
            else:
                out.append(add)
    while path:
        out.append(path.pop()[1])
    if not nested:
        out.reverse()  # post-order reversed: each node before its children, a sibling after its next
    return out
