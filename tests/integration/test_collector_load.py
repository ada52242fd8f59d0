"""A bounded load test on loopback: concurrent sessions post batches (some twice, as retries do)
to a real collector server; every batch is stored exactly once and none is lost."""

from __future__ import annotations

import gzip
import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2

from veil_collector.app import CollectorSettings, create_app
from examples.demo.servers import _ThreadedServer, free_port

SESSIONS = 24
BATCHES = 12
TOKEN = "load-token"


def body(session: str, seq: int, view: str = "0123456789abcdef") -> bytes:
    events = [{"type": 3, "data": {"source": 1, "positions": [{"x": i, "y": seq, "id": 1, "timeOffset": -i}]}, "timestamp": 1000 + i}
              for i in range(20)]
    return gzip.compress(json.dumps({"session": session, "view": view, "seq": seq, "events": events}).encode())


def run_session(url: str, index: int) -> list[int]:
    session = f"{index:032x}"
    statuses = []
    headers = {"Content-Encoding": "gzip", "X-Veil-Token": TOKEN}
    with httpx2.Client(timeout=10) as client:
        for seq in range(BATCHES):
            attempts = 2 if (index + seq) % 5 == 0 else 1  # a retry after a lost response
            for _ in range(attempts):
                r = client.post(url, content=body(session, seq), headers=headers)
                statuses.append(r.status_code)
                if r.status_code == 200:  # the session's write key, sent back on every later batch
                    headers["X-Veil-Session-Key"] = r.json()["sessionKey"]
    return statuses


def test_concurrent_sessions_lose_and_duplicate_nothing(tmp_path):
    app = create_app(CollectorSettings(db_path=tmp_path / "load.sqlite3", client_token=TOKEN, rate_per_second=10_000, rate_burst=10_000))
    port = free_port()
    server = _ThreadedServer(app, port)
    server.start()
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda i: run_session(f"http://127.0.0.1:{port}/v1/batches", i), range(SESSIONS)))
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert all(status == 200 for statuses in results for status in statuses)
    store = app.state.store
    assert store.totals()["batches"] == SESSIONS * BATCHES
    for index in range(SESSIONS):
        assert store.batch_count(f"{index:032x}") == BATCHES
        events = json.loads(b"[" + b",".join(store.iter_event_chunks(f"{index:032x}")) + b"]")
        assert [e["data"]["positions"][0]["y"] for e in events[::20]] == list(range(BATCHES)), "in seq order, none missing"
    posts = sum(len(s) for s in results)
    print(f"\nload: {posts} POSTs from {SESSIONS} sessions in {elapsed:.2f} s ({posts / elapsed:.0f}/s)")
