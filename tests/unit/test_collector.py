"""The example collector, in process: what it accepts, stores once, and refuses with a clear 4xx."""

import gzip
import json

import pytest
from starlette.testclient import TestClient

from veil_collector.app import CollectorSettings, create_app

TOKEN = "tok_123"
SESSION = "abcdef0123456789abcdef0123456789"  # the SDK's shape: 32 lowercase hex
OPERATOR = "op-token"
READ = {"Authorization": "Bearer " + OPERATOR}
ORIGIN = "http://site.example"


@pytest.fixture
def client(tmp_path):
    app = create_app(CollectorSettings(db_path=tmp_path / "c.sqlite3", client_token=TOKEN, allowed_origins=(ORIGIN,),
                                       max_body_bytes=64 * 1024, max_decompressed_bytes=256 * 1024,
                                       operator_token=OPERATOR))
    return TestClient(app)


def batch(session=SESSION, seq=0, events=None, view="0123456789abcdef"):
    events = events or [{"type": 4, "data": {"href": "/", "width": 1, "height": 1}, "timestamp": 1}]
    return gzip.compress(json.dumps({"session": session, "view": view, "seq": seq, "events": events}).encode(), mtime=0)


def post(client, body, token=TOKEN, encoding="gzip", key=True):
    """Post as the session's writer: with its session key (see test_collector_security for the binding)."""
    headers = {"Content-Type": "application/json", "Content-Encoding": encoding, "X-Veil-Token": token}
    if key:
        headers["X-Veil-Session-Key"] = client.app.state.session_key(SESSION)
    return client.post("/v1/batches", content=body, headers=headers)


def answer(response):
    """The answer without the session key it carries."""
    return {k: v for k, v in response.json().items() if k != "sessionKey"}


def test_accepts_stores_and_serves_back(client):
    assert answer(post(client, batch())) == {"ok": True, "duplicate": False}
    assert post(client, batch(seq=1)).status_code == 200
    sessions = client.get("/v1/sessions", headers=READ).json()
    assert sessions[0]["session"] == SESSION and sessions[0]["batches"] == 2
    assert len(client.get("/v1/sessions/" + SESSION + "/events", headers=READ).json()) == 2


def test_a_retried_batch_is_stored_once(client):
    post(client, batch())
    assert answer(post(client, batch())) == {"ok": True, "duplicate": True}
    assert client.app.state.store.batch_count(SESSION) == 1


def test_wrong_or_missing_token_is_refused(client):
    assert post(client, batch(), token="nope").status_code == 401
    assert client.post("/v1/batches", content=batch(), headers={"Content-Encoding": "gzip"}).status_code == 401


@pytest.mark.parametrize(
    "body, status",
    [
        (b"not gzip at all", 400),
        (gzip.compress(b"not json", mtime=0), 400),
        (gzip.compress(b"[1, 2]", mtime=0), 422),
        (gzip.compress(json.dumps({"session": "short", "seq": 0, "events": [{}]}).encode(), mtime=0), 422),
        (gzip.compress(json.dumps({"session": SESSION, "seq": -1, "events": []}).encode(), mtime=0), 422),
        (batch(events=[{"type": 42, "data": {}, "timestamp": 1}]), 422),
        (batch(events=[{"type": 2, "data": {}, "timestamp": "yesterday"}]), 422),
        (gzip.compress(json.dumps({"session": SESSION, "view": "0123456789abcdef", "seq": 0, "events": [], "evil": 1}).encode(), mtime=0), 422),
    ],
)
def test_malformed_bodies_get_a_clear_4xx(client, body, status):
    response = post(client, body)
    assert response.status_code == status
    assert response.json()["error"]
    assert client.get("/healthz").status_code == 200


def test_uncompressed_body_is_refused(client):
    assert post(client, b"{}", encoding="identity").status_code == 415


def test_oversized_body_is_refused(client):
    assert post(client, b"\0" * (65 * 1024)).status_code == 413


