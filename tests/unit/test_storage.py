"""The collector's storage contract, one suite run against both backends (SQLite and PostgreSQL).

What a collector operator relies on: each batch stored once, visits read back in order and in
bounded pieces, erasure and expiry effective at once and provable on the stored bytes (crypto-
shredding), quarantine, an append-only audit log, bounded lock waits, shared rate limits.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time

import orjson
import psycopg
import pytest

from veil_collector.storage import AddResult, StorageBusy, batch_from_events, open_storage

KEY = bytes(range(32))
S1, S2 = "a" * 16, "b" * 16
V1, V2 = "0123456789abcdef", "fedcba9876543210"


def batch(session: str, view: str, seq: int, ts: float = 1000.0, text: str = "hello", n: int = 2):
    events = [{"type": 3, "data": {"source": 5, "text": text, "i": i}, "timestamp": ts + i} for i in range(n)]
    return batch_from_events(session, view, seq, events, body_bytes=100)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    """``(make, kind, where)``: ``make(**options)`` opens another handle on the same storage."""
    where = str(tmp_path / "veil.sqlite3") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    opened = []

    def make(master_key: bytes = KEY, **options):
        store = open_storage(where, master_key, **options)
        opened.append(store)
        return store

    yield make, request.param, where
    for store in opened:
        store.close()


@pytest.fixture
def store(backend):
    return backend[0]()


def visit(store, session: str) -> list[dict]:
    return orjson.loads(b"[" + b",".join(store.iter_event_chunks(session)) + b"]")


def test_each_identity_is_stored_once_and_a_different_body_under_it_is_refused(store):
    first = batch(S1, V1, 0)
    assert store.add(first) is AddResult.STORED
    assert store.add(first) is AddResult.DUPLICATE
    assert store.add(batch(S1, V1, 0, text="other")) is AddResult.CONFLICT
    assert store.stored_digest(S1, V1, 0) == first.digest and store.stored_digest(S1, V1, 1) is None
    assert store.add(batch(S1, V2, 0)) is AddResult.STORED, "the same seq in another page view is a new batch"
    assert store.batch_count(S1) == 2 and store.session_exists(S1) and not store.session_exists(S2)


def test_a_visit_reads_back_page_views_in_the_order_they_began_each_in_seq_order(store):
    store.add(batch(S1, V1, 1, ts=2000, text="v1s1"))
    store.add(batch(S1, V2, 0, ts=1000, text="v2s0"))
    store.add(batch(S1, V1, 0, ts=1500, text="v1s0"))
    assert store.views(S1) == [V2, V1]
    assert store.identities(S1) == [(V2, 0), (V1, 0), (V1, 1)]
    chunks = list(store.iter_event_chunks(S1))
    assert len(chunks) == 3 and not chunks[0].startswith(b"["), "one chunk per batch: the inside of its array"
    assert [e["data"]["text"] for e in visit(store, S1)[::2]] == ["v2s0", "v1s0", "v1s1"]


def test_session_listing_totals_and_quarantine(store):
    store.add(batch(S1, V1, 0, n=3))
    store.add(batch(S1, V1, 1, n=3))
    time.sleep(0.01)
    store.add(batch(S2, V1, 0, n=1))
    assert [s["session"] for s in store.sessions()] == [S2, S1], "newest activity first"
    assert [s["session"] for s in store.sessions(limit=1, offset=1)] == [S1]
    assert store.totals() == {"batches": 3, "events": 7, "piiMasked": 0, "droppedBatches": 0, "sessions": 2}
    assert store.quarantine_batch(S1, V1, 0) and not store.quarantine_batch(S1, V1, 9)
    summary = next(s for s in store.sessions() if s["session"] == S1)
    assert (summary["batches"], summary["events"], summary["quarantined"]) == (1, 3, 1)
    assert len(list(store.iter_event_chunks(S1))) == 1, "a quarantined batch is left out of every read"
    assert store.delete_batch(S1, V1, 0) and not store.delete_batch(S1, V1, 0)
    assert store.identities(S1) == [(V1, 1)]


def test_erasure_is_effective_at_once_even_mid_stream(store):
    for seq in range(3):
        store.add(batch(S1, V1, seq))
    store.add(batch(S2, V1, 0))
    stream = store.iter_event_chunks(S1)
    assert next(stream)
    assert store.delete_session(S1) and not store.delete_session(S1)
    assert list(stream) == [], "a stream already open serves nothing more"
    assert not store.session_exists(S1) and list(store.iter_event_chunks(S1)) == []
    assert [s["session"] for s in store.sessions()] == [S2]
    # (Before issue 27 a later batch started the session afresh; erasure now refuses the rest of the visit.)
    assert store.add(batch(S1, V1, 0, text="again")) is AddResult.ERASED, "an erased session takes no new batch"
    assert list(store.iter_event_chunks(S1)) == [] and not store.session_exists(S1)


def test_an_erased_session_refuses_every_later_batch_even_after_a_restart(backend):
    make, _, _ = backend
    store = make()
    store.add(batch(S1, V1, 0))
    store.add(batch(S2, V1, 0))
    assert store.delete_session(S1)
    assert store.add(batch(S1, V2, 0)) is AddResult.ERASED, "another page view of the visit too"
    assert store.submit(batch(S1, V1, 1), True).result(10) is AddResult.ERASED, "sent without its key too"
    store.close()
    reopened = make()
    assert reopened.add(batch(S1, V1, 2)) is AddResult.ERASED, "the tombstone outlives the process"
    assert reopened.add(batch(S2, V1, 1)) is AddResult.STORED and reopened.add(batch("c" * 16, V1, 0)) is AddResult.STORED
    assert not reopened.session_exists(S1) and reopened.totals()["sessions"] == 2
    assert not reopened.delete_session(S1), "nothing left to erase"
    group = [reopened.submit(batch(s, V1, 5)) for s in (S2, S1, "c" * 16)]  # one group: one refused, not all
    assert [f.result(10) for f in group] == [AddResult.STORED, AddResult.ERASED, AddResult.STORED]


def test_expiry_erases_sessions_idle_past_the_retention(store, monkeypatch):
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 3 * 86400)
    store.add(batch(S1, V1, 0))
    monkeypatch.setattr(time, "time", real)
    store.add(batch(S2, V1, 0))
    assert store.purge_expired(time.time(), retention_days=2) == 1
    assert not store.session_exists(S1) and list(store.iter_event_chunks(S1)) == []
    assert store.session_exists(S2) and store.purge_expired(time.time(), retention_days=2) == 0


def stored_bytes(kind: str, where: str, pg_cluster=None) -> bytes:
    """Everything a copy of the database would hold: the SQLite files, or a pg_dump."""
    if kind == "sqlite":
        return b"".join(open(where + suffix, "rb").read() for suffix in ("", "-wal") if os.path.exists(where + suffix))
    dump = [str(pg_cluster.bindir / "pg_dump"), "--data-only", "--inserts", where]
    return subprocess.run([*pg_cluster._as, *dump], check=True, capture_output=True, timeout=60).stdout


def test_a_copy_of_the_database_reveals_nothing_and_erasure_shreds_the_key(backend, request):
    make, kind, where = backend
    cluster = request.getfixturevalue("pg_cluster") if kind == "postgres" else None
    store = make()
    marker = "PLANTED-visitor-text-7f3a"
    store.add(batch(S1, V1, 0, text=marker, n=50))
    assert marker in visit(store, S1)[0]["data"]["text"]
    copy = stored_bytes(kind, where, cluster)
    assert marker.encode() not in copy and marker.encode().hex().encode() not in copy, "events are encrypted at rest"
    assert list(make(master_key=bytes(32)).iter_event_chunks(S1)) == [], "another master key opens nothing"
    with (sqlite3.connect(where) if kind == "sqlite" else psycopg.connect(where)) as db:
        wrapped = bytes(db.execute("SELECT wrapped FROM session_keys").fetchone()[0])
    assert store.delete_session(S1)
    if kind == "sqlite":  # PostgreSQL keeps dead rows until VACUUM (see README): the dump shows live rows
        assert wrapped not in stored_bytes(kind, where), "the erased key is gone from the file's bytes"
    else:
        assert wrapped.hex().encode() not in stored_bytes(kind, where, cluster)


def test_a_held_write_lock_makes_writes_fail_fast_with_storage_busy(backend):
    make, kind, where = backend
    store = make(lock_timeout=0.3)
    store.add(batch(S1, V1, 0))
    if kind == "sqlite":
        holder = sqlite3.connect(where, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        holder = psycopg.connect(where)
        holder.execute("LOCK TABLE batches IN ACCESS EXCLUSIVE MODE")
    try:
        started = time.monotonic()
        with pytest.raises(StorageBusy) as caught:
            store.add(batch(S1, V1, 1))
        assert time.monotonic() - started < 3 and caught.value.retry_after >= 1
    finally:
        holder.rollback() if kind == "postgres" else holder.execute("ROLLBACK")
        holder.close()
    assert store.add(batch(S1, V1, 1)) is AddResult.STORED, "and work resumes once the lock is gone"


def test_the_audit_log_is_append_only(backend):
    make, kind, where = backend
    store = make()
    store.audit("alice", "view", S1, "replay")
    store.audit("bob", "delete", S2)
    log = store.audit_log()
    assert [(e["actor"], e["action"], e["session"]) for e in log] == [("alice", "view", S1), ("bob", "delete", S2)]
    assert store.audit_log(after_id=log[0]["id"])[0]["actor"] == "bob"
    with (sqlite3.connect(where) if kind == "sqlite" else psycopg.connect(where)) as db:
        with pytest.raises((sqlite3.DatabaseError, psycopg.Error)):
            db.execute("DELETE FROM audit")
    assert len(store.audit_log()) == 2


def test_rate_buckets_let_a_burst_through_then_ask_to_wait(backend):
    make, kind, _ = backend
    first, second = make(), make()
    assert [first.rate_acquire("client", 1.0, 3) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert 0 < first.rate_acquire("client", 1.0, 3) <= 1.0
    assert first.rate_acquire("other", 1.0, 3) == 0.0, "each key has its own bucket"
    if kind == "postgres":  # every process on the database shares the buckets
        assert second.rate_acquire("client", 1.0, 3) > 0


def test_the_sqlite_file_and_its_companions_are_private(tmp_path):
    path = tmp_path / "private.sqlite3"
    store = open_storage(path, KEY)
    store.add(batch(S1, V1, 0))
    for name in os.listdir(tmp_path):
        assert os.stat(tmp_path / name).st_mode & 0o077 == 0, name
    store.close()


def test_a_batch_kept_as_its_gzip_body_reads_back_the_same_events_and_a_scrubbed_one_never_is(store):
    import gzip

    clean = batch(S1, V1, 0, text="plain words")
    body = gzip.compress(orjson.dumps({"session": S1, "view": V1, "seq": 0, "events": orjson.loads(clean.events_json)}))
    kept = batch_from_events(S1, V1, 0, orjson.loads(clean.events_json), len(body), gzip_body=body)
    assert kept.gzip_body == body
    assert store.add(kept) is AddResult.STORED
    assert visit(store, S1) == orjson.loads(clean.events_json)
    raw_events = [{"type": 3, "data": {"source": 5, "text": "jane@example.com"}, "timestamp": 1}]
    leaked = gzip.compress(orjson.dumps({"session": S2, "view": V1, "seq": 0, "events": raw_events}))
    scrubbed = [{"type": 3, "data": {"source": 5, "text": "****************"}, "timestamp": 1}]
    masked = batch_from_events(S2, V1, 0, scrubbed, len(leaked), pii_masked=1, gzip_body=leaked)
    assert masked.gzip_body is None, "a body something was masked from is never kept"
    store.add(masked)
    assert visit(store, S2) == scrubbed


def test_a_plaintext_database_from_before_encryption_is_sealed_in_place(tmp_path):
    path = tmp_path / "plain.sqlite3"
    marker = "PLAINTEXT-from-an-older-collector"
    with sqlite3.connect(path) as db:  # the schema the collector used before encryption at rest
        db.execute("CREATE TABLE batches (session TEXT NOT NULL, view TEXT NOT NULL, seq INTEGER NOT NULL, "
                   "received_at REAL NOT NULL, event_count INTEGER NOT NULL, body_bytes INTEGER NOT NULL, "
                   "first_ts REAL, last_ts REAL, events TEXT NOT NULL, pii_masked INTEGER NOT NULL DEFAULT 0, "
                   "pages INTEGER NOT NULL DEFAULT 0, dropped INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (session, view, seq))")
        db.execute("INSERT INTO batches VALUES (?, ?, 0, 1.0, 1, 10, 5, 5, ?, 0, 1, 0)",
                   (S1, V1, orjson.dumps([{"type": 4, "data": {"href": marker}, "timestamp": 5}]).decode()))
    assert marker.encode() in path.read_bytes()
    store = open_storage(path, KEY)
    assert visit(store, S1) == [{"type": 4, "data": {"href": marker}, "timestamp": 5}]
    assert store.identities(S1) == [(V1, 0)]
    store.close()
    assert marker.encode() not in stored_bytes("sqlite", str(path)), "no plaintext is left in the file"


def test_streaming_a_large_visit_costs_about_one_batch_of_memory(store):
    import tracemalloc

    filler = "x" * 200_000  # ~200 KB of events per batch, 30 batches: a 6 MB visit
    for seq in range(30):
        store.add(batch_from_events(S1, V1, seq, [{"type": 3, "data": {"source": 5, "text": filler, "n": seq},
                                                   "timestamp": seq}], 1000))
    tracemalloc.start()
    try:
        total = 0
        for chunk in store.iter_event_chunks(S1):
            total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total > 30 * 200_000
    assert peak < 5 * 200_000, f"peak {peak} bytes while streaming {total}"


def context_batch(session: str, view: str, seq: int, errors: int = 0, frustrations: int = 0, ts: float = 1000.0):
    events = [{"type": 5, "data": {"tag": "veil:error", "payload": {"kind": "error", "type": "Error", "message": "*",
                                                                    "frames": []}}, "timestamp": ts + i}
              for i in range(errors)]
    events += [{"type": 5, "data": {"tag": "veil:frustration", "payload": {"kind": "rage", "id": 3, "x": 1, "y": 2}},
                "timestamp": ts + 50 + i} for i in range(frustrations)]
    events.append({"type": 3, "data": {"source": 0, "texts": [{"id": 1, "value": '"tag":"veil:error"'}]}, "timestamp": ts + 99})
    return batch_from_events(session, view, seq, events, body_bytes=100)


def test_sessions_count_errors_and_frustration_signals_and_filter_on_them(store):
    store.add(context_batch(S1, V1, 0, errors=2, frustrations=1))
    store.add(context_batch(S1, V1, 1, errors=1))
    store.add(context_batch(S2, V1, 0, frustrations=3))
    store.add(context_batch("c" * 16, V1, 0))
    counts = {s["session"]: (s["errors"], s["frustrations"]) for s in store.sessions()}
    # Text that quotes the tag (escaped inside a JSON string) is not counted.
    assert counts == {S1: (3, 1), S2: (0, 3), "c" * 16: (0, 0)}
    assert [s["session"] for s in store.sessions(with_errors=True)] == [S1]
    assert {s["session"] for s in store.sessions(with_frustrations=True)} == {S1, S2}
    assert [s["session"] for s in store.sessions(with_errors=True, with_frustrations=True)] == [S1]
    store.quarantine_batch(S1, V1, 0)
    assert {s["session"]: s["errors"] for s in store.sessions(with_errors=True)} == {S1: 1}


def test_a_database_from_before_the_counts_gains_them_and_keeps_its_batches(backend):
    make, kind, where = backend
    old = make()
    old.add(batch(S1, V1, 0))
    old.close()
    with (sqlite3.connect(where) if kind == "sqlite" else psycopg.connect(where)) as db:
        for column in ("errors", "frustrations"):
            db.execute(f"ALTER TABLE batches DROP COLUMN {column}")
    store = make()
    store.add(context_batch(S2, V1, 0, errors=1))
    counts = {s["session"]: (s["events"], s["errors"]) for s in store.sessions()}
    assert counts == {S1: (2, 0), S2: (2, 1)}
