"""The collector's replay viewer: vendored player unmodified, strict CSP, data behind the operator token."""

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from veil_collector.app import CollectorSettings, create_app

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "sdk" / "veil_collector" / "vendor" / "rrweb-player"


def test_vendored_rrweb_player_is_unmodified():
    installed = ROOT / "node_modules" / "rrweb-player"
    if not installed.exists():
        pytest.skip("run `npm ci` first")
    assert (VENDOR / "rrweb-player.min.js").read_bytes() == (installed / "umd" / "rrweb-player.min.js").read_bytes()
    assert (VENDOR / "style.css").read_bytes() == (installed / "dist" / "style.css").read_bytes()
    assert "MIT License" in (VENDOR / "LICENSE").read_text()


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(CollectorSettings(db_path=tmp_path / "v.sqlite3", operator_token="op")))


@pytest.mark.parametrize("path", ["/viewer/", "/viewer/viewer.js", "/viewer/rrweb-player.min.js", "/viewer/rrweb-player.css"])
def test_viewer_files_carry_a_strict_csp(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_viewer_serves_nothing_else(client):
    assert client.get("/viewer/../app.py").status_code == 404
    assert client.get("/viewer/storage.py").status_code == 404


def test_session_data_needs_the_operator_token(client):
    assert client.get("/v1/sessions").status_code == 401
    assert client.get("/v1/sessions", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/v1/sessions/abcdef0123456789/events").status_code == 401
    assert client.get("/v1/sessions", headers={"Authorization": "Bearer op"}).json() == []


def test_a_visit_is_listed_once_with_its_page_views_and_served_in_order(client):
    import gzip
    import json

    session = "ab" * 16
    key = None
    for view, ts in (("00000000000000b2", 500), ("00000000000000a1", 100), ("00000000000000b2", 600)):
        events = [{"type": 4, "data": {"href": f"/{view}"}, "timestamp": ts}, {"type": 2, "data": {"node": {}}, "timestamp": ts}]
        body = gzip.compress(json.dumps({"session": session, "view": view, "seq": 0 if ts < 600 else 1, "events": events}).encode())
        headers = {"Content-Encoding": "gzip", **({"X-Veil-Session-Key": key} if key else {})}
        answer = client.post("/v1/batches", content=body, headers=headers)
        assert answer.status_code == 200
        key = answer.json()["sessionKey"]
    read = {"Authorization": "Bearer op"}
    [visit] = client.get("/v1/sessions", headers=read).json()
    assert visit["session"] == session and visit["views"] == 2 and visit["batches"] == 3
    events = client.get(f"/v1/sessions/{session}/events", headers=read).json()
    assert [e["timestamp"] for e in events if e["type"] == 4] == [100, 500, 600], "page views in the order they began"
