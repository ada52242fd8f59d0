"""Collector storage: batches in SQLite (WAL mode), deduplicated by (session, view, seq).

Rules: stores what the validator accepted, exactly once per (session, view, seq): a batch's
identity is its session, its page view and its number within that page view, so a seq reused by
another page view of the same session is a new batch, never a retry. Reads return a visit's page
views in the order they began (earliest event), each page view's batches in seq order. One
connection per call keeps it safe across server threads.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    session TEXT NOT NULL,
    view TEXT NOT NULL,
    seq INTEGER NOT NULL,
    received_at REAL NOT NULL,
    event_count INTEGER NOT NULL,
    body_bytes INTEGER NOT NULL,
    first_ts REAL,
    last_ts REAL,
    events TEXT NOT NULL,
    pii_masked INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    dropped INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session, view, seq)
);
"""

# A database from before page views had ids keyed batches on (session, seq): its rows become one
# page view of their session, with this id.
LEGACY_VIEW = "0" * 16


def _pages(events: list[dict[str, Any]]) -> int:
    """Page views in a batch: full page loads (meta events) and SPA navigations."""
    return sum(
        1 for e in events
        if e.get("type") == 4 or (e.get("type") == 5 and isinstance(e.get("data"), dict) and e["data"].get("tag") == "veil:navigation")
    )


class Store:
    """SQLite-backed batch store."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            present = {row[1] for row in db.execute("PRAGMA table_info(batches)")}
            if present and "view" not in present:
                self._migrate_legacy(db, present)
            db.executescript(SCHEMA)

    @staticmethod
    def _migrate_legacy(db: sqlite3.Connection, present: set[str]) -> None:
        """Re-key an older database's batches on (session, view, seq), keeping every row."""
        db.execute("ALTER TABLE batches RENAME TO batches_legacy")
        db.executescript(SCHEMA)
        counters = [c for c in ("pii_masked", "pages", "dropped") if c in present]
        columns = "session, seq, received_at, event_count, body_bytes, first_ts, last_ts, events"
        extra = "".join(", " + c for c in counters)
        db.execute(
            f"INSERT INTO batches (view, {columns}{extra}) SELECT ?, {columns}{extra} FROM batches_legacy",
            (LEGACY_VIEW,),
        )
        db.execute("DROP TABLE batches_legacy")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA busy_timeout=10000")
        return db

    def add(self, session: str, view: str, seq: int, events: list[dict[str, Any]], body_bytes: int,
            pii_masked: int = 0, dropped: int = 0) -> bool:
        """Store a batch; False when (session, view, seq) was already stored (a retry)."""
        stamps = [e["timestamp"] for e in events]
        with self._connect() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO batches (session, view, seq, received_at, event_count, body_bytes, first_ts, "
                "last_ts, events, pii_masked, pages, dropped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session, view, seq, time.time(), len(events), body_bytes, min(stamps, default=None),
                 max(stamps, default=None), json.dumps(events, separators=(",", ":")), pii_masked, _pages(events),
                 dropped),
            )
            return cur.rowcount == 1

    def views(self, session: str) -> list[str]:
        """The page views of a session, in the order they began."""
        ordered: list[str] = []
        for view, _ in self.identities(session):
            if not ordered or ordered[-1] != view:
                ordered.append(view)
        return ordered

    def totals(self) -> dict[str, int]:
        """Totals over everything stored."""
        with self._connect() as db:
            row = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(event_count), 0), COALESCE(SUM(pii_masked), 0), "
                "COALESCE(SUM(dropped), 0), COUNT(DISTINCT session) FROM batches"
            ).fetchone()
        return {"batches": row[0], "events": row[1], "piiMasked": row[2], "droppedBatches": row[3], "sessions": row[4]}

    def sessions(self) -> list[dict[str, Any]]:
        """One summary row per session, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT session, COUNT(*), SUM(event_count), SUM(body_bytes), MIN(first_ts), MAX(last_ts), "
                "SUM(pages), MAX(received_at) FROM batches GROUP BY session ORDER BY MAX(received_at) DESC"
            ).fetchall()
        return [
            {"session": s, "batches": b, "events": e, "bytes": n, "start": first, "end": last,
             "durationMs": (last - first) if first is not None and last is not None else 0, "pages": pages}
            for s, b, e, n, first, last, pages, _ in rows
        ]

    def events(self, session: str) -> list[dict[str, Any]]:
        """All events of a session: page views in the order they began, each in batch order."""
        with self._connect() as db:
            rows = db.execute(_VISIT_ORDER.format(columns="b.events"), (session,)).fetchall()
        out: list[dict[str, Any]] = []
        for (blob,) in rows:
            out.extend(json.loads(blob))
        return out

    def seqs(self, session: str) -> list[int]:
        """The stored batch numbers of a session, in visit order (see ``events``)."""
        return [seq for _, seq in self.identities(session)]

    def identities(self, session: str) -> list[tuple[str, int]]:
        """The stored (view, seq) of a session's batches, in visit order (see ``events``)."""
        with self._connect() as db:
            return [(v, q) for v, q in db.execute(_VISIT_ORDER.format(columns="b.view, b.seq"), (session,))]

    def batch_count(self, session: str) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM batches WHERE session = ?", (session,)).fetchone()[0]


# A visit's batches: each page view starts at its earliest event (ties broken by its id), and its
# batches follow in seq order.
_VISIT_ORDER = (
    "SELECT {columns} FROM batches b JOIN (SELECT view, MIN(first_ts) AS began FROM batches WHERE session = ?1 "
    "GROUP BY view) v ON v.view = b.view WHERE b.session = ?1 ORDER BY v.began, b.view, b.seq"
)
