"""Echo memory: what the visitor typed where it was masked, so that the page's echoes of it stay masked.

A page writes back what the visitor typed: ``<p>Hello {name}</p>``, ``aria-label="Send as {name}"``,
"Add {typed}…" in a custom select, an edited grid cell, a code editor's rendered lines, a
screen-reader announcement. Under ``mask-user-input`` and ``allow`` that text is recorded in clear
unless the core remembers what was typed and masks it wherever it reappears.

Rules:
- Lives in the worker's memory only, for one page view (the core keeps one per page, across
  recordings). Nothing of it is ever emitted, logged, counted by value or returned to the page.
- Remembers only what was masked as the visitor's input: the value of a field whose level masked
  it (``mask-user-input``, ``mask``, ``block``, forced secrets), and text written inside a typed
  region (contenteditable, a code editor fed by a hidden field or an EditContext) at a level that
  masked it. A value recorded in clear (an allowed field) is not remembered: its echoes may be in
  clear too.
- A value is kept as fragments: each line, cut in pieces of ``PIECE_CHARS``, stripped, folded to
  lower case. A fragment shorter than ``MIN_CHARS`` (3) is not kept: one or two characters say
  little, and matching them would mask ordinary words all over the page ("a", "OK", "to"). Three
  keeps short names ("Ada", "Bob") and card security codes. A fragment another one starts with is
  not kept twice: typing on ("zqty", "zqtyp", "zqtyped") keeps the longest, and a fragment that a
  typed one begins with, by half or more, is not kept again (deleting back). A typed fragment that a
  longer typed value overtakes by more than double (input events coalesce: "zqt", then "zqtyped")
  is kept, but matches only where a word ends after it, so it never masks the head of another
  word ("ZQTEXTCHANGE").
- Bounded: at most ``MAX_FRAGMENTS`` fragments and ``MAX_CHARS`` characters; past the bound the
  oldest fragments are forgotten first, and counted (``forgotten``), never silently.
- Matching is case-insensitive (lower-cased character by character, so offsets stay aligned). An
  echo is a whole fragment, anywhere in a text; or, for a fragment the visitor typed (not one a
  script set whole), a prefix of it of at least half its length
  (and ``MIN_CHARS``), that ends where a word does (at the end of the text or before a character
  that is not a letter or digit): pages echo what was typed so far (debounced previews,
  "Add zqt…"). The half and the word end keep a value typed from masking every word it merely
  begins like ("the" of "the quick brown fox", "ZQTITLE" after typing "zqtyped"). Each matched
  span becomes ``MASKED_VALUE``, fixed-length like a masked field: an echo must not give away the
  length the field hides.
- ``mask`` never raises on a string; it is pure given the memory (a property test holds that no
  remembered fragment survives it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import MASKED_VALUE

MIN_CHARS = 3
PIECE_CHARS = 256
MAX_FRAGMENTS = 256
MAX_CHARS = 64 * 1024


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    folded = c.lower()
    return folded if len(folded) == 1 else c


def fold(text: str) -> str:
    """``text`` lower-cased with every offset kept (a character whose lower case is longer stays)."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


def fragments(value: str) -> list[str]:
    """The folded fragments of a typed value that are worth remembering."""
    found = []
    for line in value.splitlines():
        for start in range(0, len(line), PIECE_CHARS):
            piece = line[start:start + PIECE_CHARS].strip()
            if len(piece) >= MIN_CHARS:
                found.append(fold(piece))
    return found


