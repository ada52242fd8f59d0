"""Collector storage: ``open_storage(url, master_key)`` gives a ``storage_api.Storage`` backend.

Rules: a URL ``postgresql://…`` (or ``postgres://…``) opens the PostgreSQL backend, anything else
is a SQLite file path (``sqlite:///path`` also accepted). The master key (32 bytes) wraps every
session's key and never enters the database. ``master_key_for(url, given)`` is the key the
collector uses: the one given, else ``VEIL_MASTER_KEY`` (or the file ``VEIL_MASTER_KEY_FILE``
names; 64 hex characters or base64), else, for a SQLite file only, a key file kept beside it
(``<db>.key``, 0600): a copy of the database alone then still reveals nothing. PostgreSQL without
a key is a clear error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..access import decode_key, read_secret
from ..storage_api import AddResult, IncomingBatch, Storage, StorageBusy, StorageUnavailable
from .common import LEGACY_VIEW, batch_from_events, count_pages
from .sqlite import SQLiteStorage

__all__ = [
    "AddResult", "IncomingBatch", "LEGACY_VIEW", "SQLiteStorage", "Storage", "StorageBusy", "StorageUnavailable",
    "batch_from_events", "count_pages", "is_postgres_url", "master_key_for", "open_storage",
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
    if path.startswith("sqlite:///"):
        path = path[len("sqlite:///"):]
    options.pop("connect_timeout", None)
    options.pop("pool_size", None)
    return SQLiteStorage(path, master_key, **options)


def master_key_for(url: str | Path, given: bytes | None = None) -> bytes:
    """The master key for the storage ``url`` names (see the module's rules)."""
    if given is not None:
        return given
    text = read_secret(MASTER_KEY_ENV)
    if text:
        return decode_key(text)
    if is_postgres_url(url):
        raise ValueError(f"PostgreSQL storage needs a master key: set {MASTER_KEY_ENV}")
    path = str(url)
    return _key_file(path[len("sqlite:///"):] if path.startswith("sqlite:///") else path)


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
