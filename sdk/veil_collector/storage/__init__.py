"""Collector storage: ``open_storage(url, master_key)`` gives a ``storage_api.Storage`` backend.

Rules: a URL ``postgresql://…`` (or ``postgres://…``) opens the PostgreSQL backend, anything else
is a SQLite file path (``sqlite:///path`` also accepted). The master key (32 bytes) wraps every
session's key and never enters the database. ``Store`` is the older, event-list interface the
collector app used before the contract (``Store(path).add(session, view, seq, events, ...)``); it
wraps any backend and also accepts an ``IncomingBatch`` in ``add``. Without an explicit master key
``Store`` reads ``VEIL_MASTER_KEY`` (64 hex characters) or, for a SQLite file only, keeps a key
file beside it (``<db>.key``, 0600): a copy of the database alone then still reveals nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ..storage_api import AddResult, IncomingBatch, Storage, StorageBusy, StorageUnavailable
from .common import LEGACY_VIEW, batch_from_events, count_pages
from .sqlite import SQLiteStorage

__all__ = [
    "LEGACY_VIEW",
    "AddResult",
    "IncomingBatch",
    "SQLiteStorage",
    "Storage",
    "StorageBusy",
    "StorageUnavailable",
    "Store",
    "batch_from_events",
    "count_pages",
    "is_postgres_url",
    "master_key_from_env",
    "open_storage",
]

MASTER_KEY_ENV = "VEIL_MASTER_KEY"


def is_postgres_url(url: str | Path) -> bool:
    return str(url).startswith(("postgresql://", "postgres://"))


def open_storage(url: str | Path, master_key: bytes, **options: Any) -> Storage:
    """The backend for ``url``. Options: ``lock_timeout`` (s) for both; ``connect_timeout`` (s) and
    ``pool_size`` for PostgreSQL."""
    if is_postgres_url(url):
        from .postgres import PostgresStorage  # psycopg is only imported when PostgreSQL is used

        return PostgresStorage(str(url), master_key, **options)
    path = str(url)
    path = path.removeprefix("sqlite:///")
    options.pop("connect_timeout", None)
    options.pop("pool_size", None)
    return SQLiteStorage(path, master_key, **options)


def master_key_from_env() -> bytes | None:
    value = os.environ.get(MASTER_KEY_ENV)
    if not value:
        return None
    try:
        key = bytes.fromhex(value.strip())
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ValueError(f"{MASTER_KEY_ENV} must be 64 hex characters (32 bytes)")
    return key


def _key_file(db_path: str) -> bytes:
    """The master key kept beside a SQLite file (created 0600 on first use)."""
    path = Path(db_path + ".key")
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        key = bytes.fromhex(path.read_text().strip())
        if len(key) != 32:
            raise ValueError(f"{path} does not hold a 32-byte hex key") from None
        return key
    key = os.urandom(32)
    with os.fdopen(fd, "w") as out:
        out.write(key.hex() + "\n")
    return key


class Store:
    """The event-list interface over any backend (what the collector app and older tests use)."""

    def __init__(self, url: str | Path, master_key: bytes | None = None, **options: Any) -> None:
        key = master_key or master_key_from_env()
        if key is None:
            if is_postgres_url(url):
                raise ValueError(f"PostgreSQL storage needs a master key: set {MASTER_KEY_ENV}")
            key = _key_file(str(url))
        self.backend: Storage = open_storage(url, key, **options)

    def add(self, session: str | IncomingBatch, view: str = "", seq: int = 0, events: list[Any] | None = None,
            body_bytes: int = 0, pii_masked: int = 0, dropped: int = 0, *, gzip_body: bytes | None = None,
            raw: bytes | None = None) -> Any:
        """Old style: store a batch of events; False when (session, view, seq) was already stored.
        ``gzip_body`` (the body as received) is stored instead of re-serialized events when nothing
        was masked; ``raw`` (its decompressed text) gives the digest. Given an ``IncomingBatch``,
        this is the contract's ``add`` (returns an ``AddResult``)."""
        if isinstance(session, IncomingBatch):
            return self.backend.add(session)
        batch = batch_from_events(session, view, seq, events or [], body_bytes, pii_masked=pii_masked,
                                  dropped=dropped, gzip_body=gzip_body,
                                  digest=hashlib.sha256(raw).hexdigest() if raw is not None else None)
        return self.backend.add(batch) is AddResult.STORED

    def events(self, session: str) -> list[dict[str, Any]]:
        """Every event of the visit (loads it whole: for tests and small sessions; the collector
        streams ``iter_event_chunks``)."""
        return orjson.loads(b"[" + b",".join(self.backend.iter_event_chunks(session)) + b"]")

    def seqs(self, session: str) -> list[int]:
        return [seq for _, seq in self.backend.identities(session)]

    def iter_event_chunks(self, session: str) -> Iterator[bytes]:
        return self.backend.iter_event_chunks(session)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)
