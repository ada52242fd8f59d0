"""The session index, encrypted at rest like the batches: a copy of the database reveals nothing.

Rules: what the index keeps of a visit beyond numbers (its URLs in order, the names of what was
clicked, the fold's state) is one blob sealed with the visit's own key (``storage.crypto``), so
erasing the visit's key destroys it, in every copy, as it does the batches. What search must match
across visits (the paths pages were at, the names of clicked targets) is a dictionary of terms,
each stored once, sealed with a key derived from the master key (HKDF, never stored) and found by
an HMAC tag under another derived key; visits point at terms by id. Matching a ``*`` pattern
decrypts the dictionary in memory (``Terms``, refreshed by id, so each term is opened once per
process) and yields the ids it matches; the database only ever sees ids. A term no visit points at
any more is deleted when a visit is erased (``ORPHAN_TERMS_SQL``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import crypto

NONCE = 12
PATH, NAME = "path", "name"
STATE_VIEW = "index"  # the sealed state's identity is (session, "index", part): never a batch's
PARTS = {"state": 0, "shown": 1}  # bound into each part's seal: one cannot be served for the other
Query = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]

# Terms no visit points at any more (after an erasure, an expiry, a quarantine or a deletion).
ORPHAN_TERMS_SQL = (
    "DELETE FROM index_terms WHERE NOT EXISTS (SELECT 1 FROM visit_paths p WHERE p.term_id = index_terms.id) "
    "AND NOT EXISTS (SELECT 1 FROM visit_names n WHERE n.term_id = index_terms.id) "
    "AND NOT EXISTS (SELECT 1 FROM visit_clicks c WHERE c.path_id = index_terms.id) "
    "AND NOT EXISTS (SELECT 1 FROM visit_clicks c WHERE c.name_id = index_terms.id)"
)


def _derive(master_key: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(bytes(master_key))


def pattern_regex(pattern: str, *, fold: bool) -> re.Pattern[str]:
    """A ``*`` pattern as an anchored regular expression (``*``: any run of characters)."""
    return re.compile("".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern)),
                      re.DOTALL | (re.IGNORECASE if fold else 0))


class IndexCipher:
    """The index's keys, derived from the master key, and the seals it uses."""

    def __init__(self, master_key: bytes) -> None:
        self._master = crypto.check_master_key(master_key)
        self._mac = _derive(master_key, b"veil index term tags v1")
        self._terms = AESGCM(_derive(master_key, b"veil index terms v1"))

    def tag(self, kind: str, value: str) -> bytes:
        return hmac.new(self._mac, kind.encode() + b"\0" + value.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def seal_term(self, kind: str, value: str) -> bytes:
        nonce = os.urandom(NONCE)
        return nonce + self._terms.encrypt(nonce, value.encode("utf-8", "surrogatepass"), kind.encode())

    def open_term(self, kind: str, blob: bytes) -> str | None:
        try:
            return self._terms.decrypt(bytes(blob[:NONCE]), bytes(blob[NONCE:]), kind.encode()).decode("utf-8", "surrogatepass")
        except (InvalidTag, ValueError):
            return None

    def session_key(self, execute: Query, session: str) -> AESGCM | None:
        """The visit's key (None when it is gone: erased, or never stored)."""
        found = execute("SELECT wrapped FROM session_keys WHERE session = ?", (session,))
        if not found:
            return None
        try:
            return crypto.unwrap(self._master, session, found[0][0])
        except crypto.SealError:
            return None

    def open_state(self, session: str, wrapped: bytes | None, sealed: bytes | None, part: str = "state") -> bytes | None:
        """A visit's sealed index part (``state``, or ``shown``: what the list shows), opened with its
        wrapped key (None when it does not open)."""
        if wrapped is None or sealed is None:
            return None
        try:
            return self.open_state_with(crypto.unwrap(self._master, session, wrapped), session, sealed, part)
        except crypto.SealError:
            return None

    @staticmethod
    def seal_state(key: AESGCM, session: str, plaintext: bytes, part: str = "state") -> bytes:
        return crypto.seal(key, session, STATE_VIEW, PARTS[part], plaintext)

    @staticmethod
    def open_state_with(key: AESGCM, session: str, sealed: bytes, part: str = "state") -> bytes | None:
        try:
            return crypto.open_sealed(key, session, STATE_VIEW, PARTS[part], sealed)
        except (crypto.SealError, zlib.error):
            return None

    def term_id(self, execute: Query, kind: str, value: str) -> int:
        """The id of a term, stored (sealed) the first time it is seen."""
        tag = self.tag(kind, value)
        found = execute("SELECT id FROM index_terms WHERE tag = ?", (tag,))
        if found:
            return int(found[0][0])
        execute("INSERT INTO index_terms (kind, tag, sealed) VALUES (?, ?, ?) ON CONFLICT (tag) DO NOTHING",
                (kind, tag, self.seal_term(kind, value)))
        return int(execute("SELECT id FROM index_terms WHERE tag = ?", (tag,))[0][0])


class Terms:
    """The dictionary of terms, opened in memory (per storage, per process), for matching patterns."""

    def __init__(self, cipher: IndexCipher) -> None:
        self._cipher = cipher
        self._by_kind: dict[str, dict[int, str]] = {PATH: {}, NAME: {}}
        self._last = 0
        self._lock = threading.Lock()

    def refresh(self, query: Query) -> None:
        """Open the terms added since the last refresh (and forget those deleted)."""
        with self._lock:
            rows = query("SELECT id, kind, sealed FROM index_terms WHERE id > ? ORDER BY id", (self._last,))
            for term_id, kind, sealed in rows:
                value = self._cipher.open_term(str(kind), sealed)
                if value is not None and kind in self._by_kind:
                    self._by_kind[str(kind)][int(term_id)] = value
                self._last = max(self._last, int(term_id))
            if not rows:
                count = query("SELECT COUNT(*) FROM index_terms", ())[0][0]
                if int(count) < sum(map(len, self._by_kind.values())):  # some were deleted: start again
                    self._by_kind = {PATH: {}, NAME: {}}
                    self._last = 0

    def matching(self, kind: str, pattern: str) -> list[int]:
        """The ids of the terms of ``kind`` that ``pattern`` matches (names: ignoring case)."""
        regex = pattern_regex(pattern, fold=kind == NAME)
        with self._lock:
            return sorted(term_id for term_id, value in self._by_kind[kind].items() if regex.fullmatch(value))

    def value(self, kind: str, term_id: int | None) -> str | None:
        if term_id is None:
            return None
        with self._lock:
            return self._by_kind[kind].get(int(term_id))
