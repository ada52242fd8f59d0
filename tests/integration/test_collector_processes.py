"""Real collector processes against real databases: kill -9 during load loses nothing that was
acknowledged (SQLite and PostgreSQL), and two worker processes on one PostgreSQL store every batch
exactly once, whichever process each copy of it reached."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time

import httpx2
import pytest

from veil_collector.storage import open_storage
from examples.demo.servers import free_port
from tests.helpers import ROOT

TOKEN = "proc-token"
MASTER = "11" * 32


def body(session: str, seq: int, view: str = "0123456789abcdef") -> bytes:
    events = [{"type": 3, "data": {"source": 1, "positions": [{"x": i, "y": seq, "id": 1, "timeOffset": 0}]},
               "timestamp": 1000 + seq * 100 + i} for i in range(30)]
    return gzip.compress(json.dumps({"session": session, "view": view, "seq": seq, "events": events}).encode())


def start(database: str, workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "VEIL_MASTER_KEY": MASTER, "PYTHONPATH": str(ROOT), "VEIL_CLIENT_TOKEN": TOKEN,
           "VEIL_OPERATOR_TOKEN": "op", "VEIL_SESSION_SECRET": "s" * 32}
    proc = subprocess.Popen(
        [sys.executable, "-m", "veil_collector", "--port", str(port), "--database", database,
         "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx2.HTTPError:
            time.sleep(0.1)
        assert proc.poll() is None, proc.stderr.read().decode()
    raise AssertionError("collector did not start")


SESSION_KEYS: dict[str, str] = {}


def post(url: str, session: str, seq: int) -> int:
    """One POST on a fresh connection (so that the kernel spreads them over the workers); sends the
    session's write key once an answer gave it, and retries a 429 or 503 as the SDK does. Returns
    the final status, or 0 when the server went away."""
    for _ in range(50):
        headers = {"Content-Encoding": "gzip", "X-Veil-Token": TOKEN}
        if session in SESSION_KEYS:
            headers["X-Veil-Session-Key"] = SESSION_KEYS[session]
        try:
            r = httpx2.post(url + "/v1/batches", content=body(session, seq), timeout=10, headers=headers)
        except httpx2.HTTPError:
            return 0
        if r.status_code == 200:
            SESSION_KEYS[session] = r.json()["sessionKey"]
        if r.status_code not in (429, 503):
            return r.status_code
        time.sleep(float(r.headers.get("retry-after", "1")) / 4)
    return 0


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    return str(tmp_path / "kill.sqlite3") if request.param == "sqlite" else request.getfixturevalue("pg_url")


def test_kill_9_during_load_loses_nothing_acknowledged(database):
    proc, url = start(database)
    acknowledged: list[tuple[str, int]] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        session = f"{index:032x}"
        for seq in range(200):
            if post(url, session, seq) != 200:
                return
            with lock:
                acknowledged.append((session, seq))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    for t in threads:
        t.join(30)
    assert len(acknowledged) >= 40, "the load was running when the process was killed"
    store = open_storage(database, bytes.fromhex(MASTER))
    try:
        stored = {(s, q) for s in {s for s, _ in acknowledged} for _, q in store.identities(s)}
        missing = set(acknowledged) - stored
        assert not missing, f"{len(missing)} acknowledged batches lost"
    finally:
        store.close()


def test_two_worker_processes_store_each_batch_exactly_once(pg_url):
    proc, url = start(pg_url, workers=2)
    try:
        jobs = [(f"{i:032x}", seq) for i in range(6) for seq in range(8)] * 2  # every batch sent twice
        statuses: list[int] = []
        threads = [threading.Thread(target=lambda part=part: statuses.extend(post(url, s, q) for s, q in part))
                   for part in (jobs[k::8] for k in range(8))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert statuses.count(200) == len(jobs)
        listing = httpx2.get(url + "/v1/sessions", headers={"Authorization": "Bearer op"}, timeout=10).json()
        assert sorted(s["session"] for s in listing) == sorted({s for s, _ in jobs})
        assert all(s["batches"] == 8 for s in listing), "each batch once, whichever worker got each copy"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def test_several_workers_on_a_sqlite_file_are_refused_with_a_clear_message(tmp_path):
    result = subprocess.run([sys.executable, "-m", "veil_collector", "--workers", "2", "--db", str(tmp_path / "x.db")],
                            cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2 and "needs --database postgresql://" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_worker_processes_answer_without_waiting_for_delayed_acks(monkeypatch):
    # uvicorn's shared socket does not name TCP as its protocol, so asyncio leaves Nagle on: each
    # answer's body then waits ~40 ms for the client's delayed ACK. ``run`` sets TCP_NODELAY on it
    # (Linux hands it on to accepted connections).
    import socket

    import uvicorn.supervisors

    from veil_collector import workers
    from veil_collector.app import CollectorSettings

    seen = []

    class Supervisor:
        def __init__(self, config, sockets):
            seen.extend(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets)
            for s in sockets:
                s.close()

        def run(self):
            pass

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", Supervisor)
    monkeypatch.setenv(workers.ENV, "{}")
    workers.run(CollectorSettings(db_path="postgresql://unused/x"), "127.0.0.1", free_port(), 2)
    assert seen and all(seen)
