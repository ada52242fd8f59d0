"""The operators' routes of issue 30, through the collector app on both backends (SQLite, PostgreSQL).

What an operator relies on: search finds visits by what they did (pages, errors, frustration,
duration, dates, what was clicked) with a clear 400 for a bad query; a visit's digest and who
viewed it; click maps from many visits; share links that open one visit only, expire, can be
revoked, and are audited; erasure takes the index and the links with it. Every bad input is a 4xx
with words, never a 500.
"""

from __future__ import annotations

import gzip
import json
import time

import pytest
from starlette.testclient import TestClient

from veil_collector.access import Operator, hash_token
from veil_collector.app import CollectorSettings, create_app
from veil_collector.storage import open_storage
from veil_collector.visits import share

KEY = bytes(range(32))
TOKEN = "client-token"
ADMIN, VIEWER = "admin-token", "viewer-token"
OPERATORS = (Operator("ada", "admin", hash_token(ADMIN)), Operator("vic", "viewer", hash_token(VIEWER)))
AS_ADMIN = {"Authorization": "Bearer " + ADMIN}
AS_VIEWER = {"Authorization": "Bearer " + VIEWER}
A, B, C = "a" * 32, "b" * 32, "c" * 32
T0 = 1_777_000_000_000


def page(path, at, width=1280):
    return [{"type": 4, "data": {"href": f"https://shop.example{path}", "width": width, "height": 720}, "timestamp": at},
            {"type": 2, "data": {"node": {"type": 0, "id": 1, "childNodes": [
                {"type": 2, "id": 2, "tagName": "button", "attributes": {}, "childNodes": [{"type": 3, "id": 3, "textContent": "Pay"}]}]},
                "initialOffset": {"top": 0, "left": 0}}, "timestamp": at + 1}]


def click(at, name=None, node=3, x=40, y=50):
    out = [{"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": x, "y": y}, "timestamp": at}]
    if name:
        out.append({"type": 5, "data": {"tag": "veil:action", "payload": {"id": 2, "name": name}}, "timestamp": at})
    return out


VISITS = {
    A: ("0000000000000001", [*page("/cart", T0), *click(T0 + 1000, "Checkout"), *page("/checkout", T0 + 2000)[:1],
                             {"type": 5, "data": {"tag": "veil:error", "payload": {"kind": "error", "type": "Error", "message": "****"}},
                              "timestamp": T0 + 3000}]),
    B: ("0000000000000002", [*page("/checkout", T0 + 86_400_000), *click(T0 + 86_401_000, "Pay"),
                             {"type": 5, "data": {"tag": "veil:frustration", "payload": {"kind": "rage", "id": 3, "x": 40, "y": 50,
                                                                                          "clicks": 4}}, "timestamp": T0 + 86_402_000},
                             *page("/thank-you", T0 + 86_460_000)[:1]]),
    C: ("0000000000000003", [*page("/", T0 + 2 * 86_400_000), *click(T0 + 2 * 86_400_000 + 500, None, x=5, y=5)]),
}


@pytest.fixture(params=["sqlite", "postgres"])
def client(request, tmp_path):
    where = str(tmp_path / "s.sqlite3") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    storage = open_storage(where, KEY)
    app = create_app(CollectorSettings(client_token=TOKEN, session_secret=b"s" * 32, operators=OPERATORS, storage=storage))
    with TestClient(app) as test_client:
        for session, (view, events) in VISITS.items():
            body = gzip.compress(json.dumps({"session": session, "view": view, "seq": 0, "events": events}).encode())
            answer = test_client.post("/v1/batches", content=body, headers={"Content-Encoding": "gzip", "X-Veil-Token": TOKEN})
            assert answer.status_code == 200, answer.text
        test_client.storage = storage  # type: ignore[attr-defined]
        yield test_client


def sessions(client, query="", headers=AS_VIEWER):
    answer = client.get("/v1/sessions" + (f"?{query}" if query else ""), headers=headers)
    assert answer.status_code == 200, answer.text
    return [row["session"] for row in answer.json()]


def audit(client):
    return [(a["actor"], a["action"], a["session"]) for a in client.get("/v1/audit?limit=1000", headers=AS_ADMIN).json()]


