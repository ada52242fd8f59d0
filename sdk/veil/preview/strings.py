"""Every string a recording carries in clear, read from what the collector stored.

Rules: the stored events are read as a replay reads them (full snapshots, then mutations, input
values and Veil's custom events, in order; each page view's ids apart) and nothing else. A string
is "in clear" when something of it is not masked: anything left once ``*`` and whitespace are
taken away (a template with masked slots, "Welcome back, ********!", is in clear: its words
leave). Words are text nodes (not a script's or style's), content and user-input attributes (by
the core's own attribute predicate), typed values, error and console messages and action names;
URLs (scrubbed by their own rule) are listed apart and never gated. Strings are compared with
their whitespace collapsed. Structure (tags, ids, classes, styles) is not a string here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..contract import ACTION_TAG, CONSOLE_TAG, ERROR_TAG, NAVIGATION_TAG, NETWORK_TAG
from ..masking import Rule, attribute_rule
from ..rrweb import EventType, NodeType, Source

_NO_WORDS = frozenset({"script", "style"})
_WORD_RULES = (Rule.CONTENT, Rule.USER_INPUT)
_URL_RULES = (Rule.URL, Rule.SRCSET)


def normalize(text: str) -> str:
    """Whitespace collapsed and trimmed: how strings are compared."""
    return " ".join(text.split())


def in_clear(text: str) -> bool:
    """Something of ``text`` is not masked."""
    return bool(text.replace("*", "").strip())


@dataclass(frozen=True, slots=True)
class Found:
    """One string in clear: the string, what carried it ("text", an attribute's name, "value",
    "error message", ...), where (the element's path in the stored page, or the event), and the
    page view it belongs to (0 for the first)."""

    text: str
    source: str
    where: str
    view: int


class _Page:
    """One page view's nodes as stored: id -> (node, parent id)."""

    def __init__(self) -> None:
        self.nodes: dict[int, tuple[dict[str, Any], int | None]] = {}

    def enter(self, node: Mapping[str, Any], parent: int | None) -> Iterator[tuple[dict[str, Any], int | None]]:
        """Index ``node`` and its subtree; yield each (node, parent id) in document order."""
        stack: list[tuple[Any, int | None]] = [(node, parent)]
        while stack:
            current, parent_id = stack.pop()
            if not isinstance(current, dict) or not isinstance(current.get("id"), int):
                continue
            self.nodes[current["id"]] = (current, parent_id)
            yield current, parent_id
            children = current.get("childNodes")
            if isinstance(children, list):
                stack.extend((child, current["id"]) for child in reversed(children))

    def element(self, node_id: int | None) -> dict[str, Any] | None:
        found = self.nodes.get(node_id) if node_id is not None else None
        return found[0] if found and found[0].get("type") == NodeType.ELEMENT else None

    def path(self, node_id: int | None) -> str:
        """The element's path from <html> down: tag, #id, as a stylesheet would name it."""
        parts: list[str] = []
        seen = 0
        while node_id is not None and node_id in self.nodes and seen < 64:
            node, parent = self.nodes[node_id]
            if node.get("type") == NodeType.ELEMENT:
                tag = str(node.get("tagName", "?"))
                element_id = (node.get("attributes") or {}).get("id")
                parts.append(f"{tag}#{element_id}" if isinstance(element_id, str) and element_id and in_clear(element_id) else tag)
            node_id, seen = parent, seen + 1
        return " > ".join(reversed(parts)) or "?"


def _attribute_strings(page: _Page, node: Mapping[str, Any], view: int, attributes: Mapping[str, Any]) -> Iterator[tuple[str, Found]]:
    tag = str(node.get("tagName", ""))
    full = node.get("attributes") if isinstance(node.get("attributes"), dict) else attributes
    for name, value in attributes.items():
        if not isinstance(value, str) or not in_clear(value):
            continue
        rule = attribute_rule(tag, name, full or {})
        if rule in _WORD_RULES:
            yield "word", Found(normalize(value), name, page.path(node.get("id")), view)
        elif rule in _URL_RULES:
            yield "url", Found(normalize(value), name, page.path(node.get("id")), view)


def _node_strings(page: _Page, node: dict[str, Any], parent: int | None, view: int) -> Iterator[tuple[str, Found]]:
    if node.get("type") == NodeType.TEXT:
        text = node.get("textContent")
        holder = page.element(parent)
        if isinstance(text, str) and in_clear(text) and (holder is None or holder.get("tagName") not in _NO_WORDS):
            yield "word", Found(normalize(text), "text", page.path(parent), view)
    elif node.get("type") == NodeType.ELEMENT and isinstance(node.get("attributes"), dict):
        yield from _attribute_strings(page, node, view, node["attributes"])


def _event_strings(page: _Page, event: Mapping[str, Any], view: int) -> Iterator[tuple[str, Found]]:
    kind, data = event.get("type"), event.get("data")
    if not isinstance(data, dict):
        return
    if kind == EventType.META and isinstance(data.get("href"), str):
        yield "url", Found(data["href"], "page URL", "meta", view)
    elif kind == EventType.FULL_SNAPSHOT:
        page.nodes.clear()  # a fresh snapshot replaces the page
        for node, parent in page.enter(data.get("node") or {}, None):
            yield from _node_strings(page, node, parent, view)
    elif kind == EventType.INCREMENTAL_SNAPSHOT and data.get("source") == Source.MUTATION:
        for add in data.get("adds") or ():
            if isinstance(add, dict):
                for node, parent in page.enter(add.get("node") or {}, add.get("parentId")):
                    yield from _node_strings(page, node, parent, view)
        for change in data.get("texts") or ():
            if isinstance(change, dict) and change.get("id") in page.nodes:
                node, parent = page.nodes[change["id"]]
                yield from _node_strings(page, {**node, "textContent": change.get("value")}, parent, view)
        for change in data.get("attributes") or ():
            target = page.element(change.get("id")) if isinstance(change, dict) else None
            if target is not None and isinstance(change.get("attributes"), dict):
                yield from _attribute_strings(page, target, view, change["attributes"])
    elif kind == EventType.INCREMENTAL_SNAPSHOT and data.get("source") == Source.INPUT:
        text = data.get("text")
        if isinstance(text, str) and in_clear(text):
            yield "word", Found(normalize(text), "value", page.path(data.get("id")), view)
    elif kind == EventType.CUSTOM and isinstance(data.get("payload"), dict):
        yield from _custom_strings(page, str(data.get("tag")), data["payload"], view)


def _custom_strings(page: _Page, tag: str, payload: Mapping[str, Any], view: int) -> Iterator[tuple[str, Found]]:
    words = {ERROR_TAG: ("message", "error message"), CONSOLE_TAG: ("message", "console message"), ACTION_TAG: ("name", "action name")}
    if tag in words:
        key, source = words[tag]
        text = payload.get(key)
        if isinstance(text, str) and in_clear(text):
            where = page.path(payload.get("id")) if tag == ACTION_TAG else tag
            yield "word", Found(normalize(text), source, where, view)
    elif tag in (NETWORK_TAG, NAVIGATION_TAG):
        url = payload.get("url" if tag == NETWORK_TAG else "href")
        if isinstance(url, str) and in_clear(url):
            yield "url", Found(url, "request URL" if tag == NETWORK_TAG else "navigation", tag, view)


def strings_in_clear(events: Iterable[Mapping[str, Any]]) -> tuple[list[Found], list[Found]]:
    """(words, URLs) in clear in ``events``, each once per (string, source, where), in order."""
    words: dict[tuple[str, str, str], Found] = {}
    urls: dict[tuple[str, str, str], Found] = {}
    page, view = _Page(), -1
    for event in events:
        if event.get("type") == EventType.META:
            page, view = _Page(), view + 1
        for kind, found in _event_strings(page, event, max(view, 0)):
            key = (found.text, found.source, found.where)
            (words if kind == "word" else urls).setdefault(key, found)
    return list(words.values()), list(urls.values())


def unexpected(words: Iterable[Found], expected: Iterable[str]) -> list[Found]:
    """The words in clear that ``expected`` does not list (compared with whitespace collapsed)."""
    allowed = {normalize(s) for s in expected}
    return [found for found in words if normalize(found.text) not in allowed]


def read_expected(text: str) -> list[str]:
    """An --expect-clear file: one string a line; blank lines and lines starting with # are
    skipped; a line starting with \\# lists a string that starts with #."""
    out = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append(normalize(line[1:] if line.startswith("\\#") else line))
    return out


def write_expected(words: Iterable[Found]) -> str:
    """``words`` as an --expect-clear file (each string once)."""
    seen: dict[str, None] = {}
    for found in words:
        seen.setdefault(found.text)
    lines = ["# Strings Veil recorded in clear (python -m veil.preview): review, then use with --expect-clear."]
    lines += [("\\" + s if s.startswith("#") else s) for s in seen]
    return "\n".join(lines) + "\n"
