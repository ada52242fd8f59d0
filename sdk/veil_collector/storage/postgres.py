"""The PostgreSQL storage backend: one database shared by any number of collector processes.

Rules: implements ``storage_api.Storage`` with the SQLite backend's behaviour (one shared suite
checks both). Processes share nothing but the database: dedup is the primary key (session, view,
seq), a session's key is created once (INSERT … ON CONFLICT), and rate-limit buckets are rows
updated atomically (one conditional upsert), so every limit holds across processes. Batches
reference their session's key (ON DELETE CASCADE): an erasure deletes the key and the rows in one
transaction, and a concurrent ``add`` either lands before it (and is erased) or creates a new key
after it. Waits are bounded: a pool checkout by ``connect_timeout``, a lock by ``lock_timeout``
(server side); running out raises ``StorageBusy``; an unreachable server ``StorageUnavailable``.
Connections come from two small pools (psycopg 3, psycopg_pool), each call holding one briefly:
transactions (writes) on one, single statements (reads, rate buckets) on autocommit connections.
``add`` goes through one writer thread per process (``common.GroupCommit``): the batches queued
together are inserted in one transaction, in a few statements whatever their number (multi-row, from
arrays), and each is answered once that transaction committed. The reads and one-row writes are the
shared ``sql.SharedSQL``, run through this backend's ``_one``/``_all``/``_change``; an erasure
leaves a tombstone (``erased_sessions``) in its transaction, and no key is created for a
tombstoned session again.
"""

from __future__ import annotations

import concurrent.futures
import functools
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import psycopg
import psycopg_pool
from psycopg import errors

from ..visits.search import TERM_LIST
from ..storage_api import AddResult, IncomingBatch, StorageBusy, StorageUnavailable
from ..visits.schema import index_schema
from . import common, crypto, sql
from .index_crypto import ORPHAN_TERMS_SQL
from .sql import SharedSQL

SCHEMA = [
    ("CREATE TABLE IF NOT EXISTS session_keys (session TEXT PRIMARY KEY, wrapped BYTEA NOT NULL, "
     "created_at DOUBLE PRECISION NOT NULL)"),
    ("CREATE TABLE IF NOT EXISTS batches (session TEXT NOT NULL REFERENCES session_keys (session) ON DELETE CASCADE, "
     "view TEXT NOT NULL, seq BIGINT NOT NULL, received_at DOUBLE PRECISION NOT NULL, event_count INTEGER NOT NULL, "
     "body_bytes INTEGER NOT NULL, first_ts DOUBLE PRECISION, last_ts DOUBLE PRECISION, sealed BYTEA NOT NULL, "
     "digest TEXT NOT NULL, pii_masked INTEGER NOT NULL DEFAULT 0, pages INTEGER NOT NULL DEFAULT 0, "
     "dropped INTEGER NOT NULL DEFAULT 0, quarantined INTEGER NOT NULL DEFAULT 0, format INTEGER NOT NULL DEFAULT 0, "
     "PRIMARY KEY (session, view, seq))"),
    # Sealed blobs are random bytes: TOAST's compression would only burn the server's CPU on them.
    "ALTER TABLE batches ALTER COLUMN sealed SET STORAGE EXTERNAL",
    "CREATE INDEX IF NOT EXISTS batches_received ON batches (received_at)",
    # Error and frustration counts (added later): a database from before them counts 0 for its batches.
    "ALTER TABLE batches ADD COLUMN IF NOT EXISTS errors INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE batches ADD COLUMN IF NOT EXISTS frustrations INTEGER NOT NULL DEFAULT 0",
    ("CREATE TABLE IF NOT EXISTS audit (id BIGSERIAL PRIMARY KEY, at DOUBLE PRECISION NOT NULL, actor TEXT NOT NULL, "
     "action TEXT NOT NULL, session TEXT, detail TEXT NOT NULL DEFAULT '')"),
    ("CREATE OR REPLACE FUNCTION veil_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
     "$$ BEGIN RAISE EXCEPTION 'audit is append-only'; END $$"),
    ("CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit "
     "FOR EACH STATEMENT EXECUTE FUNCTION veil_audit_append_only()"),
    "CREATE TABLE IF NOT EXISTS rate_buckets (key TEXT PRIMARY KEY, tat DOUBLE PRECISION NOT NULL)",
    # Erased sessions' ids: a tombstone refuses any later batch of the visit.
    "CREATE TABLE IF NOT EXISTS erased_sessions (session TEXT PRIMARY KEY, erased_at DOUBLE PRECISION NOT NULL)",
]

