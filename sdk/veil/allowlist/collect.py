"""What the extractor keeps: pieces of text found in the site's files become the list's strings and
templates.

Rules:
- A piece is text as it would stand in one text node or attribute of the page, with ``SLOT`` where
  a placeholder is filled in (a template literal's ``${…}``, a server template's ``{{ … }}``, an
  ICU ``{name}``) and ``BREAK`` where the page would split it into separate nodes (an element, a
  rich-text tag, a template's control tag). Adjacent slots are one slot.
- A piece with no slot is a string, one with slots a template; both are normalized as the runtime
  matches them (``veil.sitetext``) and must pass its checks: 2 characters or more, no PII, no URL,
  slots never glued to a letter or digit. Each also needs a letter: numbers and symbols alone are
  too often the visitor's own data (an amount, an order number, a year).
- Pieces from places that hold UI text by construction (HTML text and the content attributes, JSX
  text, createElement/jsx children and UI props, message files) are kept as they are. Any other
  string literal of a script is kept only when it reads like words, not code: a single lowercase
  or camelCase token, a dotted or kebab-case name, a class list, CSS or a MIME type is left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..sitetext import SLOT, document, normalize, string_problem, template_problem

BREAK = "\ue001"
_SLOTS = re.compile(SLOT + r"(?:\s*" + SLOT + r")*")

# A single token that is a word of the page: Capitalized, an ACRONYM, or letters of any script
# that are not plain lowercase ASCII; with an optional closing punctuation mark.
_WORD_TOKEN = re.compile(r"(?:[A-Z][a-z'’]+|[A-Z]{2,}|(?=[^\x00-\x7f])[^\W\d_][^\W\d_'’-]*)(?:-[A-Za-z]+)?[.:!?…]?")
# Tokens of a class list, a CSS value or a key path: lowercase with separators.
_CODE_TOKEN = re.compile(r"[-_:/.#]?[a-z0-9]+(?:[-_:/.#][a-z0-9]*)*")
_SEPARATED = re.compile(r"[a-z0-9][-_:/.#]|[-_:/.#][a-z0-9]")
_CODE_CHARS = frozenset("{};=<>\\`|$")
_DIRECTIVES = frozenset({"use strict", "use client", "use server", "use asm"})
_IDENTIFIER = re.compile(r"[a-z][A-Za-z0-9]*|[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*")
_CAMEL = re.compile(r"[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*")
# Words prose is made of: a lowercase string holding none of them is a list of names.
_FUNCTION_WORDS = frozenset("""a an the of to in on at by for from with and or but not no is are was be been it its
    this that these those you your we our they their he she his her i my me as if than then so do does can will
    """.split())


def looks_like_code(text: str) -> bool:
    """True for a script string that reads like code rather than words (see the module's rules)."""
    if text in _DIRECTIVES or any(c in _CODE_CHARS for c in text):
        return True
    tokens = text.replace(SLOT, " ").split()
    if not tokens:
        return True
    if len(tokens) == 1:
        return not _WORD_TOKEN.fullmatch(tokens[0])
    # Several tokens: code when all are lowercase code tokens and one has a separator (a class
    # list "flex items-center", "text/html charset"), or when the first reads like a call or a
    # property ("foo(", "width:10px"). Lowercase prose ("items in your cart") is words.
    if all(_CODE_TOKEN.fullmatch(t) for t in tokens) and any(_SEPARATED.search(t) for t in tokens):
        return True
    # A list of names ("click keydown keyup", "abort auxClick canPlay"): identifiers, one of them
    # camelCase or none of them a word prose is made of.
    if all(_IDENTIFIER.fullmatch(t) for t in tokens) and (
        any(_CAMEL.fullmatch(t) for t in tokens) or (len(tokens) >= 3 and not _FUNCTION_WORDS.intersection(tokens))
    ):
        return True
    return bool(re.match(r"[\w$]+\(|[a-z-]+:\S", tokens[0]))


def has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)


@dataclass
class Collected:
    """Everything kept from the files read, and what was read or skipped."""

    strings: set[str] = field(default_factory=set)
    templates: set[tuple[str, ...]] = field(default_factory=set)
    files: Counter[str] = field(default_factory=Counter)  # files read, by kind
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    warnings: list[str] = field(default_factory=list)

    def add(self, text: str, ui: bool) -> None:
        """Keep what of ``text`` (SLOT and BREAK markers allowed) the rules allow; ``ui``: it comes
        from a place that holds UI text by construction."""
        for chunk in text.split(BREAK):
            self._add_one(chunk, ui)

    def _add_one(self, chunk: str, ui: bool) -> None:
        if SLOT not in chunk:
            text = normalize(chunk)
            if string_problem(text) is None and has_letter(text) and (ui or not looks_like_code(text)):
                self.strings.add(text)
            return
        text = normalize(_SLOTS.sub(SLOT, chunk))
        parts = text.split(SLOT)
        if len(parts) == 2 and not parts[0] and not parts[1]:
            return
        template = tuple(parts)
        static = "".join(parts)
        if template_problem(list(template)) is None and (ui or not looks_like_code(static)):
            self.templates.add(template)

    def document(self, generator: str) -> dict[str, object]:
        return document(self.strings, self.templates, generator)
