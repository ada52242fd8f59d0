"""Message files: the i18n catalogues a site ships (JSON), read as ICU MessageFormat.

Rules:
- A JSON file is a message file when its path says so (a folder named ``locales``, ``i18n``,
  ``lang``, ``messages``, ``translations``..., or a file named for a locale, ``en.json``,
  ``pt-BR.json``, or ``messages.json``) and every value in it is a string (nested objects and
  arrays of strings allowed; FormatJS's ``{"defaultMessage"}`` and the WebExtension ``{"message"}``
  entries read only that field). Any other JSON is data and is never read.
- A message's text is kept; ``{name}`` and ``{name, number}``-style arguments, i18next's
  ``{{name}}`` and ``$t(key)`` are slots; ``plural``, ``selectordinal`` and ``select`` arguments
  give one variant per option (``#`` a slot), at most ``MAX_VARIANTS`` per message; a rich-text
  tag (``<b>``, ``</b>``, ``<br/>``) is a boundary between two pieces; ICU's apostrophe quoting is
  honoured. A message that does not parse is kept as plain text only if it has no brace at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..sitetext import SLOT
from .collect import BREAK, Collected

MAX_VARIANTS = 64
_MESSAGE_FOLDERS = frozenset({"locales", "locale", "i18n", "l10n", "lang", "langs", "languages", "messages", "translations",
                              "translation", "intl", "nls", "_locales"})
_LOCALE_NAME = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{4})?(?:[-_](?:[A-Za-z]{2}|\d{3}))?")
_MESSAGE_NAMES = frozenset({"messages", "translation", "translations", "strings", "i18n"})
_TAG = re.compile(r"</?[A-Za-z][\w-]*\s*/?>")


class MessageSyntaxError(ValueError):
    pass


def is_message_path(path: Path) -> bool:
    """Whether ``path`` is named like a message file (its content decides the rest)."""
    stem = path.name.split(".")[0]
    folders = {p.lower() for p in path.parts[:-1]}
    return bool(folders & _MESSAGE_FOLDERS) or bool(_LOCALE_NAME.fullmatch(stem)) or stem.lower() in _MESSAGE_NAMES


def messages_of(value: Any) -> list[str] | None:
    """Every message in a parsed message file, or None when it is not one (a value that is not a
    string, an object or an array of them)."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            if isinstance(item.get("defaultMessage"), str):
                found.append(item["defaultMessage"])
            elif isinstance(item.get("message"), str) and set(item) <= {"message", "description", "placeholders"}:
                found.append(item["message"])
            else:
                stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            return None
    return found if isinstance(value, (dict, list)) and found else None


def extract_messages(messages: list[str], collected: Collected) -> int:
    """Keep what each message shows; returns how many did not parse."""
    failures = 0
    for message in messages:
        try:
            variants = icu_variants(message)
        except MessageSyntaxError:
            failures += 1
            if "{" not in message and "}" not in message:
                collected.add(message, True)
            continue
        for variant in variants:
            collected.add(variant, True)
    return failures


def icu_variants(message: str) -> list[str]:
    """The texts a message can show, each with SLOT for an argument and BREAK for a rich-text tag."""
    variants, end = _Parser(message).message(0, in_plural=False, top=True)
    if end != len(message):
        raise MessageSyntaxError("unbalanced }")
    return variants


class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text

    def message(self, i: int, in_plural: bool, top: bool = False) -> tuple[list[str], int]:
        s = self.s
        variants = [""]
        literal: list[str] = []

        def push(pieces: list[str]) -> None:
            nonlocal variants
            prefix = "".join(literal)
            literal.clear()
            variants = [v + prefix + p for v in variants for p in pieces][:MAX_VARIANTS]

        while i < len(s):
            c = s[i]
            if c == "'":
                i = self._apostrophe(i, in_plural, literal)
            elif c == "{":
                if s.startswith("{{", i):
                    end = s.find("}}", i + 2)
                    if end < 0:
                        raise MessageSyntaxError("unclosed {{")
                    literal.append(SLOT)
                    i = end + 2
                else:
                    pieces, i = self.argument(i)
                    push(pieces)
            elif c == "}":
                if top:
                    raise MessageSyntaxError("unbalanced }")
                break
            elif c == "#" and in_plural:
                literal.append(SLOT)
                i += 1
            elif c == "<" and (tag := _TAG.match(s, i)):
                literal.append(BREAK)
                i = tag.end()
            elif s.startswith("$t(", i):
                end = s.find(")", i)
                if end < 0:
                    raise MessageSyntaxError("unclosed $t(")
                literal.append(SLOT)
                i = end + 1
            else:
                literal.append(c)
                i += 1
        push([""])
        return variants, i

    def _apostrophe(self, i: int, in_plural: bool, literal: list[str]) -> int:
        s = self.s
        if s.startswith("''", i):
            literal.append("'")
            return i + 2
        if i + 1 < len(s) and (s[i + 1] in "{}" or (in_plural and s[i + 1] == "#")):
            end = s.find("'", i + 1)
            while end >= 0 and s.startswith("''", end):
                end = s.find("'", end + 2)
            if end < 0:
                literal.append(s[i + 1:].replace("''", "'"))
                return len(s)
            literal.append(s[i + 1:end].replace("''", "'"))
            return end + 1
        literal.append("'")
        return i + 1

    def argument(self, i: int) -> tuple[list[str], int]:
        """An argument from its "{": a slot, or the variants of a plural/select."""
        s = self.s
        close = self._skip_name(i + 1)
        if close < len(s) and s[close] == "}":
            return [SLOT], close + 1
        if close >= len(s) or s[close] != ",":
            raise MessageSyntaxError("bad argument")
        kind_end = self._skip_name(close + 1)
        kind = s[close + 1:kind_end].strip()
        if kind in ("plural", "selectordinal", "select"):
            if kind_end >= len(s) or s[kind_end] != ",":
                raise MessageSyntaxError(f"{kind} without options")
            return self._options(kind_end + 1, kind != "select")
        depth, j = 1, close
        while j + 1 < len(s) and depth:  # a formatted argument ({n, number, ::currency/EUR}): one slot
            j += 1
            depth += {"{": 1, "}": -1}.get(s[j], 0)
        if depth:
            raise MessageSyntaxError("unclosed argument")
        return [SLOT], j + 1

    def _skip_name(self, i: int) -> int:
        s = self.s
        while i < len(s) and s[i] not in ",}{":
            i += 1
        return i

    def _options(self, i: int, plural: bool) -> tuple[list[str], int]:
        s = self.s
        found: list[str] = []
        while True:
            while i < len(s) and s[i].isspace():
                i += 1
            if i >= len(s):
                raise MessageSyntaxError("unclosed options")
            if s[i] == "}":
                if not found:
                    raise MessageSyntaxError("no options")
                return found[:MAX_VARIANTS], i + 1
            start = i
            while i < len(s) and not s[i].isspace() and s[i] != "{":
                i += 1
            selector = s[start:i]
            if selector.startswith("offset:"):
                continue
            while i < len(s) and s[i].isspace():
                i += 1
            if i >= len(s) or s[i] != "{":
                raise MessageSyntaxError("an option without its message")
            variants, i = self.message(i + 1, in_plural=plural)
            if i >= len(s) or s[i] != "}":
                raise MessageSyntaxError("unclosed option")
            i += 1
            found.extend(variants)
