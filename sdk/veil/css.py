"""The one CSS text masker: every CSS that leaves the page goes through here.

Rules: CSS is parsed with tinycss2 (a CSS Syntax Level 3 tokenizer and parser), rewritten token by
token and serialized again by tinycss2 (or, when nothing in it had to change, returned as it was
written); it is never matched with regular expressions. Used for
stylesheets (a ``<style>``'s or ``<link>``'s ``_cssText``, a ``<style>``'s text, a rule inserted by
``insertRule``, the text of ``replace``/``replaceSync``), ``style`` attributes, and property values
set by ``setProperty``.

- ``block``: nothing (None): a blocked element's own styles are never recorded.
- Every level: each ``url()`` and each URL given as a string (``@import "…"``, ``url("…")``,
  ``src("…")``, ``image-set("…")``, ``@namespace``) is scrubbed like any other URL (``urls``).
- ``mask``: every string in a declaration's value becomes ``*`` (whitespace and length kept), in
  ``content:`` and in custom properties (``--x: "…"``) alike, except in the few properties whose
  strings are names, not text (``font-family``, grid areas, font features: ``_NAME_PROPERTIES``).
  Strings in selectors and at-rule preludes are structure and kept.
- ``mask-user-input`` and ``allow``: strings recorded, with the PII scrubber run over them.
- Comments are dropped (they are not needed to replay), except rrweb-snapshot's ``/* rr_split */``
  markers, which tell the Replayer how a ``<style>``'s text was split into text nodes.
- Fail closed: CSS that does not parse cleanly (any tinycss2 ``ParseError``: a bad string or URL,
  an invalid declaration) or that raises is dropped whole (None) and counted (``take_failures``);
  the raw text is never returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

import tinycss2
from tinycss2 import ast
from tinycss2.serializer import serialize_string_value, serialize_url

from .levels import Level
from .text import clear_text, mask_text
from .urls import scrub_url

# rrweb-snapshot joins a <style>'s text nodes with this comment in _cssText (markCssSplits).
RR_SPLIT = " rr_split "
# Properties and descriptors whose strings name things (fonts, grid areas, OpenType features, a
# registered property's syntax, @font-face's format() and local()) rather than show text: kept at every level.
_NAME_PROPERTIES = frozenset(
    """
    font-family font grid-template-areas grid-template grid font-feature-settings
    font-variation-settings font-language-override syntax -webkit-locale src
    """.split()
)
# Functions whose string arguments are URLs.
_URL_FUNCTIONS = frozenset({"url", "src", "image-set", "-webkit-image-set"})
# At-rules whose prelude strings are URLs.
_URL_AT_RULES = frozenset({"import", "namespace"})

Policy = Callable[[str], str]

_failures = 0


class Unparsable(ValueError):
    """CSS that tinycss2 could not parse cleanly: dropped, never sent raw."""


def take_failures() -> int:
    """How many CSS texts were dropped since the last call: every drop, a cached one included."""
    global _failures
    count, _failures = _failures, 0
    return count


def _keep(value: str) -> str:
    return value


def _text_policy(level: Level, scrub: bool) -> Policy:
    """What a displayed string becomes at ``level``."""
    if level is Level.MASK:
        return mask_text
    return lambda value: clear_text(value, scrub)


class _Rewriter:
    """One masking pass over parsed CSS at one level."""

    def __init__(self, level: Level, scrub: bool) -> None:
        self.text = _text_policy(level, scrub)
        # Whether anything was rewritten or left out: if not, the original text is returned as it
        # was (what tinycss2 skips without a node, CDO/CDC and stray semicolons, carries no text).
        self.changed = False

    def tokens(self, tokens: Iterable[ast.Node], strings: Policy) -> list[ast.Node]:
        """Component values with URLs scrubbed and strings through ``strings``."""
        out: list[ast.Node] = []
        for token in tokens:
            kind = token.type
            if kind == "comment":
                if isinstance(token, ast.Comment) and token.value == RR_SPLIT:
                    out.append(token)
                else:
                    self.changed = True
            elif kind == "error":
                raise Unparsable(getattr(token, "kind", "error"))
            elif isinstance(token, ast.URLToken):
                value = scrub_url(token.value)
                if value != token.value:
                    self.changed = True
                    token = ast.URLToken(token.source_line, token.source_column, value, f"url({serialize_url(value)})")
                out.append(token)
            elif isinstance(token, ast.StringToken):
                value = strings(token.value)
                if value != token.value:
                    self.changed = True
                    token = _string(token, value)
                out.append(token)
            elif isinstance(token, ast.FunctionBlock):
                inner = scrub_url if token.lower_name in _URL_FUNCTIONS else strings
                out.append(ast.FunctionBlock(token.source_line, token.source_column, token.name, self.tokens(token.arguments, inner)))
            elif isinstance(token, ast.ParenthesesBlock):
                out.append(ast.ParenthesesBlock(token.source_line, token.source_column, self.tokens(token.content, strings)))
            elif isinstance(token, ast.SquareBracketsBlock):
                out.append(ast.SquareBracketsBlock(token.source_line, token.source_column, self.tokens(token.content, strings)))
            elif isinstance(token, ast.CurlyBracketsBlock):
                out.append(ast.CurlyBracketsBlock(token.source_line, token.source_column, self.tokens(token.content, strings)))
            else:
                out.append(token)
        return out

    def declaration_strings(self, name: str) -> Policy:
        """The policy for the strings of a declaration of ``name`` (lower case)."""
        return _keep if name in _NAME_PROPERTIES else self.text

    def nodes(self, nodes: Iterable[ast.Node]) -> list[ast.Node]:
        """Rules, at-rules and declarations (a stylesheet, a block's contents), rewritten."""
        out: list[ast.Node] = []
        for node in nodes:
            if isinstance(node, ast.QualifiedRule):
                prelude = self.tokens(node.prelude, _keep)
                out.append(ast.QualifiedRule(node.source_line, node.source_column, prelude, self.block(node.content)))
            elif isinstance(node, ast.AtRule):
                keyword = node.lower_at_keyword
                prelude = self.tokens(node.prelude, scrub_url if keyword in _URL_AT_RULES else _keep)
                content = None if node.content is None else self.block(node.content)
                out.append(ast.AtRule(node.source_line, node.source_column, node.at_keyword, keyword, prelude, content))
            elif isinstance(node, ast.Declaration):
                value = self.tokens(node.value, self.declaration_strings(node.lower_name))
                out.append(ast.Declaration(node.source_line, node.source_column, node.name, node.lower_name, value, node.important))
            elif node.type == "whitespace":
                out.append(node)
            elif node.type == "comment":
                if isinstance(node, ast.Comment) and node.value == RR_SPLIT:
                    out.append(node)
                else:
                    self.changed = True
            else:  # a ParseError, or a token where a rule or declaration belongs
                raise Unparsable(node.type)
        return out

    def block(self, content: list[ast.Node]) -> list[ast.Node]:
        """A {} block's contents: declarations, nested rules and at-rules (CSS nesting)."""
        return self.nodes(tinycss2.parse_blocks_contents(content, skip_comments=False))


def _string(token: ast.StringToken, value: str) -> ast.StringToken:
    return ast.StringToken(token.source_line, token.source_column, value, f'"{serialize_string_value(value)}"')


# What a piece of CSS is: how it is parsed.
STYLESHEET = "stylesheet"  # rules: _cssText, <style> text, insertRule, replace/replaceSync
DECLARATIONS = "declarations"  # a style attribute: a block's contents


# Results are cached (pages repeat their style attributes, and every full snapshot inlines the
# same stylesheets again), in two bounds: many small texts, and a few large ones, so the cache
# never holds more than a few stylesheets (the worker's memory only grows).
LARGE_CSS_CHARS = 16 * 1024


def _masked(kind: str, css: str, level: Level, scrub: bool) -> str | None:
    masked = (_masked_large if len(css) > LARGE_CSS_CHARS else _masked_small)(kind, css, level, scrub)
    if masked is None and level is not Level.BLOCK:
        _failed()
    return masked


def _failed() -> None:
    """Count one dropped CSS text. Counted where the (cached) answer is read, not where it is
    made: a text that failed once is dropped again every time it repeats, and each drop counts."""
    global _failures
    _failures += 1


def _mask_uncached(kind: str, css: str, level: Level, scrub: bool) -> str | None:
    if level is Level.BLOCK:
        return None
    try:
        rewriter = _Rewriter(level, scrub)
        if kind == STYLESHEET:
            nodes = rewriter.nodes(tinycss2.parse_stylesheet(css, skip_comments=False))
        else:
            nodes = rewriter.nodes(tinycss2.parse_blocks_contents(css, skip_comments=False))
        return tinycss2.serialize(nodes) if rewriter.changed else css
    except Exception:  # noqa: BLE001 - fail closed: CSS that cannot be judged is dropped, never sent raw
        return None  # counted by the caller, every time (_failed)


_masked_small = lru_cache(maxsize=1024)(_mask_uncached)
_masked_large = lru_cache(maxsize=8)(_mask_uncached)


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
    if level is Level.BLOCK:
        return None
    try:
        rewriter = _Rewriter(level, scrub)
        tokens = rewriter.tokens(tinycss2.parse_component_value_list(value, skip_comments=False), rewriter.declaration_strings(name))
        return tinycss2.serialize(tokens) if rewriter.changed else value
    except Exception:  # noqa: BLE001 - fail closed, as _masked
        return None  # counted by the caller, every time (_failed)


def stylesheet_masker(level: Level, scrub: bool = True) -> Callable[[str], str]:
    """The masker of a ``<style>``'s text nodes: its stylesheet text masked, or "" when dropped."""
    return lambda text: mask_stylesheet(text, level, scrub) or ""
