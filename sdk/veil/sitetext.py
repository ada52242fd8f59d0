"""The site-text allow-list: the words a site ships to every visitor, which ``mask`` may show.

Rules:
- A list is a versioned JSON object, ``{"format": "veil-site-text", "version": 1, "strings": [...],
  "templates": [[static, static, ...], ...]}``, written by ``python -m veil.allowlist`` from the
  site's sources and build output. A template's static parts stand around its slots (n parts, n-1
  slots): ``["Welcome back, ", "!"]`` is ``Welcome back, {}!``.
- Every entry is normalized (whitespace runs collapsed to one space, trimmed) and is checked when
  the list is loaded, whoever wrote it: at least 2 characters and a letter; nothing the PII
  scrubber would change; nothing that looks like a URL; a template's slots are never glued to a letter or digit of
  a static part (``{}ing`` would show the end of the visitor's own word) and its static parts hold
  at least 2 letters. One bad entry rejects the whole list: a list that fails to load shows
  nothing more (fail closed), never part of itself.
- ``show`` is the rule itself: a text whose whole normalized text is a string of the list is
  recorded as it is; a text matching a template keeps its static parts and each filled slot
  becomes ``SLOT_MASK`` (fixed length: not even the length of what filled it leaves). Anything
  else, and anything the scrubber would change or that looks like a URL once shown, is None: the
  caller masks it as the level says. Whether the rule applies at all (level, typed values,
  secrets, block, echoes) is the text masker's decision (``masking``), not this module's.
- Bounded: a list holds at most ``MAX_LIST_BYTES`` of JSON, entries at most ``MAX_ENTRY_CHARS``
  characters and templates at most ``MAX_SLOTS`` slots; matching is linear in the text's length
  for each candidate template.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .contract import SITE_TEXT_MAX_BYTES
from .pii import contains_pii

FORMAT = "veil-site-text"
VERSION = 1
MAX_LIST_BYTES = SITE_TEXT_MAX_BYTES
MAX_ENTRY_CHARS = 1000
MAX_SLOTS = 8
MIN_CHARS = 2
# What a filled slot becomes: as long as a masked field's value, whatever filled it.
SLOT_MASK = "*" * 8
# The name the rule goes by wherever Veil explains a decision (Veil.explain, the preview;
# contract.ContentRule spells it too).
RULE_NAME = "site text"
# How a template is written while it is built: a slot, as a character no text carries.
SLOT = "\ue000"

_URL_LIKE = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://|^www\.|^(?:mailto|tel|sms|javascript|data):|^/[^\s]*$")
_SRI = re.compile(r"(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})")
_SRI_DIGEST_BYTES = {"sha256": 32, "sha384": 48, "sha512": 64}


class SiteTextError(ValueError):
    """A list (or an entry of one) that Veil will not use; the message says why."""


def normalize(text: str) -> str:
    """``text`` with every run of whitespace made one space, and trimmed."""
    return " ".join(text.split())


def looks_like_url(text: str) -> bool:
    """True for text that is (or holds) a URL: URLs are scrubbed, never shown as site text."""
    return bool(_URL_LIKE.search(text))


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def string_problem(text: object) -> str | None:
    """Why ``text`` cannot be a string of the list (None: it can)."""
    if not isinstance(text, str):
        return "is not a string"
    if text != normalize(text):
        return "is not normalized (whitespace collapsed, trimmed)"
    if SLOT in text:
        return "holds a slot character"
    if len(text) < MIN_CHARS:
        return f"is shorter than {MIN_CHARS} characters"
    if len(text) > MAX_ENTRY_CHARS:
        return f"is longer than {MAX_ENTRY_CHARS} characters"
    if not any(c.isalpha() for c in text):
        return "holds no letter (numbers and symbols alone are too often the visitor's own data)"
    if looks_like_url(text):
        return "looks like a URL (URLs are never shown as site text)"
    if contains_pii(text):
        return "holds what the PII scrubber masks"
    return None


def template_problem(parts: object) -> str | None:
    """Why ``parts`` cannot be a template of the list (None: it can)."""
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        return "is not an array of strings"
    if not 2 <= len(parts) <= MAX_SLOTS + 1:
        return f"must have 2 to {MAX_SLOTS + 1} static parts (1 to {MAX_SLOTS} slots)"
    if any(SLOT in p for p in parts):
        return "holds a slot character"
    joined = SLOT.join(parts)
    if normalize(joined) != joined:
        return "is not normalized (whitespace collapsed, trimmed)"
    if any(not p for p in parts[1:-1]):
        return "has two slots side by side"
    if len(joined) > MAX_ENTRY_CHARS:
        return f"is longer than {MAX_ENTRY_CHARS} characters"
    for i, part in enumerate(parts):
        if (i > 0 and part and part[0].isalnum()) or (i < len(parts) - 1 and part and part[-1].isalnum()):
            return "has a slot glued to a letter or digit (it would show part of the visitor's word)"
    static = " ".join(p for p in parts if p)
    if _letters(static) < MIN_CHARS:
        return f"has fewer than {MIN_CHARS} letters in its static parts"
    if looks_like_url(static) or "://" in joined:
        return "looks like a URL (URLs are never shown as site text)"
    if contains_pii(static) or any(contains_pii(p) for p in parts):
        return "holds what the PII scrubber masks"
    return None


class SiteText:
    """A loaded list: its strings, and its templates indexed for matching. Immutable once made;
    hashed by identity (the text masker's cache keys on it)."""

    __slots__ = ("strings", "templates", "_by_head", "_by_tail", "_loose", "__weakref__")

    def __init__(self, strings: Iterable[str] = (), templates: Iterable[tuple[str, ...]] = ()) -> None:
        self.strings: frozenset[str] = frozenset(strings)
        self.templates: tuple[tuple[str, ...], ...] = tuple(dict.fromkeys(tuple(t) for t in templates))
        by_head: dict[str, list[tuple[str, ...]]] = {}
        by_tail: dict[str, list[tuple[str, ...]]] = {}
        loose: list[tuple[str, ...]] = []
        for parts in self.templates:
            if len(parts[0]) >= 2:
                by_head.setdefault(parts[0][:2], []).append(parts)
            elif len(parts[-1]) >= 2:
                by_tail.setdefault(parts[-1][-2:], []).append(parts)
            else:
                loose.append(parts)
        self._by_head, self._by_tail, self._loose = by_head, by_tail, tuple(loose)

    def __bool__(self) -> bool:
        return bool(self.strings or self.templates)

    def __len__(self) -> int:
        return len(self.strings) + len(self.templates)

    def merged(self, other: SiteText | None) -> SiteText:
        """This list and ``other`` as one."""
        if not other:
            return self
        if not self:
            return other
        return SiteText(self.strings | other.strings, self.templates + other.templates)

    def match(self, text: str) -> str | None:
        """What of ``text`` the list shows: ``text`` itself when its whole normalized text is a
        string of the list; a template's static parts with each slot ``SLOT_MASK``; else None."""
        core = normalize(text)
        if len(core) < MIN_CHARS:
            return None
        if core in self.strings:
            shown = text
        else:
            parts = self._template_for(core)
            if parts is None:
                return None
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            shown = lead + SLOT_MASK.join(parts) + trail
        # The list was checked when it was loaded; this is the same rule again on what would leave.
        if looks_like_url(core) or contains_pii(shown):
            return None
        return shown

    def kind(self, text: str) -> str | None:
        """How the list covers ``text``: "string", "template", or None."""
        core = normalize(text)
        if len(core) < MIN_CHARS:
            return None
        if core in self.strings:
            return "string"
        return "template" if self._template_for(core) is not None else None

    def _template_for(self, core: str) -> tuple[str, ...] | None:
        if not self.templates or len(core) > MAX_ENTRY_CHARS * 4:
            return None
        for candidates in (self._by_head.get(core[:2], ()), self._by_tail.get(core[-2:], ()), self._loose):
            for parts in candidates:
                if _fits(core, parts):
                    return parts
        return None


def _fits(core: str, parts: tuple[str, ...]) -> bool:
    """Whether ``core`` is the template's static parts with each slot filled by at least one
    character. Leftmost-first placement of the inner parts decides it (as for ``*`` wildcards)."""
    first, last = parts[0], parts[-1]
    if not core.startswith(first) or not core.endswith(last):
        return False
    position, end = len(first), len(core) - len(last)
    for inner in parts[1:-1]:
        found = core.find(inner, position + 1, end - 1)
        if found < 0:
            return False
        position = found + len(inner)
    return end - position >= 1


EMPTY = SiteText()


def from_strings(values: object, key: str = "allowText") -> SiteText:
    """The inline list of config ``allowText``: an array of site strings, each normalized here."""
    if not isinstance(values, (list, tuple)):
        raise SiteTextError(f"`{key}` must be an array of strings")
    if len(values) > 100_000:
        raise SiteTextError(f"`{key}` holds more than 100000 strings: serve them as a file (allowTextUrl)")
    strings = []
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise SiteTextError(f"`{key}` entry {index} is not a string")
        text = normalize(value)
        problem = string_problem(text)
        if problem:
            raise SiteTextError(f"`{key}` entry {index} {problem}: {_quote(value)}")
        strings.append(text)
    return SiteText(strings)


def parse_list(data: bytes, integrity: str | None = None) -> SiteText:
    """A list file's bytes, checked against ``integrity`` (SRI) when given, then parsed and checked
    entry by entry. Raises SiteTextError naming what is wrong; never returns part of a list."""
    if len(data) > MAX_LIST_BYTES:
        raise SiteTextError(f"the list is larger than {MAX_LIST_BYTES} bytes")
    if integrity is not None:
        check_integrity(data, integrity)
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SiteTextError("the list is not JSON (UTF-8)") from None
    return from_document(raw)


def from_document(raw: object) -> SiteText:
    """A list from its parsed JSON document (see the module's rules)."""
    if not isinstance(raw, Mapping) or raw.get("format") != FORMAT:
        raise SiteTextError(f'the list is not a Veil site-text list (its "format" must be "{FORMAT}")')
    version = raw.get("version")
    if version != VERSION or type(version) is not int:
        raise SiteTextError(f"the list's version {version!r} is not one this Veil reads ({VERSION}): rebuild it with this Veil's `python -m veil.allowlist`")
    unknown = set(raw) - {"format", "version", "strings", "templates", "generator"}
    if unknown:
        raise SiteTextError(f"the list has a key Veil does not know: {sorted(unknown)[0]!r}")
    strings, templates = raw.get("strings", []), raw.get("templates", [])
    if not isinstance(strings, list) or not isinstance(templates, list):
        raise SiteTextError('the list\'s "strings" and "templates" must be arrays')
    for index, text in enumerate(strings):
        problem = string_problem(text)
        if problem:
            raise SiteTextError(f"the list's string {index} {problem}")
    for index, parts in enumerate(templates):
        problem = template_problem(parts)
        if problem:
            raise SiteTextError(f"the list's template {index} {problem}")
    return SiteText(strings, (tuple(p) for p in templates))


def check_integrity(data: bytes, integrity: str) -> None:
    """Raise SiteTextError unless one of ``integrity``'s hashes (SRI: ``sha384-<base64>``, several
    separated by spaces) is the hash of ``data``. As SRI, only the strongest algorithm given counts."""
    import hashlib  # here: only a list fetched with its integrity needs it

    hashes = parse_integrity(integrity)
    strongest = max(hashes, key=lambda h: _SRI_DIGEST_BYTES[h[0]])[0]
    for algorithm, digest in hashes:
        if algorithm == strongest and hashlib.new(algorithm, data).digest() == digest:
            return
    raise SiteTextError("the list does not match allowTextIntegrity (it changed since its hash was taken: rebuild or update the hash)")


def parse_integrity(integrity: object) -> list[tuple[str, bytes]]:
    """The (algorithm, digest) pairs of an SRI string; SiteTextError when it holds none Veil reads."""
    if not isinstance(integrity, str):
        raise SiteTextError("`allowTextIntegrity` must be a string")
    hashes = []
    for token in integrity.split():
        found = _SRI.fullmatch(token.split("?", 1)[0])
        if not found:
            continue
        try:
            digest = base64.b64decode(found.group(2), validate=True)
        except binascii.Error:
            continue
        if len(digest) == _SRI_DIGEST_BYTES[found.group(1)]:
            hashes.append((found.group(1), digest))
    if not hashes:
        raise SiteTextError("`allowTextIntegrity` must be an SRI hash: sha256-, sha384- or sha512- and the base64 digest")
    return hashes


def integrity_of(data: bytes, algorithm: str = "sha384") -> str:
    """The SRI string of ``data`` (what ``python -m veil.allowlist`` prints for allowTextIntegrity)."""
    import hashlib

    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")


def document(strings: Iterable[str], templates: Iterable[tuple[str, ...]], generator: str | None = None) -> dict[str, Any]:
    """A list as the JSON document ``parse_list`` reads (entries sorted, so a rebuild of the same
    site writes the same bytes)."""
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if generator:
        doc["generator"] = generator
    doc["strings"] = sorted(set(strings))
    doc["templates"] = [list(t) for t in sorted(set(tuple(t) for t in templates))]
    return doc


def _quote(value: str) -> str:
    return json.dumps(value[:60] + ("…" if len(value) > 60 else ""), ensure_ascii=False)
