"""What the replay will show of each element of a page, and the rule that decided it (Veil.preview).

Rules: nothing here decides anything of its own. The page's elements arrive as the rows of a full
snapshot (the walk's format, see ``tree.SnapshotAssembler``) and are masked by a throwaway
``EventMasker`` built from the page's config, echo memory and site-text list, exactly as recording
masks a snapshot; each element's verdict compares what it holds with what that masking wrote. The
only other functions called are the one reduce's own (``levels``), to name which override or
default set the level, and the one masker of input values, to say what a field's typed value would
become when it holds none yet. The verdicts are for the page that asked (the preview overlay, the
``python -m veil.preview`` report) and never leave it.

A verdict is one of ``KINDS``: ``clear`` (the element's text and content attributes are recorded
as they are), ``masked`` (all or part of them are masked, or a media element becomes a
placeholder), ``typed`` (a field whose value the visitor types or chooses is masked), ``secret``
(a forced secret), ``blocked`` (a placeholder of its size, nothing inside is read). Elements with
no content of their own get no verdict; elements inside a blocked one are never read, so neither.
Its ``rule`` names what decided it: "site text" (the site's own words, from its allow-list, as
Veil.explain names it), an override and the element it sits on, a forced secret, an echo of a
typed value, the PII scrubber, or the default level.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import Config
from .contract import FORM_FIELD_TAGS, MATCH_FLAGS_KEY, MEDIA_TAGS
from .echo import Echoes
from .events import EncodedEvent, EventMasker
from .levels import Level, element_overrides, is_editable, resolve_level
from .masking import Rule, attribute_rule, input_value_for_level, text_for_level
from .rrweb import EventType, NodeType
from .sitetext import RULE_NAME, SiteText

KINDS = ("clear", "masked", "typed", "secret", "blocked")
SITE_TEXT = RULE_NAME  # what Veil.explain calls the rule too
# A page larger than this is previewed in part (its first rows, in document order).
MAX_ROWS = 60_000
_NO_TEXT = frozenset({"script", "style", "noscript", "template"})
# Inputs whose value is their label, not something the visitor types.
_BUTTON_TYPES = frozenset({"button", "submit", "reset", "image"})
_PROBE = "probe"


@dataclass(frozen=True, slots=True)
class _Origin:
    """What set an element's level: an override on an element, or the default."""

    text: str
    level: Level


class BadRows(ValueError):
    """The rows are not a snapshot the core can read."""


def judge(config: Config, rows: Any, echoes: Echoes | None = None, site: SiteText | None = None) -> dict[str, Any]:
    """{"verdicts": [{"id", "kind", "rule", "level", "shown", "clear"}], "truncated"}
    for the elements of ``rows``, the snapshot's rows in document order starting with the document,
    masked with the page's ``echoes`` and its site-text list ``site``, as its recording masks them.

    ``shown``: what the replay shows of the element's text and content attributes; ``clear``: the
    strings recorded exactly as the page has them ({"source", "text"}, the source being "text", an
    attribute's name or "value"); both with their whitespace collapsed."""
    if type(rows) is not list or not rows or type(rows[0]) is not list or not rows[0] or rows[0][0] != NodeType.DOCUMENT:
        raise BadRows("the rows must start with the document")
    truncated = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]
    masker = EventMasker(config, echoes, site)
    masked = masker.mask({"type": int(EventType.FULL_SNAPSHOT), "data": {"part": rows, "done": True}, "timestamp": 0})
    if not isinstance(masked.event, EncodedEvent):
        raise BadRows("the snapshot could not be masked")
    written = _index(json.loads(masked.event.json)["data"]["node"])
    elements, texts = _read_rows(rows)
    origins: dict[int, _Origin] = {}
    default = _Origin(f"default level {config.default_privacy.value}", config.default_privacy)
    verdicts = []
    for node_id, (tag, attributes, flags, parent) in elements.items():
        info = masker.table.get(node_id)
        if info is None or node_id not in written:
            continue  # inside a blocked element: never read, never recorded
        parent_origin = origins.get(parent, default) if parent is not None else default
        origin = _origin(tag, attributes, flags, parent_origin, info.level)
        origins[node_id] = origin
        verdict = _verdict(config, node_id, tag, attributes, info.level, info.secret, origin, texts.get(node_id, ()), written, echoes)
        if verdict is not None:
            verdicts.append(verdict)
    return {"verdicts": verdicts, "truncated": truncated}


