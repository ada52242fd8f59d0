"""Masking of rrweb-snapshot serialized node trees (full snapshots and added subtrees).

Rules: one iterative walk (deep pages must not hit Python's recursion limit). Each node's level
comes from ``levels.resolve_level``; text and attributes go through ``masking`` only. Output nodes
are built from an allowlist of keys per node type, so a key the core does not know never leaves.
A block node becomes an empty placeholder: no text, no attribute values, no children. Every node
emitted is entered in the node table.
"""

from __future__ import annotations

from typing import Any, Mapping

from .levels import MATCH_FLAGS_KEY, Level, element_overrides, is_editable, is_forced_secret, resolve_level
from .masking import clear_text, mask_attributes, mask_text, text_for_level
from .nodes import NodeInfo, NodeTable
from .rrweb import NodeType

_COMMON_KEYS = ("rootId", "isShadow")
# The shim's measured [width, height] of a media element, for its placeholder; never emitted itself.
SIZE_KEY = "veilSize"


class MalformedNode(ValueError):
    """A serialized node that does not have rrweb-snapshot's shape."""


def _require_id(node: Mapping[str, Any]) -> int:
    node_id = node.get("id")
    if not isinstance(node_id, int) or isinstance(node_id, bool):
        raise MalformedNode("node without an integer id")
    return node_id


def _copy_common(src: Mapping[str, Any], dst: dict[str, Any]) -> None:
    for key in _COMMON_KEYS:
        value = src.get(key)
        if isinstance(value, (bool, int)) and value is not None:
            dst[key] = value


def mask_tree(
    root: Mapping[str, Any],
    parent_id: int | None,
    parent_level: Level,
    parent_tag: str | None,
    table: NodeTable,
    scrub: bool = True,
) -> dict[str, Any]:
    """Return the masked copy of a serialized subtree whose parent has the given id, level and tag."""
    out_root: dict[str, Any] = {}
    stack: list[tuple[Mapping[str, Any], dict[str, Any], int | None, Level, str | None]] = [
        (root, out_root, parent_id, parent_level, parent_tag)
    ]
    while stack:
        src, dst, p_id, p_level, p_tag = stack.pop()
        if not isinstance(src, Mapping):
            raise MalformedNode("node is not an object")
        node_id = _require_id(src)
        node_type = src.get("type")
        dst["id"] = node_id
        dst["type"] = node_type
        _copy_common(src, dst)
        if node_type == NodeType.ELEMENT:
            tag = src.get("tagName")
            attributes = src.get("attributes")
            if not isinstance(tag, str) or not isinstance(attributes, Mapping):
                raise MalformedNode("element without tagName or attributes")
            tag = tag.lower()
            flags = src.get(MATCH_FLAGS_KEY) or ()
            level = resolve_level(p_level, element_overrides(attributes, flags), is_editable(attributes))
            secret = is_forced_secret(tag, attributes)
            table.add(node_id, NodeInfo(level=level, tag=tag, parent=p_id, secret=secret))
            secret = table.get(node_id).secret  # type: ignore[union-attr]
            dst["tagName"] = tag
            dst["attributes"] = mask_attributes(tag, attributes, level, secret, scrub, src.get(SIZE_KEY))
            dst["childNodes"] = []
            for key in ("isSVG", "isCustom", "isShadowHost"):
                if src.get(key) is True and (level is not Level.BLOCK or key == "isSVG"):
                    dst[key] = True
            if level is not Level.BLOCK:
                _push_children(src, dst, node_id, level, tag, stack)
        elif node_type == NodeType.DOCUMENT:
            table.add(node_id, NodeInfo(level=p_level, tag=None, parent=p_id))
            dst["childNodes"] = []
            if src.get("compatMode") in ("BackCompat", "CSS1Compat"):
                dst["compatMode"] = src["compatMode"]
            _push_children(src, dst, node_id, p_level, None, stack)
        elif node_type == NodeType.DOCUMENT_TYPE:
            table.add(node_id, NodeInfo(level=p_level, tag=None, parent=p_id))
            for key in ("name", "publicId", "systemId"):
                dst[key] = src.get(key) if isinstance(src.get(key), str) else ""
        elif node_type in (NodeType.TEXT, NodeType.CDATA, NodeType.COMMENT):
            table.add(node_id, NodeInfo(level=p_level, tag=None, parent=p_id))
            text = src.get("textContent")
            text = text if isinstance(text, str) else ""
            if node_type == NodeType.TEXT:
                parent = table.get(p_id)
                dst["textContent"] = text_for_level(text, p_level, p_tag, scrub, bool(parent and parent.secret))
            elif node_type == NodeType.COMMENT:
                # Comments are never needed to replay, and may carry server-side data.
                dst["textContent"] = clear_text(text, scrub) if p_level is Level.ALLOW else ""
            else:
                dst["textContent"] = ""
        else:
            raise MalformedNode(f"unknown node type {node_type!r}")
    return out_root


def _push_children(
    src: Mapping[str, Any],
    dst: dict[str, Any],
    node_id: int,
    level: Level,
    tag: str | None,
    stack: list[tuple[Mapping[str, Any], dict[str, Any], int | None, Level, str | None]],
) -> None:
    children = src.get("childNodes") or []
    if not isinstance(children, list):
        raise MalformedNode("childNodes is not a list")
    for child in children:
        out_child: dict[str, Any] = {}
        dst["childNodes"].append(out_child)
        stack.append((child, out_child, node_id, level, tag))


__all__ = ["MalformedNode", "mask_tree", "mask_text"]