def test_search_finds_visits_by_what_they_did(client):
    assert sessions(client) == [C, B, A]
    assert sessions(client, "visited=/checkout&notVisited=/thank-you") == [A]
    assert sessions(client, "errors=1") == [A] and sessions(client, "frustration=rage") == [B]
    assert sessions(client, "clicked=pay") == [B] and sessions(client, "clicked=CHECK*") == [A]
    assert sessions(client, "from=" + str(T0 + 86_000_000) + "&to=" + str(T0 + 87_000_000)) == [B]
    assert sessions(client, "minDuration=30") == [B] and sessions(client, "sort=start&limit=1") == [A]
    answer = client.get("/v1/sessions?limit=2", headers=AS_VIEWER)
    assert answer.headers["X-Veil-More"] == "1" and client.get("/v1/sessions?limit=3", headers=AS_VIEWER).headers["X-Veil-More"] == "0"
    row = next(r for r in answer.json() if r["session"] == B)
    assert row["urls"] == ["https://shop.example/checkout", "https://shop.example/thank-you"] and row["targets"] == ["Pay"]
    assert (row["rage"], row["frustrations"], row["clicks"], row["errors"]) == (1, 1, 1, 0)
    assert ("vic", "list", None) in audit(client)


@pytest.mark.parametrize("path, status, words", [
    ("/v1/sessions?visited=checkout", 400, "starts with '/'"),
    ("/v1/sessions?from=2026-05-02&to=2026-05-01", 400, "from is after to"),
    ("/v1/sessions?minDuration=x", 400, "minDuration must be a number"),
    ("/v1/sessions?frustration=angry", 400, "frustration must be one of"),
    ("/v1/sessions?bogus=1", 400, "unknown parameter 'bogus'"),
    ("/v1/sessions?limit=0", 400, "limit must be an integer"),
    ("/v1/sessions?visited=/a*b*c*d*e*f", 400, "at most 4 '*'"),
    ("/v1/sessions?clicked=pay%00now", 400, "must not hold control characters"),
    ("/v1/sessions?visited=/a&visited=/b&visited=/c&visited=/d&visited=/e&visited=/f", 400, "given too many times"),
    ("/v1/sessions?minDuration=20&maxDuration=10", 400, "minDuration is more than maxDuration"),
    ("/v1/sessions?maxDuration=-1", 400, "maxDuration is in seconds, from 0 to 31622400 (366 days)"),
    ("/v1/sessions?from=yesterday", 400, "from must be a date"),
    ("/v1/sessions?to=99999-01-01", 400, "to must be a date"),
    ("/v1/sessions?sort=bogus", 400, "sort must be one of"),
    ("/v1/sessions?offset=100001", 400, "offset must be an integer from 0 to 100000"),
    ("/v1/clickmap", 400, "page is required"),
    ("/v1/clickmap?page=checkout", 400, "starts with '/'"),
    ("/v1/clickmap?page=/a&from=2026-05-02&to=2026-05-01", 400, "from is after to"),
    ("/v1/clickmap?page=/a&limit=20001", 400, "limit must be an integer from 1 to 20000"),
    ("/v1/clickmap?page=/a&page=/b", 400, "page is given too many times"),
    ("/v1/clickmap?page=/a&device=watch", 400, "device must be one of"),
    ("/v1/sessions/" + "f" * 32 + "/digest", 404, "no such session"),
    ("/v1/sessions/not-a-session/digest", 404, "no such session"),
    ("/v1/sessions/" + A + "/views/zz/snapshot", 404, "no such page view"),
    ("/v1/sessions/" + A + "/views/" + "9" * 16 + "/snapshot", 404, "no snapshot of it is stored"),
])
def test_bad_input_is_a_clear_4xx(client, path, status, words):
    answer = client.get(path, headers=AS_VIEWER)
    assert answer.status_code == status and words in answer.json()["error"], answer.text


def test_the_digest_and_who_viewed_a_visit(client):
    digest = client.get(f"/v1/sessions/{B}/digest", headers=AS_VIEWER)
    assert digest.status_code == 200
    text = digest.json()["text"]
    assert "opened page 'https://shop.example/checkout' (1280×720)" in text and "clicked button 'Pay'" in text
    assert "rage click ×4 on button 'Pay'" in text
    client.get(f"/v1/sessions/{B}/events", headers=AS_ADMIN)
    viewers = client.get(f"/v1/sessions/{B}/viewers", headers=AS_VIEWER).json()
    assert [(v["who"], v["action"]) for v in viewers] == [("ada", "read"), ("vic", "digest")]


