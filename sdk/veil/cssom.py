"""Styles built by script (the CSSOM) as rrweb's incremental events: sources 8 (StyleSheetRule),
13 (StyleDeclaration) and 15 (AdoptedStyleSheet), masked through the one CSS masker (``css``).

Rules: an event names its stylesheet by ``id`` (the recorded ``<style>``/``<link>`` that owns it)
or by ``styleId`` (a constructed sheet, numbered by the shim). A sheet owned by a node takes that
node's level; a constructed sheet takes the level of the host (document or shadow host) it is
adopted by, the most restrictive one once several adopt it. Nothing is recorded for a sheet at
``block``, for a blocked host's adoption, or for a constructed sheet the core never saw adopted.
Every event is rebuilt from rrweb's keys only; CSS text goes through ``css`` (a rule that is
dropped becomes an empty placeholder rule, so that later rule indices still line up in the
replay). A target id the core does not know is ``Rejected`` (counted). The constructed sheets'
levels are forgotten with every full snapshot: rrweb's Replayer forgets its sheets then too, and
the shim sends every adopted sheet again after the snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import css
from .levels import Level, most_restrictive
from .nodes import NodeTable
from .rrweb import Source
from .values import is_int

# Inserted in place of a rule the masker dropped: valid wherever a rule is, and it matches nothing.
PLACEHOLDER_RULE = "@media not all{}"
_PRIORITIES = ("", "important")


class Rejected(ValueError):
    """This CSSOM event cannot be judged and is dropped (counted)."""


def _index(value: Any) -> int | list[int]:
    """A rule index: an int, or rrweb's nested position (a list of ints)."""
    if is_int(value) and value >= 0:
        return value
    if isinstance(value, list) and value and all(is_int(v) and v >= 0 for v in value):
        return list(value)
    raise Rejected("expected a rule index")


def _map(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Rejected("expected an object")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Rejected("expected a list")
    return value


class StyleSheets:
    """The CSSOM events of one recording, masked; remembers each constructed sheet's level."""

    def __init__(self, scrub: bool) -> None:
        self.scrub = scrub
        self.levels: dict[int, Level] = {}  # styleId -> the level its rules are masked at

    def reset(self) -> None:
        """A full snapshot: the replay forgets every constructed sheet, and so does the core."""
        self.levels.clear()

    def mask(self, data: Mapping[str, Any], table: NodeTable) -> dict[str, Any] | None:
        """The masked event data of a CSSOM event, or None when nothing of it is recorded."""
        source = data.get("source")
        if source == Source.ADOPTED_STYLE_SHEET:
            return self._adopted(data, table)
        target = self._target(data, table)
        if target is None:
            return None
        key, value, level = target
        if source == Source.STYLE_SHEET_RULE:
            return self._rule(data, key, value, level)
        if source == Source.STYLE_DECLARATION:
            return self._declaration(data, key, value, level)
        raise Rejected(f"not a CSSOM source: {source!r}")

    def _target(self, data: Mapping[str, Any], table: NodeTable) -> tuple[str, int, Level] | None:
        """("id" or "styleId", its value, the level of the sheet's CSS), or None to record nothing."""
        if data.get("styleId") is not None:
            style_id = data["styleId"]
            if not is_int(style_id):
                raise Rejected("expected an integer styleId")
            level = self.levels.get(style_id)
            if level is None or level is Level.BLOCK:
                return None  # never adopted where the replay has it (or only in a block)
            return "styleId", style_id, level
        node_id = data.get("id")
        if not is_int(node_id):
            raise Rejected("a CSSOM event names no stylesheet")
        info = table.get(node_id)
        if info is None:
            raise Rejected("a stylesheet of a node the replay does not have")
        if info.level is Level.BLOCK:
            return None
        return "id", node_id, info.level

    def _masked_rule(self, rule: Any, level: Level) -> str:
        if not isinstance(rule, str):
            raise Rejected("a rule is not a string")
        masked = css.mask_stylesheet(rule, level, self.scrub)
        return masked or PLACEHOLDER_RULE

    def _rule(self, data: Mapping[str, Any], key: str, value: int, level: Level) -> dict[str, Any] | None:
        out: dict[str, Any] = {"source": int(Source.STYLE_SHEET_RULE), key: value}
        if data.get("adds") is not None:
            out["adds"] = [
                {"rule": self._masked_rule(add.get("rule"), level), **({"index": _index(add["index"])} if add.get("index") is not None else {})}
                for add in map(_map, _list(data["adds"]))
            ]
        if data.get("removes") is not None:
            out["removes"] = [{"index": _index(_map(remove).get("index"))} for remove in _list(data["removes"])]
        for name in ("replace", "replaceSync"):
            if name in data:
                text = data[name]
                if not isinstance(text, str):
                    raise Rejected(f"{name} is not a string")
                out[name] = css.mask_stylesheet(text, level, self.scrub) or ""
        return out if len(out) > 2 else None

    def _declaration(self, data: Mapping[str, Any], key: str, value: int, level: Level) -> dict[str, Any] | None:
        out: dict[str, Any] = {"source": int(Source.STYLE_DECLARATION), key: value, "index": _index(data.get("index"))}
        if data.get("set") is not None:
            change = _map(data["set"])
            name, text = change.get("property"), change.get("value")
            if not isinstance(name, str):
                raise Rejected("setProperty without a property name")
            masked = css.mask_property(name, text, level, self.scrub) if isinstance(text, str) else ""
            if masked is None:
                return None  # the value could not be judged: the replay keeps the previous one
            priority = change.get("priority")
            out["set"] = {"property": name, "value": masked, "priority": priority if priority in _PRIORITIES else ""}
        elif data.get("remove") is not None:
            name = _map(data["remove"]).get("property")
            if not isinstance(name, str):
                raise Rejected("removeProperty without a property name")
            out["remove"] = {"property": name}
        else:
            return None
        return out

    def _adopted(self, data: Mapping[str, Any], table: NodeTable) -> dict[str, Any] | None:
        host_id = data.get("id")
        if not is_int(host_id):
            raise Rejected("an adoption names no host")
        host = table.get(host_id)
        if host is None:
            raise Rejected("an adoption by a host the replay does not have")
        if host.level is Level.BLOCK:
            return None  # a blocked host is a placeholder: nothing of its own styles is recorded
        level = host.level
        styles = []
        for style in map(_map, _list(data.get("styles") or [])):
            style_id = style.get("styleId")
            if not is_int(style_id):
                raise Rejected("a constructed sheet without a styleId")
            known = self.levels.get(style_id)
            self.levels[style_id] = level if known is None else most_restrictive((known, level))
            rules = [{"rule": self._masked_rule(rule.get("rule"), self.levels[style_id]), "index": _index(rule.get("index"))}
                     for rule in map(_map, _list(style.get("rules") or []))]
            styles.append({"styleId": style_id, "rules": rules})
        style_ids = []
        for style_id in _list(data.get("styleIds")):
            if not is_int(style_id):
                raise Rejected("expected integer styleIds")
            if style_id in self.levels:
                # A sheet adopted by a stricter host: its later changes are masked at the stricter level.
                self.levels[style_id] = most_restrictive((self.levels[style_id], level))
                style_ids.append(style_id)
        out: dict[str, Any] = {"source": int(Source.ADOPTED_STYLE_SHEET), "id": host_id, "styleIds": style_ids}
        if styles:
            out["styles"] = styles
        return out
