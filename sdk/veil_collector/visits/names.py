"""What an event's target is called, in words, from the stored replay's own nodes.

Rules (the viewer's ``names.js`` rules, in Python for the digest and agents; tests/shared/target-names.json
holds the two equal): a name comes only from what was stored: the replay's nodes, built
from the events in order (each full snapshot starts a page afresh; mutations add, remove and change
nodes). The accessible name is computed as browsers do, in short: aria-labelledby, aria-label, a
button input's value, an image input's alt, a field's label, an image's alt, the text of a button,
link, heading, option or cell, a plain element's short text, then title and placeholder. A name that
was masked (nothing but ``*``) is not a name and the next source is tried. Without a name the target
is its role and tag (``button <button>``, ``<div>``), never a node id alone; a blocked element says
so. A click inside a button or link names that button or link. A malformed event changes nothing
(names help; they never fail).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NAME_MAX = 60
CONTENT_MAX = 400
GENERIC_MAX = 80
TEXT, ELEMENT = 3, 2
INTERACTIVE = frozenset({"button", "link", "checkbox", "radio", "switch", "tab", "menuitem", "menuitemcheckbox",
                         "menuitemradio", "option", "textbox", "searchbox", "combobox", "listbox", "slider",
                         "spinbutton", "treeitem"})
FROM_CONTENT = frozenset({"button", "link", "heading", "cell", "columnheader", "rowheader", "option", "tab", "menuitem",
                          "menuitemcheckbox", "menuitemradio", "checkbox", "radio", "switch", "treeitem", "tooltip",
                          "listitem"})
INPUT_ROLES = {"button": "button", "submit": "button", "reset": "button", "image": "button", "checkbox": "checkbox",
               "radio": "radio", "range": "slider", "number": "spinbutton", "search": "searchbox"}
TAG_ROLES = {"button": "button", "textarea": "textbox", "option": "option", "li": "listitem", "nav": "navigation",
             "form": "form", "table": "table", "td": "cell", "th": "columnheader", "dialog": "dialog", "summary": "button",
             "main": "main", "header": "banner", "footer": "contentinfo", "aside": "complementary", "ul": "list",
             "ol": "list", "progress": "progressbar", "details": "group"}
PHRASING = frozenset({"span", "b", "i", "em", "strong", "small", "code", "abbr", "br", "mark", "sub", "sup", "u", "s", "kbd"})
MEDIA = frozenset({"img", "picture", "video", "audio", "canvas", "object", "embed", "image"})
_SPACE = re.compile(r"\s+")


def clean(text: Any) -> str:
    return _SPACE.sub(" ", "" if text is None else str(text)).strip()


def masked(text: Any) -> bool:
    """Nothing left once ``*`` is taken away: such a text says nothing, and is not a name."""
    return clean(text).replace("*", "").strip() == ""


def _cut(text: str) -> str:
    return text if len(text) <= NAME_MAX else text[:NAME_MAX - 1] + "…"


@dataclass
class _Node:
    type: Any
    tag: str | None
    attributes: dict[str, Any]
    text: Any
    parent: int | None
    children: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    role: str
    tag: str | None
    name: str | None  # None: nothing recorded in clear names it
    blocked: bool

    def describe(self) -> str:
        """``button 'Place order'``, ``heading <h1>``, ``<div>``, ``a blocked element <div>``."""
        if self.blocked:
            return f"a blocked element <{self.tag}>"
        if self.name is not None:
            return f"{self.role or self.tag} {quote(self.name)}"
        return (f"{self.role} " if self.role else "") + f"<{self.tag}>"


def quote(text: str) -> str:
    """Recorded text as a quoted literal: in single quotes, with quotes, backslashes and control
    characters escaped, so it can never pass for the words around it (or start a new line)."""
    out = []
    for ch in text:
        if ch in "'\\":
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


class Mirror:
    """The replay's nodes, fed the stored events in order."""

    def __init__(self) -> None:
        self.nodes: dict[int, _Node] = {}

    def feed(self, event: Any) -> None:
        try:
            self._apply(event)
        except (TypeError, AttributeError, KeyError, ValueError, RecursionError):
            pass  # left as it was

    def _apply(self, event: Any) -> None:
        data = event.get("data") if isinstance(event, dict) else None
        if not isinstance(data, dict):
            return
        if event.get("type") == 2 and isinstance(data.get("node"), dict):
            self.nodes = {}
            self._enter(data["node"], None, None)
        elif event.get("type") == 3 and data.get("source") == 0:
            for r in data.get("removes") or []:
                self._remove(r.get("id"))
            for a in data.get("adds") or []:
                self._enter(a.get("node"), a.get("parentId"), a.get("nextId"))
            for t in data.get("texts") or []:
                if t.get("id") in self.nodes:
                    self.nodes[t["id"]].text = t.get("value")
            for change in data.get("attributes") or []:
                entry = self.nodes.get(change.get("id"))
                if entry is None or not isinstance(change.get("attributes"), dict):
                    continue
                for k, v in change["attributes"].items():
                    if v is None:
                        entry.attributes.pop(k, None)
                    else:
                        entry.attributes[k] = v

    def _enter(self, node: Any, parent_id: Any, next_id: Any) -> None:
        stack = [(node, parent_id, next_id)]
        while stack:
            node, parent_id, next_id = stack.pop()
            if not isinstance(node, dict) or not isinstance(node.get("id"), int):
                continue
            tag = node.get("tagName")
            attrs = node.get("attributes")
            self.nodes[node["id"]] = _Node(node.get("type"), str(tag).lower() if tag else None,
                                           dict(attrs) if isinstance(attrs, dict) else {}, node.get("textContent"),
                                           parent_id)
            parent = self.nodes.get(parent_id) if parent_id is not None else None
            if parent is not None:
                at = parent.children.index(next_id) if next_id is not None and next_id in parent.children else -1
                if at >= 0:
                    parent.children.insert(at, node["id"])
                else:
                    parent.children.append(node["id"])
            children = node.get("childNodes") or []
            stack.extend((child, node["id"], None) for child in reversed(children))

    def _remove(self, node_id: Any) -> None:
        entry = self.nodes.get(node_id)
        if entry is None:
            return
        parent = self.nodes.get(entry.parent) if entry.parent is not None else None
        if parent is not None:
            parent.children = [c for c in parent.children if c != node_id]
        del self.nodes[node_id]

    # -- names ---------------------------------------------------------------------------------
    def _role(self, entry: _Node) -> str:
        explicit = clean(entry.attributes.get("role")).split(" ")[0]
        if explicit:
            return explicit.lower()
        tag = entry.tag or ""
        if tag in ("a", "area"):
            return "link" if "href" in entry.attributes else ""
        if tag == "input":
            return INPUT_ROLES.get(clean(entry.attributes.get("type")).lower(), "textbox")
        if tag == "select":
            return "listbox" if "multiple" in entry.attributes else "combobox"
        if tag == "img":
            return "img"
        if re.fullmatch(r"h[1-6]", tag):
            return "heading"
        return TAG_ROLES.get(tag, "")

    def content(self, node_id: int) -> str:
        out: list[str] = []
        length = 0
        stack = [node_id]
        while stack and length < CONTENT_MAX:
            entry = self.nodes.get(stack.pop())
            if entry is None:
                continue
            if entry.type == TEXT:
                text = clean(entry.text)
                if text:
                    out.append(text)
                    length += len(text)
                continue
            if entry.tag in ("script", "style"):
                continue
            if entry.tag == "img" and entry.attributes.get("alt"):
                out.append(clean(entry.attributes["alt"]))
            stack.extend(reversed(entry.children))
        return " ".join(out)

    def _phrasing(self, node_id: int) -> bool:
        stack = list(self.nodes[node_id].children) if node_id in self.nodes else []
        while stack:
            entry = self.nodes.get(stack.pop())
            if entry is None or entry.type == TEXT:
                continue
            if entry.type == ELEMENT and entry.tag not in PHRASING:
                return False
            stack.extend(entry.children)
        return True

    def _by_html_id(self, html_id: str) -> int | None:
        for node_id, entry in self.nodes.items():
            if entry.type == ELEMENT and entry.attributes.get("id") == html_id:
                return node_id
        return None

    def _label_of(self, entry: _Node) -> str:
        texts = []
        html_id = entry.attributes.get("id")
        if isinstance(html_id, str) and html_id:
            texts += [self.content(k) for k, n in self.nodes.items()
                      if n.type == ELEMENT and n.tag == "label" and n.attributes.get("for") == html_id]
        pid = entry.parent
        while pid is not None and pid in self.nodes:
            parent = self.nodes[pid]
            if parent.tag == "label":
                texts.append(self.content(pid))
                break
            pid = parent.parent
        return " ".join(texts)

    def _candidates(self, node_id: int, entry: _Node, role: str) -> list[Any]:
        a = entry.attributes
        out: list[Any] = []
        if isinstance(a.get("aria-labelledby"), str):
            refs = [self._by_html_id(ref) for ref in a["aria-labelledby"].split()]
            out.append(" ".join("" if ref is None else self.content(ref) for ref in refs))
        out.append(a.get("aria-label"))
        kind = clean(a.get("type")).lower()
        if entry.tag == "input" and kind in ("button", "submit", "reset"):
            out.append(a.get("value"))
        if entry.tag == "input" and kind == "image":
            out.append(a.get("alt"))
        if entry.tag in ("input", "select", "textarea"):
            out.append(self._label_of(entry))
        if entry.tag in ("img", "area"):
            out.append(a.get("alt"))
        if role in FROM_CONTENT:
            out.append(self.content(node_id))
        elif not role and self._phrasing(node_id):
            # A plain element (a div, a span) by its text only when it holds text alone, short enough for a label.
            text = self.content(node_id)
            if len(text) <= GENERIC_MAX:
                out.append(text)
        out += [a.get("title"), a.get("placeholder")]
        return out

    def target(self, node_id: Any) -> Target | None:
        entry = self.nodes.get(node_id) if isinstance(node_id, int) else None
        if entry is None:
            return None
        if entry.type != ELEMENT:
            node_id = entry.parent
            entry = self.nodes.get(node_id) if node_id is not None else None
            if entry is None or entry.type != ELEMENT:
                return None
        up: _Node | None = entry
        up_id, depth = node_id, 0
        while up is not None and up.type == ELEMENT and depth < 6:  # a click inside a button names the button
            if self._role(up) in INTERACTIVE:
                entry, node_id = up, up_id
                break
            up_id = up.parent
            up = self.nodes.get(up_id) if up_id is not None else None
            depth += 1
        role = self._role(entry)
        classes = f" {clean(entry.attributes.get('class'))} "
        blocked = " veil-placeholder " in classes and entry.tag not in MEDIA
        name = None
        if not blocked:
            for found in self._candidates(node_id, entry, role):
                text = clean(found)
                if text and not masked(text):
                    name = _cut(text)
                    break
        return Target(role, entry.tag, name, blocked)

    def describe(self, node_id: Any) -> str:
        found = self.target(node_id)
        return found.describe() if found is not None else "an element not in the replay"
