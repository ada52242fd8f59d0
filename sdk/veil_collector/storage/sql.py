"""The SQL both backends share, written once: every read, the one-row writes and the audit.

Rules: statements are written with ``?`` placeholders in SQL both SQLite and PostgreSQL run;
``SharedSQL`` reaches its database only through three runners a backend provides (``_one``,
``_all``, ``_change``), which put the placeholders in the driver's style and raise nothing but
``StorageBusy`` or ``StorageUnavailable``, so every method here keeps the contract's error rule.
What differs between the backends (connections, schema, the batch writer, erasure, purge, rate
buckets) stays in ``sqlite.py`` and ``postgres.py``. A new query for the HTTP layer belongs in
``storage_api.Storage`` and, written once, here.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..storage_api import IncomingBatch
from ..visits import store as index_store
from ..visits.index import BatchFacts, batch_facts
from ..visits.queries import IndexQueries
from ..visits.search import Search
from . import crypto
from .common import FORMAT_EVENTS, events_json_of, facts_of
from .index_crypto import ORPHAN_TERMS_SQL, IndexCipher, Terms

Row = tuple[Any, ...]

# A batch sent without its session key may be stored only if its session is new, or already holds
# a batch of the same page view (whose random id travels only inside batch bodies): (known, same view).
KEYLESS_SQL = ("SELECT EXISTS (SELECT 1 FROM batches WHERE session = ?), "
               "EXISTS (SELECT 1 FROM batches WHERE session = ? AND view = ?)")

DIGEST_SQL = "SELECT digest FROM batches WHERE session = ? AND view = ? AND seq = ?"

# Summary columns, in the order ``summary`` reads them: counts leave quarantined batches out.
SESSIONS_SQL = (
    "SELECT session, COUNT(DISTINCT view), "
    "SUM(CASE WHEN quarantined = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN quarantined = 0 THEN event_count ELSE 0 END), "
    "SUM(CASE WHEN quarantined = 0 THEN body_bytes ELSE 0 END), MIN(CASE WHEN quarantined = 0 THEN first_ts END), "
    "MAX(CASE WHEN quarantined = 0 THEN last_ts END), SUM(CASE WHEN quarantined = 0 THEN pages ELSE 0 END), "
    "SUM(dropped), SUM(quarantined), MAX(received_at) "
    "FROM batches GROUP BY session ORDER BY MAX(received_at) DESC, session LIMIT ? OFFSET ?"
)

# The error and frustration counts of each visit (quarantined batches left out).
_CONTEXT_COLUMNS = (", SUM(CASE WHEN quarantined = 0 THEN errors ELSE 0 END), "
                    "SUM(CASE WHEN quarantined = 0 THEN frustrations ELSE 0 END) FROM batches GROUP BY session")

# Columns a database from before they existed lacks: added in place, 0 for the batches it holds.
CONTEXT_COLUMNS = ("errors", "frustrations")

TOTALS_SQL = (
    "SELECT COUNT(*), COALESCE(SUM(event_count), 0), COALESCE(SUM(pii_masked), 0), "
    "COALESCE(SUM(dropped), 0), COUNT(DISTINCT session) FROM batches"
)

# A visit's batches: each page view starts at its earliest event (a view without timestamps last,
# ties broken by its id), and its batches follow in seq order.
VISIT_ORDER_SQL = (
    "SELECT {columns} FROM batches b JOIN (SELECT view, MIN(first_ts) AS began FROM batches WHERE session = ? "
    "GROUP BY view) v ON v.view = b.view WHERE b.session = ?{where} ORDER BY (v.began IS NULL), v.began, b.view, b.seq"
)

QUARANTINE_SQL = "UPDATE batches SET quarantined = 1 WHERE session = ? AND view = ? AND seq = ?"
DELETE_BATCH_SQL = "DELETE FROM batches WHERE session = ? AND view = ? AND seq = ?"

CHUNK_SQL = ("SELECT b.sealed, k.wrapped, b.format FROM batches b JOIN session_keys k ON k.session = b.session "
             "WHERE b.session = ? AND b.view = ? AND b.seq = ? AND b.quarantined = 0")

AUDIT_INSERT_SQL = "INSERT INTO audit (at, actor, action, session, detail) VALUES (?, ?, ?, ?, ?)"
AUDIT_LOG_SQL = "SELECT id, at, actor, action, session, detail FROM audit WHERE id > ? ORDER BY id LIMIT ?"


def sessions_sql(with_errors: bool = False, with_frustrations: bool = False) -> str:
    """SESSIONS_SQL with the context counts, keeping only visits that have what is asked for."""
    having = [cond for cond, wanted in (
        ("SUM(CASE WHEN quarantined = 0 THEN errors ELSE 0 END) > 0", with_errors),
        ("SUM(CASE WHEN quarantined = 0 THEN frustrations ELSE 0 END) > 0", with_frustrations)) if wanted]
    grouped = _CONTEXT_COLUMNS + (" HAVING " + " AND ".join(having) if having else "")
    return SESSIONS_SQL.replace(" FROM batches GROUP BY session", grouped, 1)


def views_in_order(identities: Sequence[tuple[str, int]]) -> list[str]:
    """A session's page views, in the order its (view, seq) identities come (visit order)."""
    ordered: list[str] = []
    for view, _ in identities:
        if not ordered or ordered[-1] != view:
            ordered.append(view)
    return ordered