def _index(root: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Every written node by id."""
    index: dict[int, dict[str, Any]] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        index[node["id"]] = node
        stack.extend(node.get("childNodes", ()))
    return index


_Element = tuple[str, dict[str, Any], list[str], int | None]


def _read_rows(rows: list[Any]) -> tuple[dict[int, _Element], dict[int, list[tuple[int, str]]]]:
    """Elements (tag, attributes, selector flags, parent) and each element's text children."""
    elements: dict[int, _Element] = {}
    texts: dict[int, list[tuple[int, str]]] = {}
    for row in rows[1:]:
        if type(row) is not list or len(row) < 4:
            continue
        kind, node_id, parent = row[0], row[1], row[2]
        if kind == NodeType.ELEMENT and len(row) >= 5 and type(row[3]) is str and type(row[4]) is dict:
            rare = row[5] if len(row) > 5 and type(row[5]) is dict else {}
            flags = rare.get(MATCH_FLAGS_KEY)
            elements[node_id] = (row[3].lower(), row[4], flags if type(flags) is list else [], parent if parent in elements else None)
        elif kind == NodeType.TEXT and type(row[3]) is str and parent in elements:
            texts.setdefault(parent, []).append((node_id, row[3]))
    return elements, texts


def _describe(tag: str, attributes: Mapping[str, Any]) -> str:
    """An element as a developer finds it: its tag and id."""
    element_id = attributes.get("id")
    return f"<{tag}#{element_id}>" if isinstance(element_id, str) and element_id.strip() else f"<{tag}>"


def _markers(attributes: Mapping[str, Any], flags: list[str]) -> list[str]:
    """The overrides an element carries, named as written on it."""
    found = []
    marker = attributes.get("data-veil")
    if marker is not None:
        found.append(f'data-veil="{marker}"')
    classes = attributes.get("class")
    if isinstance(classes, str):
        found.extend(f"class {c}" for c in classes.split() if c.startswith(("veil-", "rr-")) and element_overrides({"class": c}))
    found.extend(f"{flag}Selectors" for flag in flags if flag in ("allow", "mask", "block"))
    if is_editable(attributes):
        found.append("contenteditable")
    return found


def _origin(tag: str, attributes: Mapping[str, Any], flags: list[str], parent: _Origin, level: Level) -> _Origin:
    """The override that set ``level`` (the one reduce's own steps), or the parent's origin."""
    if parent.level is Level.BLOCK:
        return parent
    overrides = element_overrides(attributes, flags)
    editable = is_editable(attributes)
    if not overrides and not editable:
        return parent
    if resolve_level(parent.level, overrides, editable) is not level:
        return parent  # not what the reduce made of it: say nothing rather than guess
    if level is parent.level and not overrides:
        return parent
    return _Origin(f"override {level.value} on {_describe(tag, attributes)} ({', '.join(_markers(attributes, flags))})", level)


def _normal(text: str) -> str:
    """Whitespace collapsed, as the overlay and the preview command compare strings."""
    return " ".join(text.split())


def _secret_reason(tag: str, attributes: Mapping[str, Any]) -> str:
    named = [f'{key}="{attributes[key]}"' for key in ("type", "autocomplete") if isinstance(attributes.get(key), str)]
    return f"forced secret: {_describe(tag, attributes)} {' '.join(named)}".rstrip()


def _verdict(
    config: Config,
    node_id: int,
    tag: str,
    attributes: Mapping[str, Any],
    level: Level,
    secret: bool,
    origin: _Origin,
    texts: Any,
    written: dict[int, dict[str, Any]],
    echoes: Echoes | None,
) -> dict[str, Any] | None:
    base = {"id": node_id, "level": level.value}
    if level is Level.BLOCK:
        return {**base, "kind": "blocked", "rule": f"block: {origin.text}", "shown": [], "clear": []}
    if secret:
        rule = _secret_reason(tag, attributes)
        return {**base, "kind": "secret", "rule": rule, "shown": ["********"], "clear": []}
    out_attributes = written[node_id].get("attributes", {})
    pieces: list[tuple[str, str, str | None]] = []  # (source, the page's, what is written or None)
    if tag not in _NO_TEXT:
        for text_id, text in texts:
            if text.strip() and text_id in written:
                pieces.append(("text", text, written[text_id].get("textContent", "")))
    field = (tag in FORM_FIELD_TAGS and not (tag == "input" and str(attributes.get("type", "")).strip().lower() in _BUTTON_TYPES)) \
        or ("contenteditable" in attributes and is_editable(attributes))
    for name, value in attributes.items():
        if name == "value" and field:
            continue  # a field's value: judged below, as typed
        if type(value) is not str or not value.strip():
            continue
        if attribute_rule(tag, name, attributes) not in (Rule.CONTENT, Rule.USER_INPUT):
            continue
        after = out_attributes.get(name)
        pieces.append((name, value, after if type(after) is str else None))
    shown = [_normal(after) for _, _, after in pieces if after]
    clear = [{"source": source, "text": _normal(before)} for source, before, after in pieces if after == before]
    if field:
        value = attributes.get("value")
        has_value = type(value) is str and bool(value)
        typed = value if has_value else _PROBE
        if tag in FORM_FIELD_TAGS:
            recorded = out_attributes.get("value") if has_value else input_value_for_level(_PROBE, level, False, config.scrub_patterns)
        elif pieces:  # contenteditable: its text is what was typed
            recorded = None if any(after != before for _, before, after in pieces) else typed
        else:
            recorded = text_for_level(_PROBE, level, tag, config.scrub_patterns)
        if recorded != typed:
            return {**base, "kind": "typed", "rule": f"typed value masked at {level.value}: {origin.text}",
                    "shown": shown or ["********"], "clear": clear}
        if has_value:
            clear.append({"source": "value", "text": _normal(typed)})
        return {**base, "kind": "clear", "rule": f"typed values recorded at {level.value}: {origin.text}",
                "shown": shown, "clear": clear}
    if not pieces:
        if tag in MEDIA_TAGS and level is Level.MASK:
            return {**base, "kind": "masked", "rule": f"media become placeholders at mask: {origin.text}",
                    "shown": [], "clear": []}
        return None
    if len(clear) == len(pieces):
        if level is Level.MASK:
            rule = SITE_TEXT  # at mask, only the site's own words (its allow-list) are written as they are
        else:
            rule = f"{level.value}: {origin.text}"
        return {**base, "kind": "clear", "rule": rule, "shown": shown, "clear": clear}
    return {**base, "kind": "masked", "rule": _masked_rule(config, level, origin, pieces, echoes),
            "shown": shown, "clear": clear}


def _masked_rule(config: Config, level: Level, origin: _Origin, pieces: list[tuple[str, str, str | None]], echoes: Echoes | None) -> str:
    """Why content at ``level`` came out (partly) masked."""
    echoed = bool(echoes) and any(after != before and echoes.mask(before) != before for _, before, after in pieces)  # type: ignore[union-attr]
    if echoed:
        return f"echo of a typed value masked ({level.value}: {origin.text})"
    if level is Level.MASK:
        if all(after is None or not after.replace("*", "").strip() for _, _, after in pieces):
            return f"mask: {origin.text}"
        return f"{SITE_TEXT} (a template: its filled slots masked), else mask: {origin.text}"
    if config.scrub_patterns:
        return f"PII scrubber ({level.value}: {origin.text})"
    return f"{level.value}: {origin.text}"


__all__ = ["BadRows", "KINDS", "MAX_ROWS", "SITE_TEXT", "judge"]
