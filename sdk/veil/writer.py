"""The one node writer, ``NodeWriter``: what each serialized node becomes on the wire, as JSON text.

Rules: a node's level comes from ``levels.element_level`` (the one reduce) and its parent's level;
its text and attributes go through ``masking`` only, here. The writer writes only the keys it knows
per node type, so a key the core does not know never leaves; its one cache (the elements that
differ only in id) is keyed by every argument the rules read. Nodes reach it as rows (see
``rows``), from two drivers: ``tree`` (a snapshot, or any subtree, written nested) and ``adds``
(a mutation's added subtree, written as one rrweb add per node). Echoes: text and attributes in
clear go through ``masking`` with the page view's ``Echoes``; the element cache is emptied
whenever that memory changes. Site text: the writer hands the page's site-text list to
``masking`` with whether a node is in a typed region (a contenteditable element or a typing
surface, and everything under it), where the list shows nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring as _string  # a str as JSON (C), as json.dumps(ensure_ascii=False)
from typing import Any

from .contract import MATCH_FLAGS_KEY, SIZE_KEY
from .echo import Echoes
from .levels import Level, element_level, is_editable, is_forced_secret
from .masking import comment_text, mask_attributes, text_masker
from .nodes import NodeTable
from .rrweb import NodeType
from .sitetext import SiteText

_ELEMENT_FLAGS = ("isSVG", "isCustom", "isShadowHost")
# The keys of a node object that are a row's rare fields (see SnapshotAssembler).
_RARE_INPUTS = (*_ELEMENT_FLAGS, "isShadow", "rootId", MATCH_FLAGS_KEY, SIZE_KEY)
# Plain values for the hot path (enum attribute lookups cost on every node).
_ELEMENT, _TEXT, _CDATA, _COMMENT = int(NodeType.ELEMENT), int(NodeType.TEXT), int(NodeType.CDATA), int(NodeType.COMMENT)
_DOCUMENT, _DOCUMENT_TYPE = int(NodeType.DOCUMENT), int(NodeType.DOCUMENT_TYPE)
_BLOCK = Level.BLOCK
_DOCTYPE_KEYS = ("name", "publicId", "systemId")
_COMPAT_MODES = ("BackCompat", "CSS1Compat")

# What the writer makes of an element: its level, tag, secrecy, the JSON that opens it (up to its
# children), the masker of the text under it, and whether it is in a typed region (its children are).
Element = tuple[Level, str, bool, str, Callable[[str], str], bool]


class MalformedNode(ValueError):
    """A serialized node that does not have rrweb-snapshot's shape."""