def test_a_click_map_gathers_the_clicks_of_many_visits_on_a_page(client):
    answer = client.get("/v1/clickmap?page=/checkout", headers=AS_VIEWER).json()
    assert (answer["clicks"], answer["visits"]) == (1, 1) and answer["base"]["session"] == B
    assert [(p["kind"], p["name"], p["pageX"], p["pageY"]) for p in answer["points"]] == [("rage", "Pay", 40, 50), ("click", "Pay", 40, 50)]
    assert answer["targets"] == [{"name": "Pay", "clicks": 1, "rage": 1, "dead": 0, "errorClicks": 0}]
    everywhere = client.get("/v1/clickmap?page=/*", headers=AS_VIEWER).json()
    assert everywhere["visits"] == 3 and {p["path"] for p in everywhere["points"]} == {"/", "/cart", "/checkout"}
    snapshot = client.get(f"/v1/sessions/{B}/views/{VISITS[B][0]}/snapshot", headers=AS_VIEWER)
    assert [e["type"] for e in snapshot.json()] == [4, 2]
    assert client.get("/v1/clickmap?page=/nowhere", headers=AS_VIEWER).json()["base"] is None
    assert ("vic", "clickmap", None) in audit(client) and ("vic", "read", B) in audit(client)


def make_link(client, session=A, **body):
    answer = client.post(f"/v1/sessions/{session}/shares", json=body, headers=AS_ADMIN)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_share_link_opens_its_one_visit_and_nothing_else(client):
    link = make_link(client, atMs=1500)
    assert link["url"] == "/viewer/#share=" + link["token"] and link["expiresAt"] - link["createdAt"] == 24 * 3600
    shared = {"X-Veil-Share": link["token"]}
    about = client.get("/v1/shared", headers=shared).json()
    assert (about["session"], about["atMs"], about["createdBy"]) == (A, 1500, "ada")
    events = client.get("/v1/shared/events", headers=shared)
    assert events.status_code == 200 and events.json()[0]["type"] == 4
    assert "clicked button 'Pay'" in client.get("/v1/shared/digest", headers=shared).json()["text"]
    for path in ("/v1/sessions", f"/v1/sessions/{B}/events", f"/v1/sessions/{A}/events", "/v1/clickmap?page=/*", "/v1/audit"):
        assert client.get(path, headers=shared).status_code == 401, f"a link is no operator: {path}"
    viewers = client.get(f"/v1/sessions/{A}/viewers", headers=AS_VIEWER).json()
    assert [(v["who"], v["action"]) for v in viewers] == [(f"share:{link['id']}", "share-open")] * 2
    assert ("ada", "share-create", A) in audit(client)
    stored = client.storage.share_by_hash(share.token_hash(link["token"]))  # type: ignore[attr-defined]
    assert stored is not None and stored.id == link["id"]


def test_a_revoked_expired_or_forged_link_is_refused_with_what_happened(client):
    link = make_link(client)
    listed = client.get(f"/v1/sessions/{A}/shares", headers=AS_ADMIN).json()
    assert [(x["id"], x["state"]) for x in listed] == [(link["id"], "open")]
    assert client.delete(f"/v1/shares/{link['id']}", headers=AS_VIEWER).status_code == 403, "revoking needs an admin"
    assert client.delete(f"/v1/shares/{link['id']}", headers=AS_ADMIN).json() == {"ok": True, "revoked": link["id"]}
    revoked = client.get("/v1/shared/events", headers={"X-Veil-Share": link["token"]})
    assert revoked.status_code == 410 and revoked.json()["error"] == "this share link was revoked"
    assert ("ada", "share-revoke", A) in audit(client)
    short = make_link(client, hours=1 / 60)
    client.storage._change("UPDATE share_links SET expires_at = ? WHERE id = ?", (time.time() - 1, short["id"]))  # type: ignore[attr-defined]
    expired = client.get("/v1/shared", headers={"X-Veil-Share": short["token"]})
    assert expired.status_code == 410 and expired.json()["error"] == "this share link has expired"
    forged = client.get("/v1/shared", headers={"X-Veil-Share": "A" * 43})
    assert forged.status_code == 404 and "no such share link" in forged.json()["error"]
    assert client.get("/v1/shared", headers={"X-Veil-Share": "short"}).status_code == 404
    assert client.get("/v1/shared").status_code == 401
    assert client.delete("/v1/shares/" + "0" * 16, headers=AS_ADMIN).status_code == 404
    assert client.delete("/v1/shares/nope", headers=AS_ADMIN).status_code == 404


@pytest.mark.parametrize("body, words", [
    ({"hours": 169}, "168 (7 days)"), ({"hours": 0}, "from 1 minute"), ({"atMs": -5}, "atMs must be a moment"),
    ({"session": B}, "unknown field 'session'"), ([1], "must be a JSON object"),
])
def test_a_bad_share_request_is_a_clear_400(client, body, words):
    answer = client.post(f"/v1/sessions/{A}/shares", json=body, headers=AS_ADMIN)
    assert answer.status_code == 400 and words in answer.json()["error"]
    assert client.post(f"/v1/sessions/{A}/shares", content=b"{not json", headers=AS_ADMIN).status_code == 400
    assert client.post(f"/v1/sessions/{A}/shares", json={}, headers=AS_VIEWER).status_code == 403
    assert client.post("/v1/sessions/" + "f" * 32 + "/shares", json={}, headers=AS_ADMIN).status_code == 404


