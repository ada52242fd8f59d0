"""The node table: what the core remembers about each recorded node, keyed by rrweb id.

Rules: holds levels and facts derived from masked input, never page content. A node that was ever a
forced secret stays one for the whole recording, across full snapshots (the show-password toggle);
the shim keeps ids stable between snapshots of one recording. Removing a node forgets its subtree.
Typed regions are where the text is the visitor's typing: contenteditable elements (found again by
every snapshot) and typing surfaces (an element fed by a field that does not show what it takes, a hidden
textarea or an EditContext element, such as a code editor's lines; kept for the whole recording,
like secrets, and never recorded below ``mask``).
"""

from __future__ import annotations

from collections.abc import Iterable, KeysView, Set
from dataclasses import dataclass

from .levels import Level, most_restrictive

# How far up from a hidden field the core looks for the element it types into.
SURFACE_MAX_DEPTH = 4


@dataclass(slots=True)
class NodeInfo:
    level: Level
    tag: str | None  # None for non-element nodes
    parent: int | None
    secret: bool = False
    # Created on the first child: most nodes (text) never have one, and a snapshot makes thousands.
    children: set[int] | None = None


class NodeTable:
    """Per-id facts for the current recording; reset by every full snapshot.

    A leaf a snapshot part enters (text, comment, CDATA, doctype) is kept as its parent's id until
    it is first asked for: most never are, and its NodeInfo (the parent's level, no tag) would cost
    more than masking it. Children are linked to their parents when first needed.
    """

    def __init__(self) -> None:
        self._nodes: dict[int, NodeInfo | int] = {}
        self._ever_secret: set[int] = set()
        self._editable: set[int] = set()  # contenteditable elements of the current snapshot
        self._choices: set[int] = set()  # checkboxes and radios of the current snapshot
        self._surfaces: set[int] = set()  # typing surfaces: kept across snapshots of a recording
        self._unlinked: list[dict[int, NodeInfo | int]] = []  # entered by add_new, not yet in their parents' children

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def ids(self) -> KeysView[int]:
        """A live view of the recorded ids (a fast membership test for hot loops)."""
        return self._nodes.keys()

    def get(self, node_id: object) -> NodeInfo | None:
        # Ids arrive unvalidated (from events): any object looks up, and misses unless it is an id.
        info: NodeInfo | int | None = self._nodes.get(node_id)  # type: ignore[call-overload]
        if isinstance(info, int):
            return self._leaf_info(node_id, info)
        return info

    def _leaf_info(self, node_id: object, parent_id: int) -> NodeInfo:
        parent = self.get(parent_id)
        info = self._nodes[node_id] = NodeInfo(parent.level if parent is not None else Level.BLOCK, None, parent_id)  # type: ignore[index]  # it was a key: an int
        return info

    def clear(self, forget_secrets: bool = False) -> None:
        """Forget every node; with ``forget_secrets`` also which ids were ever secret (a new recording)."""
        self._nodes.clear()
        self._unlinked.clear()
        self._editable.clear()
        self._choices.clear()
        if forget_secrets:
            self._ever_secret.clear()
            self._surfaces.clear()

    def mark_secret(self, node_id: int) -> None:
        info = self.get(node_id)
        if info is not None:
            info.secret = True
        self._ever_secret.add(node_id)

    def secret_ids(self) -> Set[int]:
        """A live view of the ids that were ever a forced secret in this recording."""
        return self._ever_secret

    def add_new(self, entries: dict[int, NodeInfo | int], secrets: Iterable[int] = ()) -> None:
        """Enter new nodes, each after its parent (a snapshot part): ``add`` for the hot path. An
        entry is a NodeInfo, or for a leaf its parent's id. ``secrets`` are the ids among them that
        are forced secrets; the caller has made every id in ``secret_ids`` a secret already.
        ValueError for an id that is recorded already. The table keeps ``entries``."""
        nodes = self._nodes
        if not nodes.keys().isdisjoint(entries):
            raise ValueError("a node is recorded already")
        self._ever_secret.update(secrets)
        nodes.update(entries)
        self._unlinked.append(entries)

    def _link(self) -> None:
        """Enter the nodes of ``add_new`` in their parents' children."""
        unlinked, self._unlinked = self._unlinked, []
        for entries in unlinked:
            for node_id, entry in entries.items():
                self._adopt(node_id, entry if isinstance(entry, int) else entry.parent)

    def _adopt(self, node_id: int, parent_id: int | None) -> None:
        parent = self.get(parent_id) if parent_id is not None else None
        if parent is not None:
            if parent.children is None:
                parent.children = {node_id}
            else:
                parent.children.add(node_id)

    def add(self, node_id: int, info: NodeInfo) -> None:
        if node_id in self._nodes:
            self.remove(node_id)
        if info.secret:
            self._ever_secret.add(node_id)
        elif node_id in self._ever_secret:
            info.secret = True
        self._nodes[node_id] = info
        self._adopt(node_id, info.parent)

    def subtree_level(self, node_id: int) -> Level:
        """The most restrictive level of a node and everything recorded under it."""
        if self._unlinked:
            self._link()
        info = self.get(node_id)
        if info is None:
            return Level.BLOCK
        level, stack = info.level, list(info.children or ())
        while stack and level is not Level.BLOCK:
            child = self.get(stack.pop())
            if child is not None:
                level = most_restrictive((level, child.level))
                stack.extend(child.children or ())
        return level

    def remove(self, node_id: int) -> None:
        if self._unlinked:
            self._link()
        info = self.get(node_id)
        if info is None:
            return
        parent = self.get(info.parent) if info.parent is not None else None
        if parent is not None and parent.children is not None:
            parent.children.discard(node_id)
        stack = [node_id]
        while stack:
            gone = self._nodes.pop(stack.pop(), None)
            if type(gone) is NodeInfo and gone.children:
                stack.extend(gone.children)

    def mark_editable(self, node_id: int) -> None:
        """``node_id`` is contenteditable: the text under it is typed by the visitor."""
        self._editable.add(node_id)

    def mark_choice(self, node_id: int) -> None:
        """``node_id`` is a checkbox or a radio: its value is one of the options the page shows."""
        self._choices.add(node_id)

    def is_choice(self, node_id: object) -> bool:
        """A select, checkbox or radio: what it holds is a choice among options shown in clear."""
        info = self.get(node_id)
        return node_id in self._choices or (info is not None and info.tag == "select")

    def has_editable(self) -> bool:
        """Whether the current snapshot has a contenteditable element."""
        return bool(self._editable)

    def surface_ids(self) -> Set[int]:
        """A live view of the typing surfaces of this recording (their level is at least ``mask``)."""
        return self._surfaces

    def is_typed(self, node_id: object) -> bool:
        """True for a node inside a typed region (contenteditable, or a typing surface)."""
        if not self._editable and not self._surfaces:
            return False
        seen = 0
        current = node_id
        while current is not None and seen < 10_000:  # a bound against a corrupt parent chain
            if current in self._editable or current in self._surfaces:
                return True
            info = self.get(current)
            current = info.parent if info is not None else None
            seen += 1
        return False

    def holds_typed(self, node_id: object) -> bool:
        """True for a node in a typed region or with one under it (its text may hold typing)."""
        if not self._editable and not self._surfaces:
            return False
        if self.is_typed(node_id):
            return True
        if self._unlinked:
            self._link()
        info = self.get(node_id)
        stack = list(info.children or ()) if info is not None else []
        while stack:
            child = stack.pop()
            if child in self._editable or child in self._surfaces:
                return True
            child_info = self.get(child)
            if child_info is not None:
                stack.extend(child_info.children or ())
        return False

    def typing_surface(self, field_id: int) -> int | None:
        """The element a hidden field (or EditContext element) types into: its nearest ancestor (up
        to SURFACE_MAX_DEPTH) that holds more than the field's own branch (a code editor's textarea
        sits beside its rendered lines). None when there is none."""
        if self._unlinked:
            self._link()
        info = self.get(field_id)
        for _ in range(SURFACE_MAX_DEPTH):
            if info is None or info.parent is None:
                return None
            parent_id = info.parent
            parent = self.get(parent_id)
            if parent is None or parent.tag is None:
                return None
            if parent.children is not None and sum(1 for c in parent.children if self._is_element(c)) > 1:
                return parent_id
            info = parent
        return None

    def _is_element(self, node_id: int) -> bool:
        info = self._nodes.get(node_id)
        return type(info) is NodeInfo and info.tag is not None

    def mark_surface(self, node_id: int) -> None:
        """Make ``node_id`` a typing surface: it and everything recorded under it is at least ``mask``."""
        if self._unlinked:
            self._link()
        self._surfaces.add(node_id)
        stack = [node_id]
        while stack:
            info = self.get(stack.pop())
            if info is None:
                continue
            info.level = most_restrictive((info.level, Level.MASK))
            stack.extend(info.children or ())