# GCRA: a bucket is its theoretical arrival time; a request is let through, and the time advanced,
# only when that stays within the burst: one atomic statement, whichever process asks.
RATE_SQL = (
    "INSERT INTO rate_buckets AS r (key, tat) VALUES (%(key)s, %(now)s + %(step)s) "
    "ON CONFLICT (key) DO UPDATE SET tat = GREATEST(r.tat, %(now)s) + %(step)s "
    "WHERE GREATEST(r.tat, %(now)s) + %(step)s - %(now)s <= %(burst)s * %(step)s RETURNING tat"
)
# The same in one round trip: (the new time when let through, else NULL; the bucket's time as the
# statement found it, for the wait). A data-modifying CTE's outer query sees the snapshot before it.
RATE_ONE_TRIP_SQL = ("WITH taken AS (" + RATE_SQL + ") SELECT (SELECT tat FROM taken), "
                     "(SELECT tat FROM rate_buckets WHERE key = %(key)s)")

# The index's terms are shared by visits: a transaction that may point at terms holds this lock
# shared, one that deletes the terms nothing points at any more holds it alone, each from its first
# statement (so neither waits on the other while holding rows the other needs).
TERMS_SHARED_SQL = "SELECT pg_advisory_xact_lock_shared(7466912)"
TERMS_EXCLUSIVE_SQL = "SELECT pg_advisory_xact_lock(7466912)"

_BUSY = (errors.LockNotAvailable, errors.QueryCanceled, errors.DeadlockDetected, errors.SerializationFailure,
         errors.TooManyConnections)

T = TypeVar("T")


# visits.search.TERM_LIST (a JSON list of term ids in one parameter) as PostgreSQL reads it.
_TERM_LIST = "(SELECT value::bigint FROM json_array_elements_text(?::json))"


def _q(sql: str) -> str:
    """The shared SQL's ``?`` placeholders in psycopg's style (and its one SQLite-only phrase,
    ``TERM_LIST``, in PostgreSQL's words)."""
    return sql.replace(TERM_LIST, _TERM_LIST).replace("?", "%s")


