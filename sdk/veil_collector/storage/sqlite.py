"""The SQLite storage backend: the embedded default (one file, WAL mode, one process).

Rules: implements ``storage_api.Storage``. A batch is stored exactly once per (session, view, seq),
sealed with its session's key (see ``crypto``), durable (synchronous=FULL) before ``add`` returns.
Every write is one ``BEGIN IMMEDIATE`` transaction whose lock wait is bounded by ``lock_timeout``
(``add`` goes through one writer thread, ``common.GroupCommit``, which stores the batches queued
together in one transaction and answers each once it committed):
a wait that runs out raises ``StorageBusy``; any other database failure raises
``StorageUnavailable``. Deleting uses ``secure_delete`` and truncates the WAL afterwards, so an
erased session's wrapped key leaves the file's bytes at once. The file (and its -wal/-shm, which
SQLite creates with the database's mode) is created 0600. Rate-limit buckets live in process
memory: a SQLite database serves one collector process (``--workers`` needs PostgreSQL).
Connections are per thread; ``iter_event_chunks`` reads one batch per query, so it holds no
transaction between chunks and its memory is one batch. The reads and one-row writes are the
shared ``sql.SharedSQL``, run through this backend's ``_one``/``_all``/``_change``; an erasure
leaves a tombstone (``erased_sessions``) in its transaction.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..storage_api import AddResult, IncomingBatch, StorageBusy, StorageUnavailable
from . import common, crypto, sql
from .common import LEGACY_VIEW
from ..visits.schema import index_schema
from .index_crypto import ORPHAN_TERMS_SQL
from .sql import SharedSQL

SCHEMA = [s + ";" for s in """
CREATE TABLE IF NOT EXISTS session_keys (
    session TEXT PRIMARY KEY,
    wrapped BLOB NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    session TEXT NOT NULL REFERENCES session_keys(session) ON DELETE CASCADE,
    view TEXT NOT NULL,
    seq INTEGER NOT NULL,
    received_at REAL NOT NULL,
    event_count INTEGER NOT NULL,
    body_bytes INTEGER NOT NULL,
    first_ts REAL,
    last_ts REAL,
    sealed BLOB NOT NULL,
    digest TEXT NOT NULL,
    pii_masked INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    dropped INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0,
    format INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    frustrations INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session, view, seq)
);
CREATE INDEX IF NOT EXISTS batches_received ON batches (received_at);
CREATE TABLE IF NOT EXISTS erased_sessions (
    session TEXT PRIMARY KEY,
    erased_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    session TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
""".strip().rstrip(";").split(";\n")] + [
    ("CREATE TRIGGER IF NOT EXISTS audit_append_only_u BEFORE UPDATE ON audit "
     "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"),
    ("CREATE TRIGGER IF NOT EXISTS audit_append_only_d BEFORE DELETE ON audit "
     "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"),
]

T = TypeVar("T")


def _runner(db: sqlite3.Connection) -> Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]:
    """``execute(sql, params) -> rows`` on one connection (the index's writes, in its transaction)."""
    return lambda statement, params: db.execute(statement, params).fetchall()


def _translate(err: BaseException, lock_timeout: float) -> BaseException:
    """The contract's error for a database error (StorageBusy or StorageUnavailable); others as they are."""
    if isinstance(err, sqlite3.OperationalError):
        text = str(err).lower()
        if "locked" in text or "busy" in text:
            return StorageBusy(f"database busy: {err}", retry_after=max(1, round(lock_timeout)))
        return StorageUnavailable(f"database unavailable: {err}")
    if isinstance(err, sqlite3.DatabaseError):
        return StorageUnavailable(f"database unavailable: {err}")
    return err


def _translated(method: Callable[..., T]) -> Callable[..., T]:
    """Only StorageBusy and StorageUnavailable leave a public method (the contract's rule)."""

    @functools.wraps(method)
    def call(self: SQLiteStorage, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as err:
            raise _translate(err, self.lock_timeout) from err

    return call


def _create_private(path: str) -> None:
    """Create the database file 0600 before SQLite opens it (SQLite gives -wal/-shm the same mode)."""
    if path == ":memory:" or os.path.exists(path):
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask


class SQLiteStorage(SharedSQL):
    """``Storage`` on one SQLite file."""

    rate_limits_in_process = True  # the buckets live in this process's memory (one process per file)

    def __init__(self, path: str | Path, master_key: bytes, *, lock_timeout: float = 5.0) -> None:
        self.path = str(path)
        self.lock_timeout = lock_timeout
        self._master = crypto.check_master_key(master_key)
        self._init_index(master_key)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._buckets = common.MemoryBuckets()
        self._writer = common.GroupCommit(self._add_many, self._add_one, name="veil-sqlite-writer",
                                          translate=lambda err: _translate(err, self.lock_timeout))
        self._setup()

    # -- connections -------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.lock_timeout, isolation_level=None,
                             check_same_thread=False)  # used by its own thread only; closed by close()
        db.execute(f"PRAGMA busy_timeout={int(self.lock_timeout * 1000)}")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA secure_delete=ON")
        db.execute("PRAGMA synchronous=FULL")
        # Search patterns match paths case-sensitively, as PostgreSQL's LIKE does (visits.search).
        db.execute("PRAGMA case_sensitive_like=ON")
        return db

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._open()
            with self._connections_lock:
                self._connections.append(db)
        return db

    @_translated
    def _setup(self) -> None:
        _create_private(self.path)
        db = self._db()
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            present = {row[1] for row in db.execute("PRAGMA table_info(batches)")}
            legacy = bool(present) and "sealed" not in present
            if legacy:
                db.execute("ALTER TABLE batches RENAME TO batches_plain")
            for statement in SCHEMA:
                db.execute(statement)
            if legacy:
                self._migrate_plain(db, present)
            have = {row[1] for row in db.execute("PRAGMA table_info(batches)")}
            for column in sql.CONTEXT_COLUMNS:
                if column not in have:  # a database from before the counts: its batches count 0
                    db.execute(f"ALTER TABLE batches ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
            for statement in index_schema("sqlite"):
                db.execute(statement)
            execute = _runner(db)
            for (session,) in db.execute(sql.UNINDEXED_SQL).fetchall():  # visits stored before the index
                sql.reindex(execute, self._index_keys, self._master, session)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if legacy:
            self._shred()  # the plaintext pages, zeroed by secure_delete, reach the main file now

    def _migrate_plain(self, db: sqlite3.Connection, present: set[str]) -> None:
        """Seal the batches of a database from before encryption at rest (and, older still, before
        page views had ids: those rows become one page view, ``LEGACY_VIEW``), keeping every row."""
        view = "view" if "view" in present else "?"
        counters = [c if c in present else "0" for c in ("pii_masked", "pages", "dropped")]
        rows = db.execute(
            f"SELECT session, {view}, seq, received_at, event_count, body_bytes, first_ts, last_ts, events, "
            f"{', '.join(counters)} FROM batches_plain", (LEGACY_VIEW,) if view == "?" else ()
        ).fetchall()
        for session, v, seq, received, count, size, first, last, events, masked, pages, dropped in rows:
            events_json = events.encode() if isinstance(events, str) else bytes(events)
            key = self._key_for(db, session, received)
            digest = common.batch_from_events(session, v, seq, [], 0, events_json=events_json).digest
            db.execute(
                "INSERT OR IGNORE INTO batches (session, view, seq, received_at, event_count, body_bytes, first_ts, "
                "last_ts, sealed, digest, pii_masked, pages, dropped) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (session, v, seq, received, count, size, first, last,
                 crypto.seal(key, session, v, seq, events_json), digest, masked, pages, dropped),
            )
        db.execute("DROP TABLE batches_plain")

    def _key_for(self, db: sqlite3.Connection, session: str, now: float) -> Any:
        """The session's key, created on its first batch (inside the caller's write transaction);
        None for an erased session (its tombstone), which is never created again."""
        # fetchall: the statement runs to its end, so none stays open on the long-lived writer's
        # connection between transactions (an open read can hold up the checkpoint erasures run).
        row = next(iter(db.execute("SELECT wrapped FROM session_keys WHERE session = ?", (session,)).fetchall()), None)
        if row is None and db.execute("SELECT 1 FROM erased_sessions WHERE session = ?", (session,)).fetchall():
            return None
        if row is None:
            wrapped = crypto.new_wrapped_key(self._master, session)
            db.execute("INSERT INTO session_keys (session, wrapped, created_at) VALUES (?, ?, ?)",
                       (session, wrapped, now))
        else:
            wrapped = row[0]
        return crypto.unwrap(self._master, session, wrapped)

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")  # takes the write lock now: the wait is bounded by busy_timeout
        try:
            result = work(db)
            db.execute("COMMIT")
            return result
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _shred(self) -> None:
        """Move the WAL's frames (which may hold an erased key's old page) into the zeroed main file."""
        self._db().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- writes ------------------------------------------------------------------------------
    @_translated
    def add(self, batch: IncomingBatch) -> AddResult:
        # Through the one writer thread: batches queued together share a transaction (one fsync).
        return self._writer.add(batch)

    def submit(self, batch: IncomingBatch, keyless: bool = False) -> concurrent.futures.Future[AddResult]:
        """``add`` without waiting: a future of its result, completed once committed (see GroupCommit)."""
        return self._writer.submit(batch, keyless)

    def _add_many(self, batches: Sequence[IncomingBatch], keyless: Sequence[bool] = ()) -> list[AddResult]:
        def work(db: sqlite3.Connection) -> list[AddResult]:
            now = time.time()
            flags = keyless or [False] * len(batches)
            return [self._insert(db, batch, now, bare) for batch, bare in zip(batches, flags, strict=True)]

        return self._write(work)

    def _add_one(self, batch: IncomingBatch, keyless: bool = False) -> AddResult:
        return self._add_many([batch], [keyless])[0]

    def _insert(self, db: sqlite3.Connection, batch: IncomingBatch, now: float, keyless: bool = False) -> AddResult:
        row = next(iter(db.execute(sql.DIGEST_SQL, (batch.session, batch.view, batch.seq)).fetchall()), None)
        if row is not None:
            return AddResult.DUPLICATE if row[0] == batch.digest else AddResult.CONFLICT
        if keyless:
            known, same_view = db.execute(sql.KEYLESS_SQL,
                                          (batch.session, batch.session, batch.view)).fetchall()[0]
            if known and not same_view:
                return AddResult.KEY_REQUIRED
        key = self._key_for(db, batch.session, now)
        if key is None:
            return AddResult.ERASED
        sql.index_stored(_runner(db), self._index_keys, batch, now, key=key)  # before the batch's row: its view may be new
        form, plaintext = common.stored_form(batch)
        db.execute(
            "INSERT INTO batches (session, view, seq, received_at, event_count, body_bytes, first_ts, last_ts, "
            "sealed, digest, pii_masked, pages, dropped, format, errors, frustrations) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (batch.session, batch.view, batch.seq, now, batch.event_count, batch.body_bytes, batch.first_ts,
             batch.last_ts, crypto.seal(key, batch.session, batch.view, batch.seq, plaintext,
                                        compress=form == common.FORMAT_EVENTS),
             batch.digest, batch.pii_masked, batch.pages, batch.dropped, form, batch.errors, batch.frustrations),
        )
        return AddResult.STORED

    @_translated
    def delete_session(self, session: str) -> bool:
        def work(db: sqlite3.Connection) -> int:
            # The batches go with the key (ON DELETE CASCADE); the tombstone refuses the rest of the visit.
            gone: int = db.execute("DELETE FROM session_keys WHERE session = ?", (session,)).rowcount
            if gone:
                db.execute("INSERT OR IGNORE INTO erased_sessions (session, erased_at) VALUES (?, ?)",
                           (session, time.time()))
                db.execute(ORPHAN_TERMS_SQL)  # the index's terms only this visit pointed at
            return gone

        gone = self._write(work)
        if gone:
            self._shred()
        return gone > 0

    @_translated
    def purge_expired(self, now: float, retention_days: float) -> int:
        cutoff = now - retention_days * 86400

        def work(db: sqlite3.Connection) -> int:
            gone: int = db.execute(
                "DELETE FROM session_keys WHERE created_at < ? AND NOT EXISTS "
                "(SELECT 1 FROM batches b WHERE b.session = session_keys.session AND b.received_at >= ?)",
                (cutoff, cutoff),
            ).rowcount
            if gone:
                db.execute(ORPHAN_TERMS_SQL)
            return gone

        gone = self._write(work)
        if gone:
            self._shred()
        return gone

    def rate_acquire(self, key: str, per_second: float, burst: int) -> float:
        return self._buckets.acquire(key, per_second, burst)

    def _reindexed(self, statement: str, session: str, view: str, seq: int) -> bool:
        """A change to one batch and its visit's index folded again, in one transaction."""
        def work(db: sqlite3.Connection) -> bool:
            if db.execute(statement, (session, view, seq)).rowcount == 0:
                return False
            sql.reindex(_runner(db), self._index_keys, self._master, session)
            return True

        return self._write(work)

    @_translated
    def quarantine_batch(self, session: str, view: str, seq: int) -> bool:
        return self._reindexed(sql.QUARANTINE_SQL, session, view, seq)

    @_translated
    def delete_batch(self, session: str, view: str, seq: int) -> bool:
        return self._reindexed(sql.DELETE_BATCH_SQL, session, view, seq)

    # -- the runners of the shared SQL (sql.SharedSQL) ----------------------------------------
    @_translated
    def _one(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._db().execute(statement, params).fetchone()
        return row

    @_translated
    def _all(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._db().execute(statement, params).fetchall()

    @_translated
    def _change(self, statement: str, params: Sequence[Any] = ()) -> int:
        return self._write(lambda db: db.execute(statement, params).rowcount)

    def close(self) -> None:
        self._writer.close()
        with self._connections_lock:
            for db in self._connections:
                try:
                    db.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()
