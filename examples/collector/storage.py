"""Collector storage: batches in SQLite (WAL mode), deduplicated by (session, seq).

Rules: stores what the validator accepted, exactly once per (session, seq); reads return events in
sequence order. One connection per call keeps it safe across server threads.
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
    PRIMARY KEY (session, seq)
);
"""


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
            db.executescript(SCHEMA)
            # A database made by an earlier version lacks the newer counters: add them.
            present = {row[1] for row in db.execute("PRAGMA table_info(batches)")}
            for column in ("pii_masked", "pages", "dropped"):
                if column not in present:
                    db.execute(f"ALTER TABLE batches ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA busy_timeout=10000")
        return db

    def add(self, session: str, seq: int, events: list[dict[str, Any]], body_bytes: int, pii_masked: int = 0,
            dropped: int = 0) -> bool:
        """Store a batch; False when (session, seq) was already stored (a retry)."""
        stamps = [e["timestamp"] for e in events]
        with self._connect() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO batches (session, seq, received_at, event_count, body_bytes, first_ts, "
                "last_ts, events, pii_masked, pages, dropped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session, seq, time.time(), len(events), body_bytes, min(stamps, default=None),
                 max(stamps, default=None), json.dumps(events, separators=(",", ":")), pii_masked, _pages(events),
                 dropped),
            )
            return cur.rowcount == 1

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
        """All events of a session, in batch sequence order."""
        with self._connect() as db:
            rows = db.execute("SELECT events FROM batches WHERE session = ? ORDER BY seq", (session,)).fetchall()
        out: list[dict[str, Any]] = []
        for (blob,) in rows:
            out.extend(json.loads(blob))
        return out

    def seqs(self, session: str) -> list[int]:
        """The stored batch numbers of a session, in order."""
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT seq FROM batches WHERE session = ? ORDER BY seq", (session,))]

    def batch_count(self, session: str) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM batches WHERE session = ?", (session,)).fetchone()[0]
