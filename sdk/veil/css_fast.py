"""The CSS masker's fast path: one pass that decides the same edits as the exact (tinycss2) path.

Rules: it vouches for a text only when it understood all of it; anything else returns None and
the caller takes the exact path (``css``), which also decides every error (a text the exact path
would drop is never vouched for: a bad string or URL, an unmatched bracket, an invalid rule or
declaration, an unterminated comment all return None here). Long runs of rules and declarations
that need no edit (no comment, no ``url(``, no string but empty ones, in values; strings only in
attribute selectors, in preludes) are matched whole by compiled regular expressions (the standard
library's ``re``, C); Python steps in only where something may change or the structure is less
plain: at-rules, strings, URLs, comments, nested rules. It follows tinycss2 1.5.1's grammar:
the top level skips ``<!--``/``-->``; a block's contents are declarations (``ident : value`` up
to ``;``), nested rules (what fails to be a declaration and has a ``{}`` block) and at-rules.
Escapes outside strings, non-ASCII names, ``\\r``, ``\\f`` and NUL in the text, blocks nested in
values and every other rare construct are left to the exact path. The tests in
``tests/unit/test_css_fast.py`` and ``tests/property/test_css_fast_properties.py`` compare the
two paths on real stylesheets and generated ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tinycss2.tokenizer import _consume_quoted_string  # type: ignore[attr-defined]

from .css_edits import (
    NAME_PROPERTIES,
    RR_SPLIT_COMMENT,
    URL_AT_RULES,
    URL_FUNCTIONS,
    Edit,
    comment_spelling,
    string_spelling,
    url_spelling,
)
from .urls import scrub_url

Policy = Callable[[str], str]

# --- The plain CSS matched in C --------------------------------------------------------------------
_NAME = r"(?:--|-?[A-Za-z_])[A-Za-z0-9_-]*"
_NOT_URL = r"(?<![uU][rR][lL])"  # a '(' after "url" may start a URL token: never plain
_NOT_URL_FUNCTION = r"(?<![uU][rR][lL])(?<![sS][rR][cC])(?<![sS][eE][tT])"  # url(, src(, *image-set(


def _nested(inner: str, depth: int, guard: str) -> str:
    """Balanced parentheses up to ``depth`` deep, holding ``inner`` characters."""
    pattern = guard + r"\((?:" + inner + r")*+\)"
    for _ in range(depth):
        pattern = guard + r"\((?:" + inner + "|" + pattern + r")*+\)"
    return pattern


# A declaration's value: no string but an empty one, no comment, no block, no escape, no url(.
_VALUE_BRACKETS = r"""\[[^\[\](){}"'\\/;]*+\]"""
_VALUE_INNER = r"""[^;{}()\[\]"'\\/]++|/(?!\*)|""|''|""" + _VALUE_BRACKETS
_VALUE = r"(?:" + _VALUE_INNER + "|" + _nested(_VALUE_INNER, 3, _NOT_URL) + r")*+"
_DECLARATION = _NAME + r"[ \t\n]*+:" + _VALUE + r"(?:;|(?=\}|\Z))"
# A selector: strings only in attribute brackets (kept as written), no comment, escape or url(.
_PRELUDE_BRACKETS = r"""\[(?:[^\[\](){}"'\\/;]++|/(?!\*)|"[^"\\\n]*+"|'[^'\\\n]*+')*+\]"""
_PRELUDE_INNER = r"""[^(){}\[\]"'\\/;]++|/(?!\*)|""" + _PRELUDE_BRACKETS
_PRELUDE = r"""(?:[^{}()\[\]"'\\/;@<]++|/(?!\*)|""" + _PRELUDE_BRACKETS + "|" + _nested(_PRELUDE_INNER, 3, _NOT_URL_FUNCTION) + r")++"
_RULE = r"(?!-->)" + _PRELUDE + r"\{(?:[ \t\n;]++|" + _DECLARATION + r")*+\}"
# What needs no edit at the top of a stylesheet, and in a block's contents (a declaration-shaped
# "a: {" is a declaration with a block value in tinycss2, never a rule: left to Python).
_RULES_RUN = re.compile(r"(?:[ \t\n]++|" + _RULE + r")*+")
_ITEMS_RUN = re.compile(r"(?:[ \t\n;]++|" + _DECLARATION + r"|(?!" + _NAME + r"[ \t\n]*:[ \t\n]*\{)" + _RULE + r")*+")

# --- Tokens, where Python steps in -----------------------------------------------------------------
_UNUSUAL = re.compile(r"[\r\f\x00]")  # changed by CSS's preprocessing: positions would move
_WS = re.compile(r"[ \t\n]*")
_PLAIN = re.compile(r"""[^ \t\n/"'(){}\[\];\\]+""")
_STRING = re.compile(r"""("|')(?:(?!\1)[^\\\n]|\\[\s\S])*\1""")
_NAME_RE = re.compile(_NAME)
_NAME_BEFORE = re.compile(r"[A-Za-z0-9_-]+\Z")
_IDENT_START = re.compile(r"--|-?[A-Za-z_]")
_URL_TOKEN = re.compile(r"""[ \t\n]*([^"'()\\ \t\n\x00-\x08\x0b\x0e-\x1f\x7f]*)[ \t\n]*\)""")
_NAME_LOOKBACK = 64


class _Bail(Exception):
    """Not understood here: the exact path decides."""


def _keep(value: str) -> str:
    return value


# (kind, start, end, value, inside a URL function): "string", "url" or "comment".
_Event = tuple[str, int, int, str, bool]


class _Scanner:
    def __init__(self, text: str, strings: Policy) -> None:
        self.text = text
        self.n = len(text)
        self.strings = strings
        self.edits: list[Edit] = []

    # --- edits
    def edit(self, start: int, end: int, spelling: str) -> None:
        if self.text[start:end] != spelling:
            self.edits.append(Edit(start, end, spelling))

    def judge(self, events: list[_Event], strings: Policy) -> None:
        for kind, start, end, value, in_url in events:
            if kind == "comment":
                if self.text[start:end] != RR_SPLIT_COMMENT:
                    self.edit(start, end, comment_spelling(self.text, start))
            elif kind == "url":
                new = scrub_url(value)
                if new != value:
                    self.edit(start, end, url_spelling(new))
            else:
                new = (scrub_url if in_url else strings)(value)
                if new != value:
                    self.edit(start, end, string_spelling(new))

    def comment_end(self, pos: int) -> int:
        end = self.text.find("*/", pos + 2)
        if end == -1:
            raise _Bail  # unterminated
        return end + 2

    # --- structure
    def stylesheet(self) -> None:
        text, n, pos = self.text, self.n, 0
        while True:
            pos = _RULES_RUN.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= n:
                return
            if text.startswith("/*", pos):
                end = self.comment_end(pos)
                self.judge([("comment", pos, end, "", False)], _keep)
                pos = end
            elif text[pos] == "@":
                pos = self.at_rule(pos, nested=False)
            elif text.startswith("<!--", pos):
                pos += 4
            elif text.startswith("-->", pos):
                pos += 3
            else:
                pos = self.rule(pos)

    def contents(self, pos: int, top: bool) -> int:
        """A block's contents from ``pos``; returns the position after its ``}`` (the end, at top)."""
        text, n = self.text, self.n
        while True:
            pos = _ITEMS_RUN.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= n:
                if top:
                    return pos
                raise _Bail  # a block left open at the end: rare, left to the exact path
            c = text[pos]
            if c == "}":
                if top:
                    raise _Bail  # unmatched
                return pos + 1
            if text.startswith("/*", pos):
                end = self.comment_end(pos)
                self.judge([("comment", pos, end, "", False)], _keep)
                pos = end
            elif c == "@":
                pos = self.at_rule(pos, nested=not top)
            else:
                pos = self.item(pos, top)

    def rule(self, pos: int) -> int:
        """A qualified rule: its prelude (strings kept) up to its block, then the block."""
        end, term, events, _ = self.scan(pos)
        if term != "{":
            raise _Bail  # no block (an error), or a ';' in a top-level prelude
        self.judge(events, _keep)
        return self.contents(end + 1, top=False)

    def at_rule(self, pos: int, nested: bool) -> int:
        text = self.text
        m = _NAME_RE.match(text, pos + 1)
        if m is None:
            raise _Bail
        after = m.end()
        if after < self.n and (text[after] == "\\" or ord(text[after]) > 0x7F):
            raise _Bail
        end, term, events, _ = self.scan(after)
        self.judge(events, scrub_url if m.group().lower() in URL_AT_RULES else _keep)
        if term == ";":
            return end + 1
        if term == "{":
            return self.contents(end + 1, top=False)
        if term == "}" and not nested:
            raise _Bail  # unmatched
        return end  # ended by its block's end (or the text's): no block of its own

    def item(self, pos: int, top: bool) -> int:
        """What starts at ``pos`` in a block: a declaration if it is one, else a nested rule."""
        text, n = self.text, self.n
        m = _NAME_RE.match(text, pos)
        if m is not None:
            after = m.end()
            if after < n and (text[after] == "\\" or ord(text[after]) > 0x7F):
                raise _Bail
            if after < n and text[after] == "(":
                return self.rule(pos)  # a function first: not a declaration
            comments: list[_Event] = []
            p = _WS.match(text, after).end()  # type: ignore[union-attr]
            while text.startswith("/*", p):
                end = self.comment_end(p)
                comments.append(("comment", p, end, "", False))
                p = _WS.match(text, end).end()  # type: ignore[union-attr]
            if p < n and text[p] == ":":
                end, term, events, non_whitespace = self.scan(p + 1)
                if term == "{":
                    if not non_whitespace:
                        raise _Bail  # "a: {…}": a declaration whose value is a block
                    return self.rule(pos)
                self.judge(comments, _keep)
                self.judge(events, _keep if m.group().lower() in NAME_PROPERTIES else self.strings)
                return end + 1 if term == ";" else end
        return self.rule(pos)

    # --- tokens
    def scan(self, pos: int) -> tuple[int, str, list[_Event], bool]:
        """Component values from ``pos`` to the first ``;``, ``{`` or ``}`` outside brackets (or
        the end): (its position, which one or "", strings/URLs/comments met, whether any token
        but whitespace and comments was met)."""
        text, n = self.text, self.n
        events: list[_Event] = []
        closing: list[tuple[str, bool]] = []
        in_url = False
        non_whitespace = False
        while pos < n:
            c = text[pos]
            if c in " \t\n":
                pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            elif c == "/" and text.startswith("/*", pos):
                end = self.comment_end(pos)
                events.append(("comment", pos, end, "", False))
                pos = end
            elif c == '"' or c == "'":
                m = _STRING.match(text, pos)
                if m is None:
                    raise _Bail  # a newline or the end in a string: an error
                end = m.end()
                raw = text[pos + 1:end - 1]
                value = raw if "\\" not in raw else _consume_quoted_string(text, pos)[0]
                events.append(("string", pos, end, value, in_url))
                non_whitespace = True
                pos = end
            elif c == "(":
                non_whitespace = True
                name = self.function_name(pos)
                if name == "url":
                    p = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
                    if p >= n or text[p] not in "\"'":
                        u = _URL_TOKEN.match(text, pos + 1)
                        if u is None:
                            raise _Bail  # a bad URL, an escape in it, or the end
                        events.append(("url", pos - 3, u.end(), u.group(1), False))
                        pos = u.end()
                        continue
                closing.append((")", in_url))
                in_url = in_url or name in URL_FUNCTIONS
                pos += 1
            elif c == "[":
                non_whitespace = True
                closing.append(("]", in_url))
                pos += 1
            elif c == ")" or c == "]":
                if not closing or closing[-1][0] != c:
                    raise _Bail  # unmatched
                in_url = closing.pop()[1]
                pos += 1
            elif c == ";" and closing:
                pos += 1  # inside brackets, only a token
            elif c in "{};":
                if closing:
                    raise _Bail  # a block inside brackets
                return pos, c, events, non_whitespace
            elif c == "\\":
                raise _Bail
            else:
                non_whitespace = True
                m = _PLAIN.match(text, pos)
                pos = m.end() if m is not None else pos + 1
        if closing:
            raise _Bail
        return pos, "", events, non_whitespace

    def function_name(self, pos: int) -> str | None:
        """The lower-case name of the function whose ``(`` is at ``pos``, or None for a plain
        ``(`` (after no identifier, or after a number or dimension, as tinycss2 reads it)."""
        text = self.text
        low = max(0, pos - _NAME_LOOKBACK)
        m = _NAME_BEFORE.search(text, low, pos)
        start = m.start() if m is not None else pos
        if m is not None and start == low and low > 0:
            raise _Bail  # a name longer than the look-back
        previous = text[start - 1] if start > 0 else ""
        # What could make the name part of another token: an escape, a non-ASCII name, a hash, an
        # at-keyword, a unicode-range.
        if previous and (previous in "\\#@+" or ord(previous) > 0x7F):
            raise _Bail
        if m is None or not _IDENT_START.match(m.group()):
            return None
        return m.group().lower()


def edits(stylesheet: bool, css: str, strings: Policy) -> list[Edit] | None:
    """The edits of ``css`` (a stylesheet, else a block's contents: a style attribute) with
    displayed strings through ``strings``, or None when the exact path must decide."""
    if _UNUSUAL.search(css):
        return None
    scanner = _Scanner(css, strings)
    try:
        if stylesheet:
            scanner.stylesheet()
        else:
            scanner.contents(0, top=True)
    except (_Bail, RecursionError):
        return None
    scanner.edits.sort()
    return scanner.edits
