"""The authenticated proxy: only signed-in users' batches reach the collector, with the real token,
and the real token never appears in anything the browser receives."""

import gzip
import json

import httpx2
import pytest
from starlette.testclient import TestClient

from veil_collector.app import CollectorSettings, create_app
from veil_proxy.app import COOKIE, ProxySettings, create_proxy_app, sign, verify

REAL = "real-server-only-token-7d1f"
PLACEHOLDER = "public-placeholder"
KEY = b"k" * 32
SESSION = "abcdef0123456789abcdef0123456789"


@pytest.fixture
def stack(tmp_path):
    collector = create_app(CollectorSettings(db_path=tmp_path / "c.sqlite3", client_token=REAL))
    settings = ProxySettings(secret_key=KEY, collector_endpoint="http://collector/v1/batches", real_token=REAL,
                             placeholder_token=PLACEHOLDER, users={"ada": "lovelace"}, secure_cookie=False,
                             transport=httpx2.ASGITransport(app=collector))
    return TestClient(create_proxy_app(settings)), collector


def batch(seq=0):
    return gzip.compress(json.dumps({"session": SESSION, "view": "0123456789abcdef", "seq": seq,
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
    assert response.status_code == 200 and response.json()["ok"] is True and response.json()["duplicate"] is False
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


def users_stack(tmp_path, **collector_kw):
    collector = create_app(CollectorSettings(db_path=tmp_path / "u.sqlite3", client_token=REAL, **collector_kw))
    settings = ProxySettings(secret_key=KEY, collector_endpoint="http://collector/v1/batches", real_token=REAL,
                             placeholder_token=PLACEHOLDER, users={"ada": "lovelace", "bob": "babbage"},
                             secure_cookie=False, transport=httpx2.ASGITransport(app=collector))
    return create_proxy_app(settings), collector


def login(client, user="ada", password="lovelace", **extra):
    return client.post("/login", data={"user": user, "password": password, **extra}, follow_redirects=False)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                                    "evil.example", "/\tx", ""])
def test_login_never_redirects_off_site(stack, target):
    client, _ = stack
    response = login(client, next=target)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_login_keeps_a_same_site_next(stack):
    client, _ = stack
    assert login(client, next="/checkout?step=2").headers["location"] == "/checkout?step=2"


def test_logout_revokes_the_session_server_side(stack):
    client, collector = stack
    login(client)
    copied = client.cookies.get(COOKIE)
    assert post(client).status_code == 200
    client.post("/logout", follow_redirects=False)
    client.cookies.set(COOKIE, copied)  # the cookie replayed after logout
    assert post(client).status_code == 403
    assert collector.state.store.totals()["batches"] == 1


@pytest.mark.parametrize("cookie", ["é", "abc.é", "☃.abc", "a" * 5000, "..", "%ff%fe", "eyJ1IjogMX0=.00"])
def test_a_malformed_cookie_is_a_4xx_not_a_500(stack, cookie):
    client, _ = stack
    headers = {"Cookie": f"{COOKIE}={cookie}".encode(), "Content-Encoding": "gzip", "X-Veil-Token": PLACEHOLDER}
    response = client.post("/v1/batches", content=batch(), headers=headers)
    assert 400 <= response.status_code < 500
    assert client.post("/logout", headers={"Cookie": f"{COOKIE}={cookie}".encode()},
                       follow_redirects=False).status_code == 303


def test_logins_are_throttled_per_address(stack):
    client, _ = stack
    codes = [login(client, password=f"guess{i}").status_code for i in range(8)]
    assert codes[:5] == [401] * 5 and codes[-1] == 429
    assert login(client).status_code == 429, "even the right password waits: the guess is not revealed"


def test_the_proxy_relays_the_session_key_both_ways(tmp_path):
    app, _ = users_stack(tmp_path)
    client = TestClient(app)
    login(client)
    first = post(client)
    key = first.json()["sessionKey"]
    assert first.status_code == 200 and REAL not in first.text

    def send(seq, headers):
        # Another page view of the visit (its own view id): only the session key lets it write.
        body = gzip.compress(json.dumps({"session": SESSION, "view": "fedcba9876543210", "seq": seq,
                                         "events": [{"type": 4, "data": {}, "timestamp": 2}]}).encode())
        return client.post("/v1/batches", content=body,
                           headers={"Content-Encoding": "gzip", "X-Veil-Token": PLACEHOLDER, **headers})

    assert send(1, {}).status_code == 403
    assert send(1, {"X-Veil-Session-Key": key}).status_code == 200


def test_behind_the_proxy_each_user_has_their_own_rate_limit(tmp_path):
    # httpx's ASGI transport connects from 127.0.0.1: the collector trusts that address as its proxy.
    app, _collector = users_stack(tmp_path, trusted_proxies=("127.0.0.1",), rate_per_second=0.01, rate_burst=2)
    ada, bob = TestClient(app), TestClient(app)
    login(ada)
    login(bob, "bob", "babbage")

    def send(client, n):
        body = gzip.compress(json.dumps({"session": f"{n:032x}", "view": "0123456789abcdef", "seq": 0,
                                         "events": [{"type": 4, "data": {}, "timestamp": 2}]}).encode())
        return client.post("/v1/batches", content=body,
                           headers={"Content-Encoding": "gzip", "X-Veil-Token": PLACEHOLDER}).status_code

    assert [send(ada, i) for i in range(3)] == [200, 200, 429]
    assert [send(bob, 10 + i) for i in range(2)] == [200, 200]
