"""Forwarded headers through real uvicorn servers (issue 27, item 1): every command that serves
believes ``X-Forwarded-For`` and ``X-Veil-User`` only from the peers its own ``--trusted-proxy``
names, never because the peer is loopback (uvicorn's default ``proxy_headers`` rewrote the client
address from 127.0.0.1 before the app saw it; Starlette's TestClient skips that layer, so these
tests start real servers: ``veil-collector``, ``veil-collector --workers 2``, ``veil-proxy`` and the
demo's in-process servers)."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time

import httpx2
import pytest

from examples.demo.servers import DEMO_TOKEN, free_port, start_servers
from tests.helpers import ROOT

TOKEN = "fwd-client-token"
OPERATOR = "fwd-operator-token"
PEER = "127.0.0.1"  # what every request below comes from


def batch(n: int) -> bytes:
    frame = {"session": f"{n:032x}", "view": "0123456789abcdef", "seq": 0,
             "events": [{"type": 4, "data": {"href": "/"}, "timestamp": 1}]}
    return gzip.compress(json.dumps(frame).encode())


def wait_healthy(proc: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url + "/healthz", timeout=1).status_code in (200, 404):
                return
        except httpx2.HTTPError:
            time.sleep(0.1)
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "the server exited")
    raise AssertionError("the server did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def start_collector(database: str, *flags: str, workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VEIL_CLIENT_TOKEN": TOKEN, "VEIL_OPERATOR_TOKEN": OPERATOR,
           "VEIL_SESSION_SECRET": "f" * 32, "VEIL_MASTER_KEY": "22" * 32}
    env.pop("VEIL_TRUSTED_PROXIES", None)
    env.pop("FORWARDED_ALLOW_IPS", None)
    proc = subprocess.Popen([sys.executable, "-m", "veil_collector", "--port", str(port), "--database", database,
                             "--workers", str(workers), "--rate", "0.01", "--burst", "2", *flags],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://{PEER}:{port}"
    wait_healthy(proc, url)
    return proc, url


@pytest.fixture(params=["collector", "collector --workers 2"])
def collector(request, tmp_path):
    """``start(*flags)``: a collector process (SQLite), or two worker processes on PostgreSQL."""
    running: list[subprocess.Popen] = []

    def start(*flags: str) -> str:
        if request.param == "collector":
            proc, url = start_collector(str(tmp_path / "fwd.sqlite3"), *flags)
        else:
            proc, url = start_collector(request.getfixturevalue("pg_url"), *flags, workers=2)
        running.append(proc)
        return url

    start.workers = 2 if "workers" in request.param else 1  # type: ignore[attr-defined]
    yield start
    for proc in running:
        stop(proc)


def post(url: str, n: int, token: str = TOKEN, **headers: str) -> int:
    # A fresh connection per request: with --workers, the kernel spreads them over the processes.
    with httpx2.Client(timeout=10) as fresh:
        return fresh.post(url + "/v1/batches", content=batch(n),
                          headers={"Content-Encoding": "gzip", "X-Veil-Token": token, **headers}).status_code


def test_forwarded_headers_from_an_untrusted_loopback_peer_are_ignored(collector):
    url = collector()
    # The rate limit (burst 2, then one batch per 100 s) applies to the real peer, whatever
    # address or user each request claims.
    codes = [post(url, i, **{"X-Forwarded-For": f"10.0.0.{i}", "X-Veil-User": f"user{i}"}) for i in range(4)]
    assert codes[:2] == [200, 200] and codes[2:] == [429, 429], codes
    # Failed credentials are throttled per real peer: a new forwarded address per guess changes nothing.
    guesses = 6 * collector.workers  # per process: one of them sees at least 6
    client_tokens = [post(url, 100 + i, token=f"guess{i}", **{"X-Forwarded-For": f"10.1.0.{i}"})
                     for i in range(guesses)]
    assert 429 in client_tokens and 401 in client_tokens, client_tokens
    operator_tokens = []
    for i in range(guesses):
        with httpx2.Client(timeout=10) as fresh:
            operator_tokens.append(fresh.get(url + "/v1/sessions", headers={
                "Authorization": f"Bearer guess{i}", "X-Forwarded-For": f"10.2.0.{i}"}).status_code)
    assert 429 in operator_tokens, operator_tokens


def test_forwarded_headers_from_a_configured_proxy_are_believed(collector):
    url = collector("--trusted-proxy", PEER)
    # Each signed-in user the proxy names has a bucket of their own (behind one forwarded address).
    as_ada = [post(url, i, **{"X-Forwarded-For": "192.0.2.7", "X-Veil-User": "ada"}) for i in range(3)]
    as_bob = [post(url, 10 + i, **{"X-Forwarded-For": "192.0.2.7", "X-Veil-User": "bob"}) for i in range(2)]
    assert as_ada == [200, 200, 429] and as_bob == [200, 200], (as_ada, as_bob)
    # Without a user, the forwarded address is the client: a new one is a new bucket.
    assert [post(url, 20 + i, **{"X-Forwarded-For": f"192.0.2.{20 + i}"}) for i in range(3)] == [200] * 3
    # Failed credentials count against the forwarded address, not the proxy's own.
    guesses = 6 * collector.workers
    codes = [post(url, 40 + i, token=f"guess{i}", **{"X-Forwarded-For": "198.51.100.9"}) for i in range(guesses)]
    assert 429 in codes, codes
    assert post(url, 60, **{"X-Forwarded-For": "198.51.100.10"}) == 200


def start_proxy(tmp_path, *flags: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    users_file = tmp_path / f"proxy-users-{port}.json"
    users_file.write_text(json.dumps({"ada": "lovelace"}))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VEIL_PROXY_SECRET": "p" * 32, "VEIL_REAL_TOKEN": TOKEN,
           "VEIL_PROXY_USERS_FILE": str(users_file)}
    env.pop("FORWARDED_ALLOW_IPS", None)
    proc = subprocess.Popen([sys.executable, "-m", "veil_proxy", "--port", str(port), "--insecure-cookie",
                             "--collector", "http://127.0.0.1:9/v1/batches", *flags],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://{PEER}:{port}"
    wait_healthy(proc, url)
    return proc, url


def login(url: str, password: str, forwarded: str) -> int:
    with httpx2.Client(timeout=10) as fresh:
        return fresh.post(url + "/login", data={"user": "ada", "password": password},
                          headers={"X-Forwarded-For": forwarded}).status_code


def test_the_proxy_throttles_logins_per_real_peer_unless_a_trusted_proxy_forwards_them(tmp_path):
    proc, url = start_proxy(tmp_path)
    try:
        codes = [login(url, f"guess{i}", f"10.3.0.{i}") for i in range(7)]
        assert codes[:5] == [401] * 5 and codes[-1] == 429, codes
    finally:
        stop(proc)
    proc, url = start_proxy(tmp_path, "--trusted-proxy", PEER)
    try:
        codes = [login(url, f"guess{i}", "198.51.100.1") for i in range(7)]
        assert codes[-1] == 429, codes
        assert login(url, "lovelace", "198.51.100.2") == 303, "another forwarded address is another client"
    finally:
        stop(proc)


def test_the_demo_servers_ignore_forwarded_headers_from_loopback(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    servers = start_servers(dist, tmp_path / "demo.sqlite3", operator_token=OPERATOR)
    try:
        codes = []
        for i in range(7):
            with httpx2.Client(timeout=10) as fresh:
                codes.append(fresh.post(servers.endpoint, content=batch(i), headers={
                    "Content-Encoding": "gzip", "X-Veil-Token": f"guess{i}", "X-Forwarded-For": f"10.4.0.{i}"}).status_code)
        assert codes[-1] == 429, codes
        assert DEMO_TOKEN  # the demo's real token is not the one guessed
    finally:
        servers.stop()
