"""The authenticated proxy: only signed-in users' batches reach the collector, with the real token,
and the real token never appears in anything the browser receives."""

import gzip
import json

import httpx2
import pytest
from starlette.testclient import TestClient

from examples.collector.app import CollectorSettings, create_app
from examples.proxy.app import COOKIE, ProxySettings, create_proxy_app, sign, verify

REAL = "real-server-only-token-7d1f"
PLACEHOLDER = "public-placeholder"
KEY = b"k" * 32


@pytest.fixture
def stack(tmp_path):
    collector = create_app(CollectorSettings(db_path=tmp_path / "c.sqlite3", client_token=REAL))
    settings = ProxySettings(secret_key=KEY, collector_endpoint="http://collector/v1/batches", real_token=REAL,
                             placeholder_token=PLACEHOLDER, users={"ada": "lovelace"}, secure_cookie=False,
                             transport=httpx2.ASGITransport(app=collector))
    return TestClient(create_proxy_app(settings)), collector


def batch(seq=0):
    return gzip.compress(json.dumps({"session": "abcdef0123456789", "view": "0123456789abcdef", "seq": seq,
                                     "events": [{"type": 4, "data": {}, "timestamp": 1}]}).encode())


def post(client, token=PLACEHOLDER, **kw):
    return client.post("/v1/batches", content=batch(), headers={"Content-Encoding": "gzip", "X-Veil-Token": token}, **kw)


def signed_in(client):
    response = client.post("/login", data={"user": "ada", "password": "lovelace"}, follow_redirects=False)
    assert response.status_code == 303
    assert REAL not in str(response.headers) and REAL not in response.text
    return client


def test_no_cookie_is_refused_and_nothing_is_forwarded(stack):
    client, collector = stack
    assert post(client).status_code == 401
    assert collector.state.store.totals()["batches"] == 0


def test_forged_cookie_is_refused(stack):
    client, collector = stack
    forged = sign("ada", 4_000_000_000, b"not-the-key")
    client.cookies.set(COOKIE, forged)
    assert post(client).status_code == 403
    client.cookies.set(COOKIE, "garbage")
    assert post(client).status_code == 403
    assert collector.state.store.totals()["batches"] == 0


def test_expired_cookie_is_refused(stack):
    client, _ = stack
    client.cookies.set(COOKIE, sign("ada", 1, KEY))
    assert post(client).status_code == 403


def test_wrong_placeholder_is_refused(stack):
    client, collector = stack
    signed_in(client)
    assert post(client, token=REAL).status_code == 403, "even the real token is not accepted from a browser"
    assert post(client, token="guess").status_code == 403
    assert collector.state.store.totals()["batches"] == 0


def test_wrong_password_sets_no_cookie(stack):
    client, _ = stack
    response = client.post("/login", data={"user": "ada", "password": "nope"}, follow_redirects=False)
    assert response.status_code == 401 and COOKIE not in response.headers.get("set-cookie", "")


def test_signed_in_batches_reach_the_collector_with_the_real_token(stack):
    client, collector = stack
    signed_in(client)
    response = post(client)
    assert response.status_code == 200 and response.json() == {"ok": True, "duplicate": False}
    assert REAL not in response.text and REAL not in str(response.headers)
    assert collector.state.store.totals()["batches"] == 1


def test_collector_down_is_a_502_without_details(tmp_path):
    settings = ProxySettings(secret_key=KEY, collector_endpoint="http://127.0.0.1:9/v1/batches", real_token=REAL,
                             users={"ada": "lovelace"}, secure_cookie=False)
    client = signed_in(TestClient(create_proxy_app(settings)))
    response = post(client)
    assert response.status_code == 502 and REAL not in response.text


def test_cookie_signing_round_trip():
    assert verify(sign("ada", 2_000, KEY), KEY, 1_000) == "ada"
    assert verify(sign("ada", 2_000, KEY), KEY, 3_000) is None
