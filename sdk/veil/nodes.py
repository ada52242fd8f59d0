"""The node table: what the core remembers about each recorded node, keyed by rrweb id.

Rules: holds levels and facts derived from masked input, never page content. A node that was ever a
forced secret stays one for the whole recording, across full snapshots (the show-password toggle);
the shim keeps ids stable between snapshots of one recording. Removing a node forgets its subtree.
"""

from __future__ import annotations

from collections.abc import KeysView
from dataclasses import dataclass

from .levels import Level, most_restrictive


@dataclass(slots=True)
class NodeInfo:
    level: Level
    tag: str | None  # None for non-element nodes
    parent: int | None
    secret: bool = False
    # Created on the first child: most nodes (text) never have one, and a snapshot makes thousands.
    children: set[int] | None = None


class NodeTable:
    """Per-id facts for the current recording; reset by every full snapshot."""

    def __init__(self) -> None:
        self._nodes: dict[int, NodeInfo] = {}
        self._ever_secret: set[int] = set()

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def ids(self) -> "KeysView[int]":
        """A live view of the recorded ids (a fast membership test for hot loops)."""
        return self._nodes.keys()

    def get(self, node_id: object) -> NodeInfo | None:
        return self._nodes.get(node_id)  # type: ignore[arg-type]

    def clear(self, forget_secrets: bool = False) -> None:
        """Forget every node; with ``forget_secrets`` also which ids were ever secret (a new recording)."""
        self._nodes.clear()
        if forget_secrets:
            self._ever_secret.clear()

    def mark_secret(self, node_id: int) -> None:
        info = self._nodes.get(node_id)
        if info is not None:
            info.secret = True
        self._ever_secret.add(node_id)

    def add(self, node_id: int, info: NodeInfo) -> None:
        nodes = self._nodes
        if node_id in nodes:
            self.remove(node_id)
        if info.secret:
            self._ever_secret.add(node_id)
        elif node_id in self._ever_secret:
            info.secret = True
        nodes[node_id] = info
        parent = nodes.get(info.parent) if info.parent is not None else None
        if parent is not None:
            if parent.children is None:
                parent.children = {node_id}
            else:
                parent.children.add(node_id)

    def subtree_level(self, node_id: int) -> Level:
        """The most restrictive level of a node and everything recorded under it."""
        info = self._nodes.get(node_id)
        if info is None:
            return Level.BLOCK
        level, stack = info.level, list(info.children or ())
        while stack and level is not Level.BLOCK:
            child = self._nodes.get(stack.pop())
            if child is not None:
                level = most_restrictive((level, child.level))
                stack.extend(child.children or ())
        return level

    def remove(self, node_id: int) -> None:
        info = self._nodes.get(node_id)
        if info is None:
            return
        parent = self._nodes.get(info.parent) if info.parent is not None else None
        if parent is not None and parent.children is not None:
            parent.children.discard(node_id)
        stack = [node_id]
        while stack:
            gone = self._nodes.pop(stack.pop(), None)
            if gone is not None and gone.children:
                stack.extend(gone.children)