def test_gzip_bomb_is_refused_without_inflating_it(client):
    bomb = gzip.compress(b"[" + b" " * (50 * 1024 * 1024) + b"]")
    assert len(bomb) < 64 * 1024
    response = post(client, bomb)
    assert response.status_code == 413
    assert "decompressed" in response.json()["error"]


def test_cors_preflight_is_limited_to_configured_origins(client):
    headers = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type,content-encoding,x-veil-token"}
    ok = client.options("/v1/batches", headers=headers)
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == ORIGIN
    bad = client.options("/v1/batches", headers={**headers, "Origin": "http://evil.example"})
    assert bad.status_code == 400
    assert "access-control-allow-origin" not in bad.headers


def test_each_client_is_rate_limited_with_retry_after(tmp_path):
    app = create_app(CollectorSettings(db_path=tmp_path / "r.sqlite3", client_token=TOKEN, rate_per_second=1, rate_burst=2))
    client = TestClient(app)
    assert [post(client, batch(seq=i)).status_code for i in range(2)] == [200, 200]
    limited = post(client, batch(seq=2))
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert client.get("/healthz").status_code == 200


def test_pii_that_slipped_past_the_browser_is_masked_and_counted(client):
    leaky = [{"type": 3, "data": {"source": 0, "texts": [{"id": 5, "value": "mail ada@example.com"}], "attributes": [
        {"id": 6, "attributes": {"class": "sk_live_abcdefghijklmnop0123456789abcd", "title": "card 4111 1111 1111 1111"}}],
        "removes": [], "adds": []}, "timestamp": 1}]
    assert post(client, batch(events=leaky)).status_code == 200
    stored = client.get("/v1/sessions/" + SESSION + "/events", headers=READ).json()
    text = str(stored)
    assert "ada@example.com" not in text and "4111 1111 1111 1111" not in text
    assert "sk_live_abcdefghijklmnop0123456789abcd" in text, "class names are markup, left alone"
    assert client.get("/v1/stats", headers=READ).json()["piiMasked"] == 2


def test_dropped_count_is_recorded(client):
    body = gzip.compress(json.dumps({"session": SESSION, "view": "0123456789abcdef", "seq": 0, "dropped": 4,
                                     "events": [{"type": 4, "data": {}, "timestamp": 1}]}).encode())
    assert post(client, body).status_code == 200
    assert client.get("/v1/stats", headers=READ).json()["droppedBatches"] == 4


def test_a_seq_reused_by_another_page_view_of_the_session_is_never_taken_for_a_retry(client):
    # A reload starts a new page view whose batches count from seq 0 again, in the same session.
    assert answer(post(client, batch(seq=0, view="aaaaaaaaaaaaaaaa"))) == {"ok": True, "duplicate": False}
    assert answer(post(client, batch(seq=0, view="bbbbbbbbbbbbbbbb"))) == {"ok": True, "duplicate": False}
    assert answer(post(client, batch(seq=0, view="bbbbbbbbbbbbbbbb"))) == {"ok": True, "duplicate": True}
    assert client.app.state.store.batch_count(SESSION) == 2


def test_a_visit_is_served_page_view_by_page_view_in_the_order_they_began(client):
    def meta(ts):
        return [{"type": 4, "data": {"href": "/", "width": 1, "height": 1}, "timestamp": ts}]

    # Delivered out of order: the second page view's batches arrive before the first's last one.
    post(client, batch(seq=0, view="ffffffffffffffff", events=meta(10)))
    post(client, batch(seq=0, view="0000000000000001", events=meta(20)))
    post(client, batch(seq=1, view="0000000000000001", events=meta(21)))
    post(client, batch(seq=1, view="ffffffffffffffff", events=meta(11)))
    store = client.app.state.store
    assert store.views(SESSION) == ["ffffffffffffffff", "0000000000000001"]
    stamps = [e["timestamp"] for e in client.get("/v1/sessions/" + SESSION + "/events", headers=READ).json()]
    assert stamps == [10, 11, 20, 21]