def _runner(conn: psycopg.Connection) -> Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]:
    """``execute(sql, params) -> rows`` in one connection's transaction, for the shared SQL's ``?`` style."""

    def execute(statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        cursor = conn.execute(_q(statement), params)
        return cursor.fetchall() if cursor.description is not None else []

    return execute


def _translate(err: BaseException, lock_timeout: float) -> BaseException:
    """The contract's error for a database error (StorageBusy or StorageUnavailable); others as they are."""
    if isinstance(err, psycopg_pool.PoolTimeout):
        return StorageBusy(f"no database connection free: {err}", retry_after=1)
    if isinstance(err, _BUSY):
        return StorageBusy(f"database busy: {err}", retry_after=max(1, round(lock_timeout)))
    if isinstance(err, (psycopg.Error, psycopg_pool.PoolClosed)):
        return StorageUnavailable(f"database unavailable: {err}")
    return err


def _translated(method: Callable[..., T]) -> Callable[..., T]:
    """Only StorageBusy and StorageUnavailable leave a public method (the contract's rule)."""

    @functools.wraps(method)
    def call(self: PostgresStorage, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except (psycopg_pool.PoolTimeout, psycopg.Error, psycopg_pool.PoolClosed) as err:
            raise _translate(err, self.lock_timeout) from err

    return call


class PostgresStorage(SharedSQL):
    """``Storage`` on a PostgreSQL database (``postgresql://`` URL)."""

    rate_limits_in_process = False  # the buckets are rows every process shares (a database call)

    def __init__(self, url: str, master_key: bytes, *, lock_timeout: float = 5.0, connect_timeout: float = 5.0,
                 pool_size: int = 8) -> None:
        self.lock_timeout = lock_timeout
        self._master = crypto.check_master_key(master_key)
        self._init_index(master_key)
        options = f"-c lock_timeout={int(lock_timeout * 1000)} -c statement_timeout={int(max(30, lock_timeout * 4) * 1000)}"
        self._pool = psycopg_pool.ConnectionPool(
            url, min_size=1, max_size=pool_size, timeout=connect_timeout, open=False,
            kwargs={"options": options, "connect_timeout": max(1, int(connect_timeout))},
        )
        # Single statements (reads, rate buckets) on autocommit connections: one round trip each
        # instead of BEGIN, the statement and COMMIT. Nothing durable is written through them (a
        # bucket lost in a crash only forgives a little, hence synchronous_commit off).
        self._quick = psycopg_pool.ConnectionPool(
            url, min_size=1, max_size=pool_size, timeout=connect_timeout, open=False,
            kwargs={"options": options + " -c synchronous_commit=off", "autocommit": True,
                    "connect_timeout": max(1, int(connect_timeout))},
        )
        try:
            self._pool.open(wait=True, timeout=connect_timeout)
            self._quick.open(wait=True, timeout=connect_timeout)
        except psycopg_pool.PoolTimeout as err:
            self._pool.close()
            self._quick.close()
            raise StorageUnavailable(f"cannot reach PostgreSQL: {err}") from err
        self._setup()
        self._writer = common.GroupCommit(self._add_many, self._add_one, name="veil-postgres-writer",
                                          translate=lambda err: _translate(err, self.lock_timeout))

    @_translated
    def _setup(self) -> None:
        with self._pool.connection() as conn:
            # Several processes may start at once: one creates the schema, the others wait for it.
            conn.execute("SELECT pg_advisory_xact_lock(7466911)")
            for statement in SCHEMA:
                conn.execute(statement)
            for statement in index_schema("postgres"):
                conn.execute(statement)
            execute = _runner(conn)
            for (session,) in conn.execute(_q(sql.UNINDEXED_SQL)).fetchall():  # visits stored before the index
                sql.reindex(execute, self._index_keys, self._master, session)

    # -- writes ------------------------------------------------------------------------------
    @_translated
    def add(self, batch: IncomingBatch) -> AddResult:
        # Through this process's writer thread: batches queued together share one transaction.
        return self._writer.add(batch)

    def submit(self, batch: IncomingBatch, keyless: bool = False) -> concurrent.futures.Future[AddResult]:
        """``add`` without waiting: a future of its result, completed once committed (see GroupCommit)."""
        return self._writer.submit(batch, keyless)

    def _add_one(self, batch: IncomingBatch, keyless: bool = False) -> AddResult:
        for attempt in range(3):
            try:
                return self._add_many([batch], [keyless])[0]
            except errors.ForeignKeyViolation:
                # The session was erased between reading its key and inserting: go again (new key).
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _add_many(self, batches: Sequence[IncomingBatch], keyless: Sequence[bool] = ()) -> list[AddResult]:
        """Store the batches in one transaction (committed when the pool's block ends), in a few
        statements whatever their number: the group's session keys in one (and the missing ones
        created in one), the batches sent with their key in one multi-row insert, the dedup answers
        of those that were not new in one. A batch sent without its key goes alone, after them."""
        flags = keyless or [False] * len(batches)
        results: list[AddResult | None] = [None] * len(batches)
        with self._pool.connection() as conn:
            conn.execute(TERMS_SHARED_SQL)  # first: an erasure's cleanup of the index's terms waits for this
            now = time.time()
            keys = self._keys_for(conn, sorted({b.session for b in batches}), now)
            for i, batch in enumerate(batches):
                if batch.session not in keys:  # erased: no key is created for it again
                    results[i] = AddResult.ERASED
            # In identity order: two writers inserting overlapping rows take their locks in one order.
            keyed = sorted((i for i, bare in enumerate(flags) if not bare and results[i] is None),
                           key=lambda i: (batches[i].session, batches[i].view, batches[i].seq))
            if keyed:
                self._insert_many(conn, [batches[i] for i in keyed], keys, now, results, keyed)
            for i, bare in enumerate(flags):
                if bare and results[i] is None:
                    refused = self._keyless_refusal(conn, batches[i])
                    if refused is None:
                        self._insert_many(conn, [batches[i]], keys, now, results, [i])
                    else:
                        results[i] = refused
            self._index(conn, [b for b, r in zip(batches, results, strict=True) if r is AddResult.STORED], keys, now)
        return [r for r in results if r is not None]

    def _index(self, conn: psycopg.Connection, stored: Sequence[IncomingBatch], keys: dict[str, Any], now: float) -> None:
        """Fold the batches this transaction stored into their visits' index, in the order they came.
        Each visit is locked first (an advisory lock per session, taken in session order after every
        insert, so no two writers wait on each other in a circle), so that writers of several
        processes folding the same visit take turns, each seeing the last one's committed row."""
        if not stored:
            return
        execute = _runner(conn)
        for session in sorted({b.session for b in stored}):
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7466911))", (session,))
        mine: dict[tuple[str, str], list[int]] = {}
        for batch in stored:
            mine.setdefault((batch.session, batch.view), []).append(batch.seq)
        folded: set[tuple[str, str]] = set()
        for batch in stored:
            view = (batch.session, batch.view)
            new_view = False
            if view not in folded:  # new unless a batch of it stored before this transaction exists
                row = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM batches WHERE session = %s AND view = %s "
                                   "AND NOT seq = ANY(%s))", (batch.session, batch.view, mine[view])).fetchone()
                new_view = bool(row and row[0])
                folded.add(view)
            sql.index_stored(execute, self._index_keys, batch, now, new_view=new_view, key=keys[batch.session])

    def _keys_for(self, conn: psycopg.Connection, sessions: list[str], now: float) -> dict[str, Any]:
        """The sessions' keys, unwrapped; the missing ones created (once, whichever process asks),
        except for an erased session (its tombstone), which is left out of the answer."""
        found: dict[str, bytes] = dict(conn.execute(
            "SELECT session, wrapped FROM session_keys WHERE session = ANY(%s)", (sessions,)).fetchall())
        missing = [s for s in sessions if s not in found]
        if missing:
            # (An erasure racing this insert deletes a key this transaction already read: the batch
            # insert then fails its foreign key and ``_add_one`` goes again, seeing the tombstone.)
            found.update(conn.execute(
                "INSERT INTO session_keys (session, wrapped, created_at) SELECT s, w, %s "
                "FROM unnest(%s::text[], %s::bytea[]) AS t(s, w) "
                "WHERE NOT EXISTS (SELECT 1 FROM erased_sessions e WHERE e.session = t.s) "
                "ON CONFLICT (session) DO NOTHING RETURNING session, wrapped",
                (now, missing, [crypto.new_wrapped_key(self._master, s) for s in missing])).fetchall())
            late = [s for s in missing if s not in found]  # created meanwhile by another process
            if late:
                found.update(conn.execute("SELECT session, wrapped FROM session_keys WHERE session = ANY(%s)",
                                          (late,)).fetchall())
        return {s: crypto.unwrap(self._master, s, bytes(w)) for s, w in found.items()}

    @staticmethod
    def _insert_many(conn: psycopg.Connection, batches: Sequence[IncomingBatch], keys: dict[str, Any], now: float,
                     results: list[AddResult | None], where: Sequence[int]) -> None:
        """Insert the batches with one statement; ``results[where[k]]`` gets batch k's answer."""
        columns: list[list[Any]] = [[] for _ in range(15)]
        for batch in batches:
            form, plaintext = common.stored_form(batch)
            sealed = crypto.seal(keys[batch.session], batch.session, batch.view, batch.seq, plaintext,
                                 compress=form == common.FORMAT_EVENTS)
            for column, value in zip(columns, (
                    batch.session, batch.view, batch.seq, batch.event_count, batch.body_bytes, batch.first_ts,
                    batch.last_ts, sealed, batch.digest, batch.pii_masked, batch.pages, batch.dropped, form,
                    batch.errors, batch.frustrations), strict=True):
                column.append(value)
        inserted = set(conn.execute(
            "INSERT INTO batches (session, view, seq, received_at, event_count, body_bytes, first_ts, last_ts, "
            "sealed, digest, pii_masked, pages, dropped, format, errors, frustrations) "
            # (Binary parameters, %b: a text array of bytea would be hex-escaped, 44 KB per 22 KB blob.)
            "SELECT s, v, q, %s, n, b, f, l, x, d, m, p, r, fm, e, fr FROM unnest(%b::text[], %b::text[], "
            "%b::bigint[], %b::int[], %b::int[], %b::float8[], %b::float8[], %b::bytea[], %b::text[], %b::int[], "
            "%b::int[], %b::int[], %b::int[], %b::int[], %b::int[]) AS t(s, v, q, n, b, f, l, x, d, m, p, r, fm, e, fr) "
            "ON CONFLICT (session, view, seq) DO NOTHING RETURNING session, view, seq",
            (now, *columns)).fetchall())
        others = []
        for k, batch in enumerate(batches):
            ident = (batch.session, batch.view, batch.seq)
            if ident in inserted:
                inserted.discard(ident)  # a second copy in the same group is not new
                results[where[k]] = AddResult.STORED
            else:
                others.append(k)
        if not others:
            return
        stored = {(s, v, q): d for s, v, q, d in conn.execute(
            "SELECT session, view, seq, digest FROM batches WHERE (session, view, seq) IN "
            "(SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[]))",
            ([batches[k].session for k in others], [batches[k].view for k in others],
             [batches[k].seq for k in others])).fetchall()}
        for k in others:
            batch = batches[k]
            same = stored.get((batch.session, batch.view, batch.seq)) == batch.digest
            results[where[k]] = AddResult.DUPLICATE if same else AddResult.CONFLICT

    @staticmethod
    def _keyless_refusal(conn: psycopg.Connection, batch: IncomingBatch) -> AddResult | None:
        """For a batch sent without its key: its dedup answer when its identity is stored, KEY_REQUIRED
        when its session exists without its page view, None when it may be inserted."""
        row = conn.execute(  # one round trip
            "SELECT (SELECT digest FROM batches WHERE session = %s AND view = %s AND seq = %s), "
            + _q(sql.KEYLESS_SQL).removeprefix("SELECT "),
            (batch.session, batch.view, batch.seq, batch.session, batch.session, batch.view)).fetchone()
        assert row is not None  # a SELECT without FROM has its one row
        stored, known, same_view = row
        if stored is not None:
            return AddResult.DUPLICATE if stored == batch.digest else AddResult.CONFLICT
        return AddResult.KEY_REQUIRED if known and not same_view else None

    @_translated
    def delete_session(self, session: str) -> bool:
        with self._pool.connection() as conn:  # one transaction: the key, its rows, the tombstone
            conn.execute(TERMS_EXCLUSIVE_SQL)
            gone = conn.execute("DELETE FROM session_keys WHERE session = %s", (session,)).rowcount > 0
            if gone:
                conn.execute("INSERT INTO erased_sessions (session, erased_at) VALUES (%s, %s) "
                             "ON CONFLICT (session) DO NOTHING", (session, time.time()))
                conn.execute(ORPHAN_TERMS_SQL)  # the index's terms only this visit pointed at
            return gone

    @_translated
    def purge_expired(self, now: float, retention_days: float) -> int:
        cutoff = now - retention_days * 86400
        with self._pool.connection() as conn:
            conn.execute(TERMS_EXCLUSIVE_SQL)
            gone = conn.execute(
                "DELETE FROM session_keys k WHERE created_at < %s AND NOT EXISTS "
                "(SELECT 1 FROM batches b WHERE b.session = k.session AND b.received_at >= %s)", (cutoff, cutoff)
            ).rowcount
            conn.execute("DELETE FROM rate_buckets WHERE tat < %s", (now,))  # a full bucket needs no row
            if gone:
                conn.execute(ORPHAN_TERMS_SQL)
            return gone

    def _reindexed(self, statement: str, session: str, view: str, seq: int) -> bool:
        """A change to one batch and its visit's index folded again, in one transaction."""
        with self._pool.connection() as conn:
            conn.execute(TERMS_EXCLUSIVE_SQL)
            if conn.execute(_q(statement), (session, view, seq)).rowcount == 0:
                return False
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7466911))", (session,))
            sql.reindex(_runner(conn), self._index_keys, self._master, session)
            return True

    @_translated
    def quarantine_batch(self, session: str, view: str, seq: int) -> bool:
        return self._reindexed(sql.QUARANTINE_SQL, session, view, seq)

    @_translated
    def delete_batch(self, session: str, view: str, seq: int) -> bool:
        return self._reindexed(sql.DELETE_BATCH_SQL, session, view, seq)

    @_translated
    def rate_acquire(self, key: str, per_second: float, burst: int) -> float:
        now, step = time.time(), 1.0 / per_second
        with self._quick.connection() as conn:
            row = conn.execute(RATE_ONE_TRIP_SQL, {"key": key, "now": now, "step": step, "burst": burst}).fetchone()
        assert row is not None  # a SELECT without FROM has its one row
        taken, tat = row
        if taken is not None:
            return 0.0
        tat = now if tat is None else tat
        return max(0.001, max(tat, now) + step - now - burst * step)

    # -- the runners of the shared SQL (sql.SharedSQL) ----------------------------------------
    # Reads take an autocommit connection (one round trip); a change takes a transaction.
    @_translated
    def _one(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self._quick.connection() as conn:
            return conn.execute(_q(statement), params).fetchone()

    @_translated
    def _all(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._quick.connection() as conn:
            return conn.execute(_q(statement), params).fetchall()

    @_translated
    def _change(self, statement: str, params: Sequence[Any] = ()) -> int:
        with self._pool.connection() as conn:
            return conn.execute(_q(statement), params).rowcount

    def close(self) -> None:
        self._writer.close()
        self._pool.close()
        self._quick.close()