class NodeWriter:
    """The one node writer: each node kind as JSON text, in rrweb's key order with the id last (a
    snapshot is long runs of near-identical nodes, and an id up front would break each run gzip
    could match: ~12% more bytes on the wire).

    ``extra`` is a node's rare fields: ``{isSVG, isCustom, isShadowHost, isShadow, rootId,
    veilMatch, veilSize}`` (any subset), or None.
    """

    def __init__(self, scrub: bool, echoes: Echoes | None = None, site: SiteText | None = None) -> None:
        self.scrub = scrub
        self.echoes = echoes
        self.site = site or None  # the site-text list (an empty list is no list)
        self._elements: dict[tuple[Any, ...], Element] = {}
        self._generation = -1
        self._active: Echoes | None = None  # ``echoes`` once it holds anything: until then no rule reads it
        self._check_echoes()

    def _check_echoes(self) -> None:
        """Empty the cache when the echo memory changed (the masked attributes it holds were judged
        with fewer echoes)."""
        echoes = self.echoes
        if echoes is not None and self._generation != echoes.generation:
            self._elements.clear()
            self._generation = echoes.generation
            self._active = echoes if echoes else None

    @property
    def active_echoes(self) -> Echoes | None:
        """The echo memory the rules read now (None while it is empty: nothing to look for)."""
        self._check_echoes()
        return self._active

    def element(self, tag: Any, attributes: Any, parent_level: Level, extra: Any, secret: bool, surface: bool = False,
                typed: bool = False) -> Element:
        """An element; ``secret``: its id was ever a forced secret (once a secret, always one);
        ``surface``: it is a typing surface (recorded at ``mask`` at least); ``typed``: its parent
        is in a typed region."""
        if surface or typed:
            return self._element(tag, attributes, parent_level, extra, secret, surface, typed)
        if self.echoes is not None and self._generation != self.echoes.generation:
            self._check_echoes()
        # Elements that differ only in id are the bulk of a page: for the common shapes (no rare
        # fields; no attribute, or one whose value is a plain string) what the rules make of one is
        # reused. The key holds every argument, so no rule can read an input the key misses.
        if extra is None and type(attributes) is dict and type(tag) is str:
            key: tuple[Any, ...] | None = None
            if not attributes:
                key = (tag, parent_level, secret)
            elif len(attributes) == 1:
                (item,) = attributes.items()
                if type(item[1]) is str:
                    key = (tag, parent_level, secret, item)
            if key is not None:
                cached = self._elements.get(key)
                if cached is None:
                    cached = self._elements[key] = self._element(tag, attributes, parent_level, None, secret)
                return cached
        return self._element(tag, attributes, parent_level, extra, secret)

    def _element(self, tag: Any, attributes: Any, parent_level: Level, extra: Any, secret: bool, surface: bool = False,
                 typed: bool = False) -> Element:
        if type(tag) is not str or type(attributes) is not dict:
            raise MalformedNode("element without tagName or attributes")
        if extra is not None and type(extra) is not dict:
            raise MalformedNode("a row's rare fields are not an object")
        tag = tag.lower()
        flags = extra[MATCH_FLAGS_KEY] if extra and MATCH_FLAGS_KEY in extra else None
        level = element_level(parent_level, attributes, flags, surface)
        secret = secret or is_forced_secret(tag, attributes)
        typed = typed or surface or ("contenteditable" in attributes and is_editable(attributes))
        site = self.site
        masked = mask_attributes(tag, attributes, level, secret, self.scrub, extra[SIZE_KEY] if extra and SIZE_KEY in extra else None,
                                 self._active, site, typed)
        opening = f'{{"type":2,"tagName":{_string(tag)},"attributes":{_object_json(masked)},"childNodes":['
        return level, tag, secret, opening, text_masker(level, tag, self.scrub, secret, self._active, site, typed), typed

    @staticmethod
    def element_closing(node_id: int, extra: Any, level: Level) -> str:
        """The JSON that closes an element after its children."""
        return f']{_rare_fields(extra, True, level)},"id":{node_id}}}' if extra is not None else f'],"id":{node_id}}}'

    @staticmethod
    def text(node_id: int, text: Any, text_mask: Callable[[str], str], extra: Any) -> str:
        """A text node, its text through its parent's masker."""
        if type(text) is not str:
            text = ""
        rare = _rare_fields(extra) if extra is not None else ""
        return f'{{"type":3,"textContent":{_string(text_mask(text))}{rare},"id":{node_id}}}'

    def leaf(self, kind: Any, node_id: int, fields: list[Any], level: Level, extra: Any) -> str:
        """A comment, CDATA or doctype (``fields``: its text, or its name, publicId and systemId)."""
        rare = _rare_fields(extra) if extra is not None else ""
        if kind == _COMMENT:
            text = comment_text(fields[0], level, self.scrub, self._active) if type(fields[0]) is str else ""
            return f'{{"type":{_COMMENT},"textContent":{_string(text)}{rare},"id":{node_id}}}'
        if kind == _CDATA:
            return f'{{"type":{_CDATA},"textContent":""{rare},"id":{node_id}}}'
        if kind == _DOCUMENT_TYPE:
            if len(fields) < 3:
                raise MalformedNode("a doctype row without its name and identifiers")
            names = ",".join(f'"{key}":{_string(value if type(value) is str else "")}' for key, value in zip(_DOCTYPE_KEYS, fields[:3], strict=True))
            return f'{{"type":1,{names}{rare},"id":{node_id}}}'
        raise MalformedNode(f"unknown node type {kind!r}")

    @staticmethod
    def document(node_id: int, compat_mode: Any, extra: Any) -> tuple[str, str]:
        """A document: the JSON that opens it, and the JSON that closes it after its children."""
        compat = f',"compatMode":"{compat_mode}"' if compat_mode in _COMPAT_MODES else ""
        rare = _rare_fields(extra) if extra is not None else ""
        return '{"type":0,"childNodes":[', f']{compat}{rare},"id":{node_id}}}'


_CHOICE_TYPES = frozenset({"checkbox", "radio"})


def mark_typing_facts(table: NodeTable, node_id: int, tag: str, attributes: dict[str, Any]) -> None:
    """Enter in the table what the echo memory must know of an element: contenteditable (its text
    is typed), a checkbox or radio (its value is a choice among options shown in clear)."""
    if "contenteditable" in attributes and is_editable(attributes):
        table.mark_editable(node_id)
    if tag == "input":
        kind = attributes.get("type")
        if type(kind) is str and kind.strip().lower() in _CHOICE_TYPES:
            table.mark_choice(node_id)


def _rare_keys(src: dict[str, Any], element: bool, level: Level) -> dict[str, bool | int]:
    """The rarer keys a node keeps, in rrweb's order before the id: an element's flags (a block
    placeholder keeps only isSVG), then rootId and isShadow. Anything else is never written."""
    kept: dict[str, bool | int] = {}
    if element:
        for key in _ELEMENT_FLAGS:
            if key in src and src[key] is True and (level is not _BLOCK or key == "isSVG"):
                kept[key] = True
    if "rootId" in src and type(src["rootId"]) is int:
        kept["rootId"] = src["rootId"]
    if "isShadow" in src and src["isShadow"] is True:
        kept["isShadow"] = True
    return kept


def rare_fields_of(src: dict[str, Any]) -> dict[str, Any] | None:
    """A node object's rare fields, as a row carries them (None: it has none)."""
    found = {key: src[key] for key in _RARE_INPUTS if key in src}
    return found or None


# JSON for a masked attribute object: what json.dumps writes, and never NaN (not JSON).
_encode_object = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False, allow_nan=False).encode


def _object_json(values: dict[str, Any]) -> str:
    """An object as json.dumps writes it (no spaces, unicode as is); never NaN, which is not JSON."""
    if not values:
        return "{}"
    try:
        return "{" + ",".join([f"{_string(name)}:{_string(value)}" for name, value in values.items()]) + "}"
    except TypeError:  # a value that is not a string (a number, a flag): the encoder writes them all
        return _encode_object(values)


def _rare_fields(extra: Any, element: bool = False, level: Level = _BLOCK) -> str:
    """A row's rare-keys object, as the JSON members ``_rare_keys`` keeps, each led by a comma."""
    if type(extra) is not dict:
        raise MalformedNode("a row's rare fields are not an object")
    return "".join(f',"{key}":{"true" if value is True else value}' for key, value in _rare_keys(extra, element, level).items())