@pytest.mark.parametrize("view", [None, "", "ABCDEF0123456789", "0123", "0123456789abcdef0", 7])
def test_a_batch_without_a_well_formed_view_id_is_refused(client, view):
    frame = {"session": SESSION, "seq": 0, "events": [{"type": 4, "data": {}, "timestamp": 1}]}
    if view is not None:
        frame["view"] = view
    response = post(client, gzip.compress(json.dumps(frame).encode()))
    assert response.status_code == 422 and "view" in response.json()["error"]


def test_a_database_from_before_view_ids_keeps_its_batches(tmp_path):
    import sqlite3

    from veil_collector.storage import LEGACY_VIEW, AddResult, batch_from_events, master_key_for, open_storage

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE batches (session TEXT NOT NULL, seq INTEGER NOT NULL, received_at REAL NOT NULL, "
                   "event_count INTEGER NOT NULL, body_bytes INTEGER NOT NULL, first_ts REAL, last_ts REAL, "
                   "events TEXT NOT NULL, PRIMARY KEY (session, seq))")
        db.execute("INSERT INTO batches VALUES (?, 0, 1.0, 1, 10, 1, 1, '[{\"type\":4}]')", (SESSION,))
    store = open_storage(path, master_key_for(path))  # no master key given: a key file beside it
    assert store.identities(SESSION) == [(LEGACY_VIEW, 0)]
    assert store.add(batch_from_events(SESSION, "0123456789abcdef", 0, [{"type": 4, "timestamp": 2}], 10)) is AddResult.STORED


def test_sessions_are_listed_with_error_and_frustration_counts_and_filtered_on_them(client):
    error = {"type": 5, "data": {"tag": "veil:error", "payload": {"kind": "error", "type": "TypeError",
                                                                 "message": "****", "frames": []}}, "timestamp": 2}
    rage = {"type": 5, "data": {"tag": "veil:frustration", "payload": {"kind": "rage", "id": 4, "x": 1, "y": 1,
                                                                       "clicks": 3}}, "timestamp": 3}
    meta = {"type": 4, "data": {"href": "/", "width": 1, "height": 1}, "timestamp": 1}
    assert post(client, batch(events=[meta, error, rage, error])).status_code == 200
    (listed,) = client.get("/v1/sessions", headers=READ).json()
    assert (listed["errors"], listed["frustrations"]) == (2, 1)
    assert len(client.get("/v1/sessions?errors=1&frustrations=1", headers=READ).json()) == 1
    assert client.get("/v1/sessions?errors=yes", headers=READ).status_code == 400


def test_ingest_answers_carry_the_same_headers_as_every_other_data_route(client, monkeypatch):
    # POST /v1/batches is answered before the router (IngestRoute): its answers must still pass
    # through the CORS and data-header middleware like the routed ones.
    from veil_collector import app as app_module

    def headers_of(response):
        return {k: v for k, v in response.headers.items() if k not in ("content-length", "date")}

    cors = {"Origin": ORIGIN}
    fast = [client.post("/v1/batches", content=body, headers={"Content-Encoding": enc, "X-Veil-Token": TOKEN, **cors})
            for body, enc in ((batch(seq=7), "gzip"), (b"x", "gzip"), (b"x", "br"))]
    assert [r.status_code for r in fast] == [200, 400, 415]
    monkeypatch.setattr(app_module.IngestRoute, "__call__", lambda self, scope, receive, send: self.app(scope, receive, send))
    routed = TestClient(create_app(CollectorSettings(db_path=client.app.state.store.path, client_token=TOKEN,
                                                     allowed_origins=(ORIGIN,))))
    slow = [routed.post("/v1/batches", content=body, headers={"Content-Encoding": enc, "X-Veil-Token": TOKEN, **cors})
            for body, enc in ((batch(seq=8), "gzip"), (b"x", "gzip"), (b"x", "br"))]
    assert [headers_of(r) for r in fast] == [headers_of(r) for r in slow]
    assert fast[0].headers["access-control-allow-origin"] == ORIGIN and fast[0].headers["cache-control"] == "no-store"
    assert [r.json()["error"] for r in fast[1:]] == [r.json()["error"] for r in slow[1:]]
    assert client.get("/v1/batches").status_code == 405, "other methods still reach the router"