def test_forged_links_are_throttled_like_wrong_tokens(client):
    answers = [client.get("/v1/shared", headers={"X-Veil-Share": f"{i:043d}"}).status_code for i in range(8)]
    assert answers[:4] == [404] * 4 and answers[4:] == [429] * 4, "the fifth failure is throttled, as wrong tokens are"


def test_erasure_takes_the_index_and_the_links_with_it(client):
    link = make_link(client)
    assert client.delete(f"/v1/sessions/{A}", headers=AS_ADMIN).status_code == 200
    assert A not in sessions(client) and sessions(client, "errors=1") == []
    assert client.get("/v1/shared", headers={"X-Veil-Share": link["token"]}).status_code == 404
    assert client.get("/v1/clickmap?page=/cart", headers=AS_VIEWER).json()["clicks"] == 0
    storage = client.storage  # type: ignore[attr-defined]
    for table in ("visits", "visit_states", "visit_paths", "visit_names", "visit_clicks", "share_links"):
        assert storage._one(f"SELECT COUNT(*) FROM {table} WHERE session = ?", (A,))[0] == 0, table
    # the terms only A pointed at ('/cart', 'Checkout') are gone from the dictionary too
    storage._terms.refresh(storage._all)
    assert storage._terms.matching("path", "/cart") == [] and storage._terms.matching("name", "checkout") == []


def test_quarantine_and_batch_deletion_keep_the_index_true(client):
    assert client.post(f"/v1/sessions/{A}/batches/{VISITS[A][0]}/0/quarantine", headers=AS_ADMIN).status_code == 200
    row = next(r for r in client.get("/v1/sessions", headers=AS_VIEWER).json() if r["session"] == A)
    assert (row["quarantined"], row["errors"], row["clicks"], row["urls"]) == (1, 0, 0, [])
    assert sessions(client, "errors=1") == []
    assert client.delete(f"/v1/sessions/{B}/batches/{VISITS[B][0]}/0", headers=AS_ADMIN).status_code == 200
    assert B not in sessions(client)


def test_a_batch_the_collector_accepts_is_indexed_whatever_its_events_hold(client):
    """Validation lets through any object as an event's data and any timestamp below 2^53: the index
    and every read of it pass malformed parts over (no 500 at ingest, none when reading)."""
    d = "d" * 32
    far = 253_402_300_800_000  # the year 10000: a valid timestamp datetime cannot print
    events = [{"type": 4, "data": {"href": "https://shop.example/odd", "width": 2**53 - 1, "height": 720}, "timestamp": far},
              {"type": 2, "data": {"node": {"type": 0, "id": 1, "childNodes": []}, "initialOffset": {"top": 1e308, "left": 1e308}},
               "timestamp": far + 1},
              {"type": 3, "data": {"source": []}, "timestamp": far + 2},
              {"type": 3, "data": {"source": {"a": 1}, "type": 2}, "timestamp": far + 3},
              {"type": 3, "data": {"source": 2, "type": 2, "id": 1, "x": 1e308, "y": 1e308}, "timestamp": far + 4},
              {"type": 3, "data": {"source": 4, "width": 2**40, "height": -1}, "timestamp": far + 5},
              {"type": 5, "data": {"tag": "veil:frustration", "payload": {"kind": ["rage"], "id": [1]}}, "timestamp": far + 6},
              {"type": 5, "data": {"tag": ["veil:action"], "payload": {"id": {}, "name": 7}}, "timestamp": far + 7}]
    body = gzip.compress(json.dumps({"session": d, "view": "000000000000000d", "seq": 0, "events": events}).encode())
    answer = client.post("/v1/batches", content=body, headers={"Content-Encoding": "gzip", "X-Veil-Token": TOKEN})
    assert answer.status_code == 200, answer.text
    row = next(r for r in client.get("/v1/sessions?visited=/odd", headers=AS_VIEWER).json() if r["session"] == d)
    assert (row["clicks"], row["rage"], row["urls"]) == (1, 0, ["https://shop.example/odd"])
    digest = client.get(f"/v1/sessions/{d}/digest", headers=AS_VIEWER)
    assert digest.status_code == 200 and "started at an unknown time" in digest.json()["text"]
    clickmap = client.get("/v1/clickmap?page=/odd", headers=AS_VIEWER)
    assert clickmap.status_code == 200, clickmap.text
    (point,) = clickmap.json()["points"]
    assert (point["x"], point["pageX"], point["width"]) == (1e308, None, None)
