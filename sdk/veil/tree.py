"""Masking of rrweb-snapshot serialized nodes: whole subtrees (added nodes, one-piece snapshots)
and full snapshots that arrive in parts (the shim's time-sliced walk).

Rules: one function, ``mask_node``, masks every node whatever the shape it came in, in a single
pass: its level comes from ``levels.element_level`` (the one reduce) and its parent's level, its
text and attributes go through ``masking`` only. Output nodes are built from an allowlist of keys
per node type, so a key the core does not know never leaves. A block node becomes an empty
placeholder: no text, no attribute values, no children; anything sent as its child is dropped.
Walks are iterative (deep pages must not hit Python's recursion limit). Every node emitted is
entered in the node table.
"""

from __future__ import annotations

from typing import Any

from .levels import MATCH_FLAGS_KEY, Level, element_level, is_forced_secret
from .masking import clear_text, mask_attributes, mask_text, text_for_level
from .nodes import NodeInfo, NodeTable
from .rrweb import NodeType

# The shim's measured [width, height] of a media element, for its placeholder; never emitted itself.
SIZE_KEY = "veilSize"
# In a snapshot part, the id of the node's parent (absent or null for the document).
PARENT_KEY = "parentId"
_ELEMENT_FLAGS = ("isSVG", "isCustom", "isShadowHost")
# Plain values for the hot path (enum attribute lookups cost on every node).
_ELEMENT, _TEXT, _CDATA, _COMMENT = int(NodeType.ELEMENT), int(NodeType.TEXT), int(NodeType.CDATA), int(NodeType.COMMENT)
_DOCUMENT, _DOCUMENT_TYPE = int(NodeType.DOCUMENT), int(NodeType.DOCUMENT_TYPE)
_BLOCK, _ALLOW = Level.BLOCK, Level.ALLOW
# A tuple, not a set: a malformed (unhashable) type must still fail as MalformedNode.
_OTHER_TYPES = (_TEXT, _COMMENT, _DOCUMENT, _DOCUMENT_TYPE, _CDATA)
_DOCTYPE_KEYS = ("name", "publicId", "systemId")


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
        for key in _ELEMENT_FLAGS:
            if key in src and src[key] is True and (level is not _BLOCK or key == "isSVG"):
                dst[key] = True
    elif node_type in _OTHER_TYPES:
        table.add(node_id, NodeInfo(p_level, None, p_id))
        level, tag, secret = _BLOCK, None, False  # leaves: nothing is recorded under them
        if node_type == _DOCUMENT:
            level = p_level
            dst["childNodes"] = []
            if src.get("compatMode") in ("BackCompat", "CSS1Compat"):
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
                # Comments are never needed to replay, and may carry server-side data.
                dst["textContent"] = clear_text(text, scrub) if p_level is _ALLOW else ""
            else:
                dst["textContent"] = ""
    else:
        raise MalformedNode(f"unknown node type {node_type!r}")
    if "rootId" in src or "isShadow" in src:  # keys most nodes lack, copied before the id
        _copy_rare(src, dst)
    dst["id"] = node_id
    return dst, level, tag, secret


def _copy_rare(src: dict[str, Any], dst: dict[str, Any]) -> None:
    if "rootId" in src and type(src["rootId"]) is int:
        dst["rootId"] = src["rootId"]
    if "isShadow" in src and src["isShadow"] is True:
        dst["isShadow"] = True


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


class SnapshotAssembler:
    """A full snapshot arriving in parts: flat lists of serialized nodes in document order, each
    naming its parent in ``parentId``; the first node is the document. Each part is masked as it
    arrives; ``root`` is the masked document tree once every part is in."""

    def __init__(self, default_level: Level, table: NodeTable, scrub: bool) -> None:
        self.default_level = default_level
        self.table = table
        self.scrub = scrub
        self.root: dict[str, Any] | None = None
        # Masked nodes that take children: their childNodes list, and the level, tag and secrecy
        # their children inherit.
        self._open: dict[int, tuple[list[dict[str, Any]], Level, str | None, bool]] = {}
        self._unrecorded: set[Any] = set()

    def add(self, nodes: Any) -> None:
        if type(nodes) is not list:
            raise MalformedNode("a snapshot part is not a list")
        table, scrub, open_nodes, unrecorded = self.table, self.scrub, self._open, self._unrecorded
        known = table.ids()
        if self.root is None and nodes:
            first = nodes[0]
            if type(first) is not dict or first.get("type") != _DOCUMENT or first.get(PARENT_KEY) is not None:
                raise MalformedNode("a snapshot's first node is not its document")
            dst, level, tag, _ = mask_node(first, None, self.default_level, None, False, table, scrub)
            self.root = dst
            open_nodes[dst["id"]] = (dst["childNodes"], level, tag, False)
            nodes = nodes[1:]
        for src in nodes:
            if type(src) is not dict:
                raise MalformedNode("node is not an object")
            parent_id = src[PARENT_KEY] if PARENT_KEY in src else None
            parent = open_nodes.get(parent_id)  # type: ignore[arg-type]
            if parent is None:
                if parent_id in known or parent_id in unrecorded:
                    # Inside a block (or under a text node): never recorded, nor is anything under it.
                    unrecorded.add(src.get("id"))
                    continue
                raise MalformedNode("a snapshot node's parent came before it in no part")
            if "id" in src and src["id"] in known:
                raise MalformedNode("a node appears twice in one snapshot")
            siblings, p_level, p_tag, p_secret = parent
            dst, level, tag, secret = mask_node(src, parent_id, p_level, p_tag, p_secret, table, scrub)
            siblings.append(dst)
            if level is not _BLOCK and "childNodes" in dst:
                open_nodes[dst["id"]] = (dst["childNodes"], level, tag, secret)


__all__ = ["MalformedNode", "SnapshotAssembler", "mask_node", "mask_text", "mask_tree"]