class Echoes:
    """The bounded memory of one page view's typed values, and the masker of their echoes."""

    def __init__(self) -> None:
        # Folded fragments, oldest first, each with whether it was typed (its prefixes are echoes too).
        self._fragments: dict[str, bool] = {}
        self._chars = 0
        self.forgotten = 0  # fragments dropped at the bound
        self.generation = 0  # changes whenever the memory does: caches of masked output key on it
        self._compiled: tuple[re.Pattern[str], dict[str, list[tuple[str, bool]]]] | None = None
        self._partial: set[str] = set()  # typed fragments overtaken by a longer value: word echoes only

    def __bool__(self) -> bool:
        return bool(self._fragments)

    def __len__(self) -> int:
        return len(self._fragments)

    def remember(self, value: object, typed: bool = True) -> None:
        """Keep what ``value`` (a masked field's value, or text typed in a masked region) holds;
        ``typed``: the visitor typed it (False: a script set it whole, so no prefix of it was ever
        shown as "typed so far", and only the whole of it is an echo)."""
        if type(value) is not str or len(value) < MIN_CHARS:
            return
        for fragment in fragments(value):
            self._add(fragment, typed)

    def _add(self, fragment: str, typed: bool) -> None:
        known = self._fragments
        if fragment in known:
            if typed and not known[fragment]:
                known[fragment] = True
                self._changed()
            return
        if any(flag and old.startswith(fragment) and 2 * len(fragment) >= len(old) for old, flag in known.items()):
            return  # deleting back: its echoes are a prefix of what is kept already
        if typed:
            for old in [old for old, flag in known.items() if flag and fragment.startswith(old)]:
                if 2 * len(old) >= len(fragment):
                    del known[old]  # typing on: the new value's prefixes match it
                    self._chars -= len(old)
                    self._partial.discard(old)
                else:
                    # A value typed so far, overtaken (input events coalesce): its echoes are whole
                    # words ("Add zqt…"), never the head of another word ("ZQTEXTCHANGE").
                    self._partial.add(old)
        known[fragment] = typed
        self._chars += len(fragment)
        while len(known) > MAX_FRAGMENTS or self._chars > MAX_CHARS:
            oldest = next(iter(known))
            del known[oldest]
            self._partial.discard(oldest)
            self._chars -= len(oldest)
            self.forgotten += 1
        self._changed()

    def _changed(self) -> None:
        self.generation += 1
        self._compiled = None

    def _pattern(self) -> tuple[re.Pattern[str], dict[str, list[tuple[str, bool]]]]:
        if self._compiled is None:
            heads: dict[str, list[tuple[str, bool]]] = {}
            for fragment, typed in self._fragments.items():
                heads.setdefault(fragment[:MIN_CHARS], []).append((fragment, typed))
            pattern = re.compile("|".join(map(re.escape, heads)))
            self._compiled = pattern, heads
        return self._compiled

    def mask(self, text: str) -> str:
        """``text`` with every echo of a remembered fragment replaced by ``MASKED_VALUE``."""
        if not self._fragments or len(text) < MIN_CHARS:
            return text
        folded = fold(text)
        pattern, heads = self._pattern()
        spans: list[tuple[int, int]] = []
        match = pattern.search(folded)
        while match is not None:
            start = match.start()
            length = max(_echo_length(folded, start, fragment, typed, fragment in self._partial) for fragment, typed in heads[match.group()])
            if length:
                spans.append((start, start + length))
            match = pattern.search(folded, start + 1)  # heads may overlap: look again one further on
        if not spans:
            return text
        out, last = [], 0
        for start, end in _merged(spans):
            out.append(text[last:start])
            out.append(MASKED_VALUE)
            last = end
        out.append(text[last:])
        return "".join(out)


def _echo_length(text: str, start: int, fragment: str, typed: bool, partial: bool = False) -> int:
    """How long the echo of ``fragment`` at ``start`` is (see the module's rules); 0 for none.
    ``partial``: a value typed so far that a longer one overtook; it is an echo only as whole words."""
    length = _common_prefix(text, start, fragment)
    if length == len(fragment):
        end = start + length
        if partial and end < len(text) and text[end].isalnum():
            return 0
        return length
    if not typed:
        return 0
    end = start + length
    if 2 * length >= len(fragment) and (end == len(text) or not text[end].isalnum()):
        return length
    return 0


def _common_prefix(text: str, start: int, fragment: str) -> int:
    """How many characters of ``fragment`` ``text`` repeats from ``start`` (its head, at least)."""
    end = min(len(fragment), len(text) - start)
    if text.startswith(fragment[:end], start):
        return end
    low, high = MIN_CHARS, end - 1  # the head matched; the whole did not
    while low < high:
        middle = (low + high + 1) // 2
        if text.startswith(fragment[:middle], start):
            low = middle
        else:
            high = middle - 1
    return low


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one (spans arrive sorted by start)."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
