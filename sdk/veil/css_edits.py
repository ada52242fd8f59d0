"""What a masked CSS text is: the text as written, with edits. Shared by both paths of the CSS masker.

Rules: a masked text is its (preprocessed) source with three kinds of edits and nothing else:
a string whose value changes is written again as ``"…"`` (tinycss2's spelling of the new value),
a ``url(…)`` token whose URL changes is written again as ``url(…)``, and every comment but
rrweb-snapshot's ``/* rr_split */`` marker is removed (written as nothing where no two tokens
could join, else as an empty ``/**/``). An edit that writes what was there is no edit. Both the
exact path (``css``, tinycss2) and the fast path (``css_fast``) decide edits; this module spells
them, so the two can only differ in what they decide, which the differential tests compare.
"""

from __future__ import annotations

from typing import NamedTuple

from tinycss2.serializer import serialize_string_value, serialize_url

# rrweb-snapshot joins a <style>'s text nodes with this comment in _cssText (markCssSplits).
RR_SPLIT = " rr_split "
RR_SPLIT_COMMENT = "/*" + RR_SPLIT + "*/"
# Properties and descriptors whose strings name things (fonts, grid areas, OpenType features, a
# registered property's syntax, @font-face's format() and local()) rather than show text: kept at every level.
NAME_PROPERTIES = frozenset(
    """
    font-family font grid-template-areas grid-template grid font-feature-settings
    font-variation-settings font-language-override syntax -webkit-locale src
    """.split()
)
# Functions whose string arguments are URLs (at any depth inside them).
URL_FUNCTIONS = frozenset({"url", "src", "image-set", "-webkit-image-set"})
# At-rules whose prelude strings are URLs.
URL_AT_RULES = frozenset({"import", "namespace"})


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with ``spelling``."""

    start: int
    end: int
    spelling: str


def preprocess(css: str) -> str:
    """CSS Syntax's input preprocessing, as tinycss2 does it: edits are positions in this text."""
    return css.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def string_spelling(value: str) -> str:
    return f'"{serialize_string_value(value)}"'


def url_spelling(value: str) -> str:
    return f"url({serialize_url(value)})"


def comment_spelling(text: str, start: int) -> str:
    """What a removed comment starting at ``start`` is written as: nothing after a character that
    always ends a token on its own (so nothing before and after it can join), else ``/**/``."""
    if start == 0:
        return ""
    if text[start - 1] in "{};," and (start < 2 or text[start - 2] != "\\"):
        return ""
    return "/**/"


def apply(text: str, edits: list[Edit]) -> str:
    """``text`` with ``edits`` (in order, not overlapping) made."""
    out: list[str] = []
    at = 0
    for start, end, spelling in edits:
        out.append(text[at:start])
        out.append(spelling)
        at = end
    out.append(text[at:])
    return "".join(out)
