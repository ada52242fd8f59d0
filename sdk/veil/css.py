"""The one CSS text masker: every CSS that leaves the page goes through here.

Rules: what a CSS text becomes is decided on its CSS Syntax Level 3 tokens, never on its
characters: the exact path parses it with tinycss2; the fast path (``css_fast``) is a one-pass
scanner that decides the same edits for the CSS it fully understands and hands everything else
(escapes outside strings, unusual structure, anything tinycss2 would call an error) to the exact
path; differential and property tests hold the two equal. The masked text is the text as written
with edits (``css_edits``): strings and ``url()`` tokens rewritten, comments removed; when nothing
had to change, the text is returned as it was written. Used for stylesheets (a ``<style>``'s or
``<link>``'s ``_cssText``, a ``<style>``'s text, a rule inserted by ``insertRule``, the text of
``replace``/``replaceSync``), ``style`` attributes, and property values set by ``setProperty``.

- ``block``: nothing (None): a blocked element's own styles are never recorded.
- Every level: each ``url()`` and each URL given as a string (``@import "…"``, ``url("…")``,
  ``src("…")``, ``image-set("…")``, ``@namespace``) is scrubbed like any other URL (``urls``).
- ``mask``: every string in a declaration's value becomes ``*`` (whitespace and length kept), in
  ``content:`` and in custom properties (``--x: "…"``) alike, except in the few properties whose
  strings are names, not text (``font-family``, grid areas, font features: ``NAME_PROPERTIES``).
  Strings in selectors and at-rule preludes are structure and kept.
- ``mask-user-input`` and ``allow``: strings recorded, with the PII scrubber run over them.
- Comments are dropped (they are not needed to replay), except rrweb-snapshot's ``/* rr_split */``
  markers, which tell the Replayer how a ``<style>``'s text was split into text nodes.
- Fail closed: CSS that does not parse cleanly (any tinycss2 ``ParseError``: a bad string or URL,
  an invalid declaration) or that raises is dropped whole (None) and counted (``take_failures``);
  the raw text is never returned.
- Caches hold masked output only, keyed by every input it depends on: per page view, every text
  (bounded by count and by characters); for the visit, large stylesheets' masked text by a digest
  of (text, kind, level, scrub, ``MASKER_VERSION``) in ``css_cache``, which the worker keeps across
  page views (bounded there too) and ``Veil.stop()`` clears.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import lru_cache

import tinycss2
from tinycss2 import ast
from tinycss2.tokenizer import _consume_ident, _consume_quoted_string, _consume_url  # type: ignore[attr-defined]

from . import css_cache, css_fast
from .css_edits import (
    NAME_PROPERTIES,
    RR_SPLIT,
    URL_AT_RULES,
    URL_FUNCTIONS,
    Edit,
    apply,
    comment_spelling,
    preprocess,
    string_spelling,
    url_spelling,
)
from .levels import Level
from .text import clear_text, mask_text
from .urls import scrub_url

__all__ = ["RR_SPLIT", "NAME_PROPERTIES", "mask_stylesheet", "mask_declarations", "mask_property", "stylesheet_masker", "take_failures"]

# What a piece of CSS is: how it is parsed.
STYLESHEET = "stylesheet"  # rules: _cssText, <style> text, insertRule, replace/replaceSync
DECLARATIONS = "declarations"  # a style attribute: a block's contents
PROPERTY = "property"  # one property's value (setProperty): a list of component values

# The masker's version: part of every visit-cache key, so a change in what the masker makes of a
# text never meets an older masked text. Bump it with any change of the rules' output.
MASKER_VERSION = "2"

Policy = Callable[[str], str]

_failures = 0
_stats = {"masked": 0, "reused": 0}


class Unparsable(ValueError):
    """CSS that tinycss2 could not parse cleanly: dropped, never sent raw."""


def take_failures() -> int:
    """How many CSS texts were dropped since the last call: every drop, a cached one included."""
    global _failures
    count, _failures = _failures, 0
    return count


def take_stats() -> dict[str, int]:
    """Large CSS texts (``LARGE_CSS_CHARS``) masked from scratch, and reused from the visit's
    cache, since the last call."""
    out = dict(_stats)
    _stats["masked"] = _stats["reused"] = 0
    return out


def _keep(value: str) -> str:
    return value


def text_policy(level: Level, scrub: bool) -> Policy:
    """What a displayed string becomes at ``level``."""
    if level is Level.MASK:
        return mask_text
    return lambda value: clear_text(value, scrub)


class _Exact:
    """The exact path: one pass over tinycss2's parse of a text, collecting its edits.

    Strings and URLs are judged where the parse puts them (a declaration's value, a selector, an
    at-rule's prelude, a URL function); comments are found in the raw tokens, wherever the parser
    put or dropped them; a string or URL token the parse did not reach is an error (never sent
    unjudged)."""

    def __init__(self, text: str, level: Level, scrub: bool) -> None:
        self.text = text
        self.strings = text_policy(level, scrub)
        self.lines = [0]
        at = text.find("\n")
        while at != -1:
            self.lines.append(at + 1)
            at = text.find("\n", at + 1)
        self.judged: set[int] = set()
        self.edits: list[Edit] = []

    def offset(self, token: ast.Node) -> int:
        return self.lines[token.source_line - 1] + token.source_column - 1

    def tokens(self, tokens: Iterable[ast.Node], strings: Policy) -> None:
        """Component values: URLs scrubbed, strings through ``strings``."""
        for token in tokens:
            if token.type == "error":
                raise Unparsable(getattr(token, "kind", "error"))
            if isinstance(token, ast.URLToken):
                self.judged.add(id(token))
                value = scrub_url(token.value)
                if value != token.value:
                    start = self.offset(token)
                    _, after_name = _consume_ident(self.text, start)
                    _, end, _ = _consume_url(self.text, after_name + 1)
                    self.edits.append(Edit(start, end, url_spelling(value)))
            elif isinstance(token, ast.StringToken):
                self.judged.add(id(token))
                value = strings(token.value)
                if value != token.value:
                    start = self.offset(token)
                    self.edits.append(Edit(start, _consume_quoted_string(self.text, start)[1], string_spelling(value)))
            elif isinstance(token, ast.FunctionBlock):
                self.tokens(token.arguments, scrub_url if token.lower_name in URL_FUNCTIONS else strings)
            elif isinstance(token, (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)):
                self.tokens(token.content, strings)

    def nodes(self, nodes: Iterable[ast.Node]) -> None:
        """Rules, at-rules and declarations (a stylesheet, a block's contents)."""
        for node in nodes:
            if isinstance(node, ast.QualifiedRule):
                self.tokens(node.prelude, _keep)
                self.block(node.content)
            elif isinstance(node, ast.AtRule):
                self.tokens(node.prelude, scrub_url if node.lower_at_keyword in URL_AT_RULES else _keep)
                if node.content is not None:
                    self.block(node.content)
            elif isinstance(node, ast.Declaration):
                self.tokens(node.value, _keep if node.lower_name in NAME_PROPERTIES else self.strings)
            elif node.type not in ("whitespace", "comment"):  # a ParseError, or a token where a rule or declaration belongs
                raise Unparsable(node.type)

    def block(self, content: list[ast.Node]) -> None:
        """A {} block's contents: declarations, nested rules and at-rules (CSS nesting)."""
        self.nodes(tinycss2.parse_blocks_contents(content, skip_comments=False))

    def raw(self, tokens: Iterable[ast.Node]) -> None:
        """Every comment removed (but rrweb's split marker); every string and URL judged."""
        for token in tokens:
            kind = token.type
            if kind == "comment":
                if isinstance(token, ast.Comment) and token.value != RR_SPLIT:
                    start = self.offset(token)
                    end = self.text.find("*/", start + 2)
                    end = len(self.text) if end == -1 else end + 2
                    self.edits.append(Edit(start, end, comment_spelling(self.text, start)))
            elif kind in ("string", "url"):
                if id(token) not in self.judged:
                    raise Unparsable("a string or URL the parse did not reach")
            elif kind == "error":
                raise Unparsable(getattr(token, "kind", "error"))
            elif isinstance(token, ast.FunctionBlock):
                self.raw(token.arguments)
            elif isinstance(token, (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)):
                self.raw(token.content)


def exact_edits(kind: str, text: str, level: Level, scrub: bool, name: str = "") -> list[Edit]:
    """The edits of ``text`` (preprocessed) decided on tinycss2's parse; raises on CSS that does
    not parse cleanly. ``name``: the property of a PROPERTY value."""
    exact = _Exact(text, level, scrub)
    tokens = tinycss2.parse_component_value_list(text, skip_comments=False)
    if kind == STYLESHEET:
        exact.nodes(tinycss2.parse_stylesheet(tokens, skip_comments=False))
    elif kind == DECLARATIONS:
        exact.nodes(tinycss2.parse_blocks_contents(tokens, skip_comments=False))
    else:
        exact.tokens(tokens, _keep if name in NAME_PROPERTIES else exact.strings)
    exact.raw(tokens)
    exact.edits.sort()
    return [e for e in exact.edits if text[e.start:e.end] != e.spelling]


def _masked_by(edits_of: Callable[[str], list[Edit]], css: str) -> str:
    text = preprocess(css)
    edits = edits_of(text)
    return apply(text, edits) if edits else css


def _failed() -> None:
    """Count one dropped CSS text. Counted where the (cached) answer is read, not where it is
    made: a text that failed once is dropped again every time it repeats, and each drop counts."""
    global _failures
    _failures += 1


def mask_exact(kind: str, css: str, level: Level, scrub: bool = True, name: str = "") -> str | None:
    """``css`` masked by the exact path alone (tinycss2), uncached; None: dropped (counted by the
    reader of the answer, see ``_failed``)."""
    if level is Level.BLOCK:
        return None
    try:
        return _masked_by(lambda text: exact_edits(kind, text, level, scrub, name), css)
    except Exception:  # noqa: BLE001 - fail closed: CSS that cannot be judged is dropped, never sent raw
        return None


def mask_uncached(kind: str, css: str, level: Level, scrub: bool = True) -> str | None:
    """``css`` masked, uncached: the fast path when it vouches for the text, else the exact one."""
    if level is Level.BLOCK:
        return None
    if kind != PROPERTY:
        try:
            edits = css_fast.edits(kind == STYLESHEET, css, text_policy(level, scrub))
        except Exception:  # noqa: BLE001 - a fault in the fast path leaves the text to the exact one
            edits = None
        if edits is not None:
            return apply(css, edits) if edits else css
    return mask_exact(kind, css, level, scrub)


# Results are cached for the page view (pages repeat their style attributes, and every full
# snapshot inlines the same stylesheets again): many small texts by count, large ones (those the
# visit's cache keeps too) by their characters, so the worker's memory (which only grows) holds a
# bounded amount of CSS.
LARGE_CSS_CHARS = css_cache.VISIT_MIN_CHARS
LARGE_CACHE_CHARS = 8 * 1024 * 1024  # texts and their masked forms, counted together

_Key = tuple[str, str, Level, bool]
_large: OrderedDict[_Key, str | None] = OrderedDict()
_large_chars = 0


def _remember_large(key: _Key, masked: str | None) -> None:
    global _large_chars
    size = len(key[1]) + len(masked or "")
    if size > LARGE_CACHE_CHARS:
        return
    _large[key] = masked
    _large_chars += size
    while _large_chars > LARGE_CACHE_CHARS:
        old, old_masked = _large.popitem(last=False)
        _large_chars -= len(old[1]) + len(old_masked or "")


def _masked_large(kind: str, css: str, level: Level, scrub: bool) -> str | None:
    key = (kind, css, level, scrub)
    if key in _large:
        _large.move_to_end(key)
        return _large[key]
    digest = css_cache.digest(MASKER_VERSION, kind, css, level.value, scrub)
    masked = css_cache.visit.get(digest)
    if masked is not None:
        _stats["reused"] += 1
    else:
        masked = mask_uncached(kind, css, level, scrub)
        _stats["masked"] += 1
        if masked is not None:
            css_cache.visit.put(digest, masked)
    _remember_large(key, masked)
    return masked


def clear_caches() -> None:
    """Forget every masked text (Veil.stop(): the visit's cache goes with the recording)."""
    global _large_chars
    _large.clear()
    _large_chars = 0
    _masked_small.cache_clear()
    _property.cache_clear()
    css_cache.visit.clear()


_masked_small = lru_cache(maxsize=1024)(mask_uncached)


def _masked(kind: str, css: str, level: Level, scrub: bool) -> str | None:
    masked = (_masked_large if len(css) > LARGE_CSS_CHARS else _masked_small)(kind, css, level, scrub)
    if masked is None and level is not Level.BLOCK:
        _failed()
    return masked


def mask_stylesheet(css: str, level: Level, scrub: bool = True) -> str | None:
    """A stylesheet's text (or one rule's) masked for ``level``; None: record none of it."""
    return _masked(STYLESHEET, css, level, scrub)


def mask_declarations(css: str, level: Level, scrub: bool = True) -> str | None:
    """A ``style`` attribute's declarations masked for ``level``; None: record none of it."""
    return _masked(DECLARATIONS, css, level, scrub)


def mask_property(name: str, value: str, level: Level, scrub: bool = True) -> str | None:
    """The value ``setProperty(name, value)`` sets, masked for ``level``; None: record none of it."""
    masked = _property(name.strip().lower(), value, level, scrub)
    if masked is None and level is not Level.BLOCK:
        _failed()
    return masked


@lru_cache(maxsize=512)
def _property(name: str, value: str, level: Level, scrub: bool) -> str | None:
    return mask_exact(PROPERTY, value, level, scrub, name)


def stylesheet_masker(level: Level, scrub: bool = True) -> Callable[[str], str]:
    """The masker of a ``<style>``'s text nodes: its stylesheet text masked, or "" when dropped."""
    return lambda text: mask_stylesheet(text, level, scrub) or ""
