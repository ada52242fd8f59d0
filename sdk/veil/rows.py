"""Rows: the one shape in which serialized nodes reach the node writer.

A row is one node, naming its parent: ``[0, id, parent, compatMode]`` (a document; its parent is
null at the top of a snapshot), ``[1, id, parent, name, publicId, systemId]``,
``[2, id, parent, tagName, attributes]``, ``[3|4|5, id, parent, textContent]``, each optionally
followed by the node's rare fields ``{isSVG, isCustom, isShadowHost, isShadow, rootId, veilMatch,
veilSize}`` (``contract.RARE_KEYS``). Rows come in document order (pre-order), each after its parent.

Rules: the shim sends a full snapshot as rows already (its time-sliced walk); a subtree that
arrives as nested rrweb-snapshot objects (a mutation's added node, a one-piece snapshot) is turned
into rows here, and both are then written by the same drivers (``tree``, ``adds``) through the one
``NodeWriter``. Only an element's and a document's children are rows (a leaf has none); a
node that is not an object with an integer id and a type, or children that are not a list, is
``MalformedNode``. The walk is iterative: deep pages must not hit Python's recursion limit.
"""

from __future__ import annotations

from typing import Any

from .contract import RARE_KEYS
from .rrweb import NodeType
from .writer import MalformedNode

_ELEMENT, _DOCUMENT, _DOCUMENT_TYPE = int(NodeType.ELEMENT), int(NodeType.DOCUMENT), int(NodeType.DOCUMENT_TYPE)
_TAKES_CHILDREN = (_ELEMENT, _DOCUMENT)

Row = list[Any]


def _rare_fields(src: dict[str, Any]) -> dict[str, Any] | None:
    found = {key: src[key] for key in RARE_KEYS if key in src}
    return found or None


def _row(src: dict[str, Any], node_id: int, kind: Any, parent_id: int | None) -> Row:
    if kind == _ELEMENT:
        row = [kind, node_id, parent_id, src.get("tagName"), src.get("attributes")]
    elif kind == _DOCUMENT:
        row = [kind, node_id, parent_id, src.get("compatMode")]
    elif kind == _DOCUMENT_TYPE:
        row = [kind, node_id, parent_id, src.get("name"), src.get("publicId"), src.get("systemId")]
    else:  # text, CDATA, comment, or a type the writer refuses
        row = [kind, node_id, parent_id, src.get("textContent", "")]
    extra = _rare_fields(src)
    if extra is not None:
        row.append(extra)
    return row


def rows_of(root: Any, parent_id: int | None, next_id: int | None = None) -> tuple[list[Row], list[int | None]]:
    """The rows of a nested subtree whose parent has ``parent_id``, in document order, and beside
    each the id of its next sibling (``next_id`` for the root): what an rrweb add names."""
    rows: list[Row] = []
    following: list[int | None] = []
    stack: list[tuple[Any, int | None, int | None]] = [(root, parent_id, next_id)]
    while stack:
        src, p_id, n_id = stack.pop()
        if type(src) is not dict or "id" not in src or "type" not in src:
            raise MalformedNode("node is not an object with an id and a type")
        node_id, kind = src["id"], src["type"]
        if type(node_id) is not int:
            raise MalformedNode("node without an integer id")
        rows.append(_row(src, node_id, kind, p_id))
        following.append(n_id)
        if kind not in _TAKES_CHILDREN:
            continue
        children = src.get("childNodes")
        if not children:
            continue
        if type(children) is not list:
            raise MalformedNode("childNodes is not a list")
        # Pushed last-first so that they come out in document order.
        after: int | None = None
        for child in reversed(children):
            stack.append((child, node_id, after))
            after = child.get("id") if type(child) is dict else None
    return rows, following