def summary(row: Row) -> dict[str, Any]:
    session, views, batches, events, size, first, last, pages, dropped, quarantined, _, *context = row
    errors, frustrations = context or (0, 0)
    return {
        "session": session, "views": int(views), "batches": int(batches), "events": int(events or 0),
        "bytes": int(size or 0), "start": first, "end": last,
        "durationMs": (last - first) if first is not None and last is not None else 0,
        "pages": int(pages or 0), "dropped": int(dropped or 0), "quarantined": int(quarantined or 0),
        "errors": int(errors or 0), "frustrations": int(frustrations or 0),
    }


def totals(row: Row) -> dict[str, int]:
    return {"batches": int(row[0]), "events": int(row[1]), "piiMasked": int(row[2]), "droppedBatches": int(row[3]),
            "sessions": int(row[4])}


def audit_entry(row: Row) -> dict[str, Any]:
    return {"id": int(row[0]), "at": row[1], "actor": row[2], "action": row[3], "session": row[4], "detail": row[5]}


def inner(events_json: bytes) -> bytes:
    """The inside of a JSON array's text (no brackets, no surrounding blanks)."""
    text = events_json.strip()
    if text[:1] == b"[" and text[-1:] == b"]":
        text = text[1:-1].strip()
    return text


def open_chunk(master: AESGCM, session: str, view: str, seq: int, row: Row | None) -> bytes:
    """A stored batch's chunk for ``iter_event_chunks`` from its (sealed, wrapped key, format) row;
    b"" when it is gone or does not open (fail closed: such a batch is never served)."""
    if row is None:
        return b""
    sealed, wrapped, form = row
    try:
        key = crypto.unwrap(master, session, wrapped)
        plaintext = crypto.open_sealed(key, session, view, seq, sealed, compressed=form == FORMAT_EVENTS)
        return inner(events_json_of(form, plaintext))
    except (crypto.SealError, zlib.error, orjson.JSONDecodeError, KeyError, TypeError):
        return b""


# The session index (``visits``): a visit's batches, in visit order, to fold them again.
REINDEX_SQL = ("SELECT b.view, b.seq, b.event_count, b.body_bytes, b.dropped, b.received_at, b.quarantined "
               "FROM batches b JOIN (SELECT view, MIN(first_ts) AS began FROM batches WHERE session = ? GROUP BY view) v "
               "ON v.view = b.view WHERE b.session = ? ORDER BY (v.began IS NULL), v.began, b.view, b.seq")
SEALED_SQL = ("SELECT b.sealed, k.wrapped, b.format FROM batches b JOIN session_keys k ON k.session = b.session "
              "WHERE b.session = ? AND b.view = ? AND b.seq = ?")
# Visits stored before the index existed (or whose index was lost): filled in when storage opens.
UNINDEXED_SQL = "SELECT DISTINCT b.session FROM batches b WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.session = b.session)"


def index_stored(execute: index_store.Execute, keys: IndexCipher, batch: IncomingBatch, received_at: float, *,
                 new_view: bool | None = None, key: AESGCM | None = None) -> None:
    """Fold a batch being stored into its visit's index, in the transaction that stores it."""
    index_store.index_batch(execute, keys, batch.session, batch.view, facts_of(batch), events=batch.event_count,
                            body_bytes=batch.body_bytes, dropped=batch.dropped, received_at=received_at,
                            new_view=new_view, key=key)


