"""The storage contract (``storage_api.Storage``) over the existing SQLite ``storage.Store``, unencrypted.

Rules: a stand-in so the HTTP layer runs on the contract today; the real backends (encrypted at
rest, PostgreSQL) replace it. It keeps ``Store``'s table and adds three of its own in the same
file: each batch's digest and quarantine flag, the append-only audit log, and nothing else. Lock
waits are bounded (``busy_seconds``) and surface as ``StorageBusy``; any other database error as
``StorageUnavailable``; nothing else escapes. A stored row that no longer parses is skipped on
read and counted (``skipped_on_read``), never served.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .ratelimit import RateLimiter
from .storage import _VISIT_ORDER, Store
from .storage_api import AddResult, IncomingBatch, StorageBusy, StorageUnavailable

EXTRA_SCHEMA = """
CREATE TABLE IF NOT EXISTS batch_meta (
    session TEXT NOT NULL, view TEXT NOT NULL, seq INTEGER NOT NULL,
    digest TEXT NOT NULL, quarantined INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session, view, seq)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    session TEXT, detail TEXT NOT NULL DEFAULT ''
);
"""

_VISIBLE = "NOT EXISTS (SELECT 1 FROM batch_meta m WHERE m.session = b.session AND m.view = b.view AND m.seq = b.seq AND m.quarantined = 1)"


class SQLiteStorage:
    """``storage_api.Storage`` on one SQLite file (one connection per call: safe across threads)."""

    def __init__(self, path: str | Path, busy_seconds: float = 2.0) -> None:
        self.path = str(path)
        self.busy_seconds = busy_seconds
        self.skipped_on_read = 0
        self._limiters: dict[tuple[float, int], RateLimiter] = {}
        self._lock = threading.Lock()
        try:
            self.store = Store(self.path)
            with self._db() as db:
                db.executescript(EXTRA_SCHEMA)
        except sqlite3.Error as err:
            raise StorageUnavailable(str(err)) from None

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=self.busy_seconds)
            try:
                with db:
                    yield db
            finally:
                db.close()
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise StorageBusy("database is locked", retry_after=1) from None
            raise StorageUnavailable(str(err)) from None
        except sqlite3.Error as err:
            raise StorageUnavailable(str(err)) from None

    def add(self, batch: IncomingBatch) -> AddResult:
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT digest FROM batch_meta WHERE session = ? AND view = ? AND seq = ?",
                             (batch.session, batch.view, batch.seq)).fetchone()
            if row is None and db.execute("SELECT 1 FROM batches WHERE session = ? AND view = ? AND seq = ?",
                                          (batch.session, batch.view, batch.seq)).fetchone():
                row = ("",)  # a batch from before digests were kept: never overwritten
            if row is not None:
                return AddResult.DUPLICATE if row[0] == batch.digest else AddResult.CONFLICT
            db.execute(
                "INSERT INTO batches (session, view, seq, received_at, event_count, body_bytes, first_ts, last_ts, "
                "events, pii_masked, pages, dropped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (batch.session, batch.view, batch.seq, time.time(), batch.event_count, batch.body_bytes, batch.first_ts,
                 batch.last_ts, batch.events_json.decode(), batch.pii_masked, batch.pages, batch.dropped),
            )
            db.execute("INSERT INTO batch_meta (session, view, seq, digest) VALUES (?, ?, ?, ?)",
                       (batch.session, batch.view, batch.seq, batch.digest))
            return AddResult.STORED

    def stored_digest(self, session: str, view: str, seq: int) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT digest FROM batch_meta WHERE session = ? AND view = ? AND seq = ?",
                             (session, view, seq)).fetchone()
        return row[0] if row else None

    def session_exists(self, session: str) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM batches WHERE session = ? LIMIT 1", (session,)).fetchone() is not None

    def sessions(self, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        with self._db() as db:
            rows = db.execute(
                "SELECT b.session, COUNT(DISTINCT b.view), COUNT(*), SUM(b.event_count), SUM(b.body_bytes), "
                "MIN(b.first_ts), MAX(b.last_ts), SUM(b.pages), SUM(b.dropped), "
                "SUM(COALESCE(m.quarantined, 0)), MAX(b.received_at) FROM batches b LEFT JOIN batch_meta m "
                "ON m.session = b.session AND m.view = b.view AND m.seq = b.seq "
                "GROUP BY b.session ORDER BY MAX(b.received_at) DESC LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [
            {"session": s, "views": v, "batches": b, "events": e, "bytes": n, "start": first, "end": last,
             "durationMs": (last - first) if first is not None and last is not None else 0, "pages": pages,
             "dropped": dropped, "quarantined": q}
            for s, v, b, e, n, first, last, pages, dropped, q, _ in rows
        ]

    def iter_event_chunks(self, session: str) -> Iterator[bytes]:
        with self._db() as db:
            keys = db.execute(_VISIT_ORDER.format(columns="b.view, b.seq") + "", (session,)).fetchall()
        for view, seq in keys:  # one row in memory at a time, whatever the session's size
            with self._db() as db:
                row = db.execute(
                    f"SELECT b.events FROM batches b WHERE b.session = ? AND b.view = ? AND b.seq = ? AND {_VISIBLE}",
                    (session, view, seq)).fetchone()
            if row is None:
                continue
            text = row[0]
            try:
                json.loads(text, parse_constant=_no_constant)
                assert text.startswith("[") and text.endswith("]") and len(text) > 2
            except (ValueError, AssertionError):
                self.skipped_on_read += 1
                continue
            yield text[1:-1].encode()

    def events(self, session: str) -> list[dict[str, Any]]:
        """Every served event of a session, parsed (a test convenience, not part of the contract)."""
        return json.loads(b"[" + b",".join(self.iter_event_chunks(session)) + b"]")

    def seqs(self, session: str) -> list[int]:
        """The stored batch numbers of a session, in visit order (a test convenience)."""
        return [seq for _, seq in self.identities(session)]

    def identities(self, session: str) -> list[tuple[str, int]]:
        with self._db() as db:
            return [(v, q) for v, q in db.execute(_VISIT_ORDER.format(columns="b.view, b.seq"), (session,))]

    def views(self, session: str) -> list[str]:
        ordered: list[str] = []
        for view, _ in self.identities(session):
            if not ordered or ordered[-1] != view:
                ordered.append(view)
        return ordered

    def batch_count(self, session: str) -> int:
        with self._db() as db:
            return db.execute("SELECT COUNT(*) FROM batches WHERE session = ?", (session,)).fetchone()[0]

    def totals(self) -> dict[str, int]:
        with self._db() as db:
            row = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(event_count), 0), COALESCE(SUM(pii_masked), 0), "
                "COALESCE(SUM(dropped), 0), COUNT(DISTINCT session) FROM batches"
            ).fetchone()
        return {"batches": row[0], "events": row[1], "piiMasked": row[2], "droppedBatches": row[3], "sessions": row[4]}

    def delete_session(self, session: str) -> bool:
        with self._db() as db:
            deleted = db.execute("DELETE FROM batches WHERE session = ?", (session,)).rowcount
            db.execute("DELETE FROM batch_meta WHERE session = ?", (session,))
        return deleted > 0

    def purge_expired(self, now: float, retention_days: float) -> int:
        cutoff = now - retention_days * 86400
        with self._db() as db:
            expired = [s for (s,) in db.execute(
                "SELECT session FROM batches GROUP BY session HAVING MAX(received_at) < ?", (cutoff,))]
        return sum(self.delete_session(s) for s in expired)

    def quarantine_batch(self, session: str, view: str, seq: int) -> bool:
        with self._db() as db:
            if not db.execute("SELECT 1 FROM batches WHERE session = ? AND view = ? AND seq = ?",
                              (session, view, seq)).fetchone():
                return False
            db.execute("INSERT INTO batch_meta (session, view, seq, digest, quarantined) VALUES (?, ?, ?, '', 1) "
                       "ON CONFLICT (session, view, seq) DO UPDATE SET quarantined = 1", (session, view, seq))
        return True

    def delete_batch(self, session: str, view: str, seq: int) -> bool:
        with self._db() as db:
            gone = db.execute("DELETE FROM batches WHERE session = ? AND view = ? AND seq = ?",
                              (session, view, seq)).rowcount
            db.execute("DELETE FROM batch_meta WHERE session = ? AND view = ? AND seq = ?", (session, view, seq))
        return gone > 0

    def audit(self, actor: str, action: str, session: str | None = None, detail: str = "") -> None:
        with self._db() as db:
            db.execute("INSERT INTO audit (at, actor, action, session, detail) VALUES (?, ?, ?, ?, ?)",
                       (time.time(), actor, action, session, detail))

    def audit_log(self, limit: int = 200, after_id: int = 0) -> list[dict[str, Any]]:
        with self._db() as db:
            rows = db.execute("SELECT id, at, actor, action, session, detail FROM audit WHERE id > ? ORDER BY id LIMIT ?",
                              (after_id, limit)).fetchall()
        return [{"id": i, "at": at, "actor": actor, "action": action, "session": s, "detail": d}
                for i, at, actor, action, s, d in rows]

    def rate_acquire(self, key: str, per_second: float, burst: int) -> float:
        # In memory: right for one process, which is all this stand-in serves.
        with self._lock:
            limiter = self._limiters.setdefault((per_second, burst), RateLimiter(per_second, burst))
        return limiter.acquire(key)

    def close(self) -> None:
        pass


def _no_constant(name: str) -> Any:
    raise ValueError(name)
