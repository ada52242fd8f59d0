"""The collector's replay viewer: vendored player unmodified, strict CSP, data behind the operator token."""

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from examples.collector.app import CollectorSettings, create_app

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "examples" / "collector" / "vendor" / "rrweb-player"


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