def reindex(execute: index_store.Execute, keys: IndexCipher, master: AESGCM, session: str) -> None:
    """Recompute a visit's index from its stored batches, in the caller's transaction (after a batch
    was quarantined or deleted, and for a visit stored before the index). A batch that does not
    open counts with no events (fail closed: nothing is read from it)."""

    def batches() -> Iterator[tuple[str, BatchFacts, int, int, int, float, bool]]:
        for view, seq, count, size, dropped, received, quarantined in execute(REINDEX_SQL, (session, session)):
            found = execute(SEALED_SQL, (session, view, seq))
            chunk = open_chunk(master, session, view, int(seq), found[0] if found else None)
            events = orjson.loads(b"[" + chunk + b"]") if chunk else []
            yield str(view), batch_facts(events), int(count), int(size), int(dropped), float(received), bool(quarantined)

    index_store.rebuild_visit(execute, keys, session, batches())
    execute(ORPHAN_TERMS_SQL, ())


class SharedSQL(IndexQueries):
    """The ``Storage`` methods whose SQL both backends run as it is. A backend subclasses it and
    provides the runners, ``_master`` (its master key, which opens the sessions' keys) and, from
    ``_init_index``, the index's keys and opened dictionary. The session index's reads come from
    ``visits.queries.IndexQueries``."""

    _index_keys: IndexCipher
    _terms: Terms

    def _init_index(self, master_key: bytes) -> None:
        self._index_keys = IndexCipher(master_key)
        self._terms = Terms(self._index_keys)

    _master: AESGCM

    # -- the runners a backend provides ------------------------------------------------------
    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a read (on whatever thread asks)."""
        raise NotImplementedError

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a read."""
        raise NotImplementedError

    def _change(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write statement in a transaction of its own, durable on return; the rows it changed."""
        raise NotImplementedError

    # -- reads -------------------------------------------------------------------------------
    def stored_digest(self, session: str, view: str, seq: int) -> str | None:
        row = self._one(DIGEST_SQL, (session, view, seq))
        return None if row is None else str(row[0])

    def session_exists(self, session: str) -> bool:
        return self._one("SELECT 1 FROM batches WHERE session = ? LIMIT 1", (session,)) is not None

    def sessions(self, limit: int = 200, offset: int = 0, *, with_errors: bool = False,
                 with_frustrations: bool = False) -> list[dict[str, Any]]:
        search = Search(with_errors=with_errors, frustrations=("any",) if with_frustrations else (), limit=limit,
                        offset=offset)
        return self.search_visits(search)[:limit]

    def _chunk(self, session: str, view: str, seq: int) -> bytes:
        return open_chunk(self._master, session, view, seq, self._one(CHUNK_SQL, (session, view, seq)))

    def _visit(self, session: str, columns: str, where: str = "") -> list[Row]:
        return self._all(VISIT_ORDER_SQL.format(columns=columns, where=where), (session, session))

    def identities(self, session: str) -> list[tuple[str, int]]:
        return [(v, int(q)) for v, q in self._visit(session, "b.view, b.seq")]

    def views(self, session: str) -> list[str]:
        return views_in_order(self.identities(session))

    def batch_count(self, session: str) -> int:
        row = self._one("SELECT COUNT(*) FROM batches WHERE session = ?", (session,))
        return int(row[0]) if row else 0

    def totals(self) -> dict[str, int]:
        row = self._one(TOTALS_SQL)
        assert row is not None  # an aggregate without GROUP BY always has its row
        return totals(row)

    def audit_log(self, limit: int = 200, after_id: int = 0) -> list[dict[str, Any]]:
        return [audit_entry(r) for r in self._all(AUDIT_LOG_SQL, (after_id, limit))]

    def iter_event_chunks(self, session: str) -> Iterator[bytes]:
        # The order is fixed first (small); then one short query per batch, on whatever thread pulls
        # the next one, holding no connection or transaction between chunks, and re-reading the key
        # each time, so that an erasure mid-stream stops the stream at once.
        order = [(v, int(q)) for v, q in self._visit(session, "b.view, b.seq", " AND b.quarantined = 0")]
        for view, seq in order:
            chunk = open_chunk(self._master, session, view, seq, self._one(CHUNK_SQL, (session, view, seq)))
            if chunk:
                yield chunk

    # -- one-row writes and the audit --------------------------------------------------------

    def audit(self, actor: str, action: str, session: str | None = None, detail: str = "") -> None:
        self._change(AUDIT_INSERT_SQL, (time.time(), actor, action, session, detail))
