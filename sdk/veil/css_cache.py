"""The visit's cache of masked stylesheets: what the CSS masker made of large texts, by digest.

Rules: it holds masked output only (what leaves the page anyway), never a source text, keyed by
a BLAKE2b digest of (masker version, kind, level, scrub, text), so a text masked at one level is
never found at another, nor by another version of the masker. It is bounded by entries and by
characters (the oldest go first). The worker fills it at the start of a page view from what
earlier page views of the same visit stored (``preload``), and stores what this page view masked
anew (``take_fresh``) for the next ones; ``Veil.stop()`` clears it here and in the browser.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

# Texts from this many characters on are kept for the visit (smaller ones are cheap to mask again).
VISIT_MIN_CHARS = 2048
# What the visit keeps at most: masked characters and entries (the worker stores the same bounds).
VISIT_MAX_CHARS = 4 * 1024 * 1024
VISIT_MAX_ENTRIES = 64
DIGEST_CHARS = 32  # hex digits: a 128-bit BLAKE2b digest


def digest(version: str, kind: str, css: str, level: str, scrub: bool) -> str:
    """The key of a masked text: every input its masking depends on, hashed."""
    head = f"{version}\0{kind}\0{level}\0{int(scrub)}\0".encode()
    return hashlib.blake2b(head + css.encode("utf-8", "surrogatepass"), digest_size=DIGEST_CHARS // 2).hexdigest()


class VisitCache:
    """Masked texts by digest, bounded; what was added since ``take_fresh`` is new for the visit."""

    def __init__(self, max_chars: int = VISIT_MAX_CHARS, max_entries: int = VISIT_MAX_ENTRIES) -> None:
        self.max_chars = max_chars
        self.max_entries = max_entries
        self.entries: OrderedDict[str, str] = OrderedDict()
        self.chars = 0
        self.fresh: list[str] = []

    def get(self, key: str) -> str | None:
        masked = self.entries.get(key)
        if masked is not None:
            self.entries.move_to_end(key)
        return masked

    def _add(self, key: str, masked: str) -> bool:
        if len(masked) > self.max_chars or len(key) != DIGEST_CHARS:
            return False
        if key in self.entries:
            self.chars -= len(self.entries.pop(key))
        self.entries[key] = masked
        self.chars += len(masked)
        while self.chars > self.max_chars or len(self.entries) > self.max_entries:
            _, old = self.entries.popitem(last=False)
            self.chars -= len(old)
        return True

    def put(self, key: str, masked: str) -> None:
        """A text masked in this page view: kept, and new for the visit."""
        if self._add(key, masked):
            self.fresh.append(key)

    def preload(self, entries: list[list[str]]) -> int:
        """Entries [digest, masked] an earlier page view of the visit stored; returns how many were kept."""
        kept = 0
        for entry in entries:
            if isinstance(entry, list) and len(entry) == 2 and all(isinstance(v, str) for v in entry):
                kept += self._add(entry[0], entry[1])
        return kept

    def take_fresh(self) -> list[list[str]]:
        """[digest, masked] of the texts masked anew since the last call (still kept)."""
        fresh = [[k, self.entries[k]] for k in dict.fromkeys(self.fresh) if k in self.entries]
        self.fresh = []
        return fresh

    def clear(self) -> None:
        self.entries.clear()
        self.chars = 0
        self.fresh = []


visit = VisitCache()
