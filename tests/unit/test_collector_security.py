"""The collector's security probes (issue 18), each a regression test: session binding, strict input,
isolation of bad stored rows, operator roles and audit, throttling, forwarded headers, the event loop
kept free, erasure and retention proven on the stored bytes."""

import concurrent.futures
import gzip
import hashlib
import json
import sqlite3
import threading
import time

import pytest
from starlette.testclient import TestClient

from veil_collector.access import Operator, Operators, hash_token, load_operators, session_key
from veil_collector.app import CollectorSettings, create_app
from veil_collector.storage_api import StorageBusy

TOKEN = "client-token"
SESSION = "0123456789abcdef0123456789abcdef"
VIEW = "00000000000000aa"
SECRET = b"s" * 32
ADMIN, VIEWER = "admin-token", "viewer-token"
OPERATORS = (Operator("ada", "admin", hash_token(ADMIN)), Operator("vic", "viewer", hash_token(VIEWER)))
AS_ADMIN = {"Authorization": "Bearer " + ADMIN}
AS_VIEWER = {"Authorization": "Bearer " + VIEWER}


def settings(tmp_path, **kw):
    base = {"db_path": tmp_path / "s.sqlite3", "client_token": TOKEN, "session_secret": SECRET, "operators": OPERATORS}
    return CollectorSettings(**{**base, **kw})


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(settings(tmp_path)))


def frame(session=SESSION, seq=0, view=VIEW, events=None, **extra):
    events = events if events is not None else [{"type": 4, "data": {"href": "/"}, "timestamp": 1000 + seq}]
    return {"session": session, "view": view, "seq": seq, "events": events, **extra}


def gz(value) -> bytes:
    return gzip.compress(value if isinstance(value, bytes) else json.dumps(value).encode())


def post(client, body, key=None, token=TOKEN, headers=None):
    h = {"Content-Encoding": "gzip", "X-Veil-Token": token, **(headers or {})}
    if key is not None:
        h["X-Veil-Session-Key"] = key
    return client.post("/v1/batches", content=body, headers=h)


def stored_events(client, session=SESSION):
    response = client.get(f"/v1/sessions/{session}/events", headers=AS_VIEWER)
    assert response.status_code == 200
    return response.json()


def backend(path, lock_timeout=None):
    """The collector's encrypted storage on a SQLite file."""
    from veil_collector import storage as backends

    return backends.open_storage(path, SECRET, **({"lock_timeout": lock_timeout} if lock_timeout else {}))


class Wrapped:
    """A storage passed through, for the tests below to slow or break one call."""

    def __init__(self, path):
        self.inner = backend(path)

    def __getattr__(self, name):
        return getattr(self.inner, name)


# --- sessions bound to their writer ---------------------------------------------------------------

def test_the_first_answer_hands_out_the_session_key_derived_from_the_secret(client):
    answer = post(client, gz(frame())).json()
    assert answer["ok"] is True and answer["sessionKey"] == session_key(SECRET, SESSION)
    assert len(answer["sessionKey"]) <= 128
    assert post(client, gz(frame(seq=1)), key=answer["sessionKey"]).status_code == 200


def test_another_writer_cannot_append_to_or_claim_seqs_of_a_session(client):
    key = post(client, gz(frame())).json()["sessionKey"]
    injected = [{"type": 3, "data": {"source": 5, "text": "raw unmasked"}, "timestamp": 2000}]
    # The attacker knows the session id, not the victim's page-view id (it travels only in bodies).
    attack = "a" * 16
    no_key = post(client, gz(frame(seq=1, view=attack, events=injected)))
    assert no_key.status_code == 403 and no_key.json() == {"ok": False, "error": "session key required"}
    wrong = post(client, gz(frame(seq=1, events=injected)), key="A" * 43)
    assert wrong.status_code == 403 and wrong.json()["error"] == "wrong session key"
    other_key = session_key(SECRET, "f" * 32)
    assert post(client, gz(frame(seq=1, events=injected)), key=other_key).status_code == 403
    # The victim's real seq 1 is stored, not answered as a duplicate.
    real = post(client, gz(frame(seq=1)), key=key)
    assert real.json()["duplicate"] is False
    assert "raw unmasked" not in json.dumps(stored_events(client))
    # A later page view of the visit must carry the key.
    assert post(client, gz(frame(seq=0, view="b" * 16))).status_code == 403
    assert post(client, gz(frame(seq=0, view="b" * 16)), key=key).status_code == 200


def test_the_page_view_that_created_the_session_may_write_before_its_first_answer_arrives(client):
    # An unloading page sends its keepalive batches at once, before any answer can give it the key.
    first = post(client, gz(frame(seq=0)))
    assert first.status_code == 200
    second = post(client, gz(frame(seq=1)))
    assert second.status_code == 200 and second.json()["sessionKey"] == first.json()["sessionKey"]


def test_a_wrong_key_is_refused_even_for_a_new_session(client):
    assert post(client, gz(frame()), key="not-the-key").status_code == 403
    assert client.app.state.store.batch_count(SESSION) == 0


def test_a_retry_whose_answer_was_lost_gets_the_key_without_having_it(client):
    body = gz(frame())
    key = post(client, body).json()["sessionKey"]
    again = post(client, body)  # the first answer never arrived: no key yet
    assert again.status_code == 200 and again.json() == {"ok": True, "duplicate": True, "sessionKey": key}


def test_a_retry_compressed_again_at_another_time_is_still_a_retry_but_other_text_is_not(client):
    # The digest covers the gzip body as received except its header's time and OS bytes.
    text = json.dumps(frame()).encode()
    key = post(client, gzip.compress(text, mtime=1)).json()["sessionKey"]
    again = post(client, gzip.compress(text, mtime=99))
    assert again.status_code == 200 and again.json() == {"ok": True, "duplicate": True, "sessionKey": key}
    spaced = post(client, gzip.compress(json.dumps(frame(), indent=1).encode(), mtime=1))
    assert spaced.status_code == 409, "without the key, other bytes are not the writer's retry"
    assert client.app.state.store.batch_count(SESSION) == 1


def test_same_identity_different_bytes_is_a_409_never_an_overwrite(client):
    key = post(client, gz(frame())).json()["sessionKey"]
    other = [{"type": 4, "data": {"href": "/other"}, "timestamp": 5}]
    response = post(client, gz(frame(events=other)), key=key)
    assert response.status_code == 409 and response.json()["ok"] is False
    assert stored_events(client)[0]["data"]["href"] == "/"


@pytest.mark.parametrize("session", ["abcdef0123456789", "0123456789ABCDEF0123456789ABCDEF", "0" * 33, "g" * 32])
def test_a_session_id_must_have_the_sdks_shape(client, session):
    response = post(client, gz(frame(session=session)))
    assert response.status_code == 422 and "session" in response.json()["error"]


# --- strict input ---------------------------------------------------------------------------------

def raw_frame(events_text: str, seq="0", dropped="0") -> bytes:
    return gzip.compress(
        f'{{"session":"{SESSION}","view":"{VIEW}","seq":{seq},"dropped":{dropped},"events":{events_text}}}'.encode())


POISON = {
    "huge timestamp": raw_frame('[{"type":4,"data":{},"timestamp":1e308}]'),
    "negative timestamp": raw_frame('[{"type":4,"data":{},"timestamp":-1e308}]'),
    "NaN": raw_frame('[{"type":4,"data":{},"timestamp":NaN}]'),
    "Infinity": raw_frame('[{"type":4,"data":{},"timestamp":Infinity}]'),
    "-Infinity in data": raw_frame('[{"type":4,"data":{"x":-Infinity},"timestamp":1}]'),
    "overflowing float": raw_frame('[{"type":4,"data":{"x":1e400},"timestamp":1}]'),
    "lone surrogate": raw_frame('[{"type":4,"data":{"x":"\\ud800"},"timestamp":1}]'),
    "lone surrogate key": raw_frame('[{"type":4,"data":{"\\udfff":1},"timestamp":1}]'),
    "600 levels": raw_frame('[{"type":4,"data":{"x":' + "[" * 600 + "]" * 600 + '},"timestamp":1}]'),
    "100000 levels": raw_frame('[{"type":4,"data":{"x":' + "[" * 100_000 + "]" * 100_000 + '},"timestamp":1}]'),
    "seq 2^63": raw_frame('[{"type":4,"data":{},"timestamp":1}]', seq=str(2**63)),
    "seq 2^53": raw_frame('[{"type":4,"data":{},"timestamp":1}]', seq=str(2**53)),
    "dropped 2^63": raw_frame('[{"type":4,"data":{},"timestamp":1}]', dropped=str(2**63)),
    "timestamp 2^63": raw_frame(f'[{{"type":4,"data":{{}},"timestamp":{2**63}}}]'),
    "10000-digit integer": raw_frame('[{"type":4,"data":{"x":' + "9" * 10_000 + '},"timestamp":1}]'),
    "invalid UTF-8": gzip.compress(b'{"session":"' + SESSION.encode() + b'","view":"' + VIEW.encode()
                                   + b'","seq":0,"events":[{"type":4,"data":{"x":"\xff"},"timestamp":1}]}'),
    "trailing bytes": gz(frame()) + b"junk",
    "two gzip members": gz(frame()) + gz(frame(seq=1)),
}


@pytest.mark.parametrize("name", list(POISON))
def test_poisoned_batches_get_a_4xx_json_error_and_break_no_read(client, name):
    response = post(client, POISON[name])
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert response.json()["ok"] is False and response.json()["error"]
    assert client.app.state.store.batch_count(SESSION) == 0
    assert client.get("/v1/sessions", headers=AS_VIEWER).status_code == 200


def test_64_levels_of_nesting_are_still_accepted(client):
    deep = "[" * 60 + "]" * 60
    assert post(client, raw_frame('[{"type":4,"data":{"x":' + deep + '},"timestamp":1}]')).status_code == 200


class BadSummary(Wrapped):
    """A stored session whose summary cannot be JSON (an older, laxer collector wrote it)."""

    def sessions(self, limit=200, offset=0):
        return [*self.inner.sessions(limit, offset), {"session": "e" * 32, "start": float("inf"), "end": float("nan")}]

    def search_visits(self, search):  # what the list reads since the session index
        return [*self.inner.search_visits(search), {"session": "e" * 32, "start": float("inf"), "end": float("nan")}]


def test_a_bad_stored_summary_is_skipped_on_read_not_a_500(tmp_path):
    client = TestClient(create_app(settings(tmp_path, storage=BadSummary(tmp_path / "b.sqlite3"))))
    post(client, gz(frame()))
    listed = client.get("/v1/sessions", headers=AS_VIEWER)
    assert listed.status_code == 200 and [s["session"] for s in listed.json()] == [SESSION]
    assert client.get("/v1/stats", headers=AS_VIEWER).json()["skippedOnRead"] == 1


def test_a_bad_stored_row_is_skipped_on_read_not_a_500(tmp_path):
    app = create_app(settings(tmp_path))
    client = TestClient(app)
    key = post(client, gz(frame())).json()["sessionKey"]
    post(client, gz(frame(seq=1)), key=key)
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:  # a row damaged on disk, or by another writer
        db.execute("UPDATE batches SET sealed = x'00112233' WHERE seq = 1")
    assert [e["timestamp"] for e in stored_events(client)] == [1000]


def test_an_admin_can_quarantine_or_delete_a_batch_and_a_viewer_cannot(client):
    key = post(client, gz(frame())).json()["sessionKey"]
    for seq in (1, 2):
        post(client, gz(frame(seq=seq)), key=key)
    path = f"/v1/sessions/{SESSION}/batches/{VIEW}"
    assert client.post(path + "/1/quarantine", headers=AS_VIEWER).status_code == 403
    assert client.delete(path + "/2", headers=AS_VIEWER).status_code == 403
    assert client.post(path + "/1/quarantine", headers=AS_ADMIN).json()["ok"] is True
    assert client.delete(path + "/2", headers=AS_ADMIN).json()["ok"] is True
    assert [e["timestamp"] for e in stored_events(client)] == [1000]
    assert client.delete(path + "/9", headers=AS_ADMIN).status_code == 404
    assert client.post(path + "/x/quarantine", headers=AS_ADMIN).status_code == 404


# --- access ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/v1/sessions", f"/v1/sessions/{SESSION}/events", "/v1/stats", "/v1/whoami", "/v1/audit"])
def test_every_read_route_needs_an_operator(client, path):
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_no_operator_configured_means_reads_are_closed(tmp_path):
    client = TestClient(create_app(settings(tmp_path, operators=())))
    assert client.get("/v1/sessions").status_code == 401
    assert client.get("/v1/stats", headers=AS_ADMIN).status_code == 401


def test_data_routes_are_no_store_and_nosniff(client):
    post(client, gz(frame()))
    for path in ("/v1/sessions", f"/v1/sessions/{SESSION}/events", "/v1/stats"):
        response = client.get(path, headers=AS_VIEWER)
        assert response.headers["cache-control"] == "no-store" and response.headers["x-content-type-options"] == "nosniff"


def test_the_audit_log_names_who_read_and_who_erased_and_only_admins_read_it(client):
    post(client, gz(frame()))
    stored_events(client)
    assert client.delete(f"/v1/sessions/{SESSION}", headers=AS_VIEWER).status_code == 403
    assert client.delete(f"/v1/sessions/{SESSION}", headers=AS_ADMIN).status_code == 200
    assert client.get("/v1/audit", headers=AS_VIEWER).status_code == 403
    log = client.get("/v1/audit", headers=AS_ADMIN).json()
    assert [(e["actor"], e["action"], e["session"]) for e in log] == [("vic", "read", SESSION), ("ada", "delete", SESSION)]
    assert all(isinstance(e["at"], float) for e in log)
    assert client.get(f"/v1/audit?after={log[0]['id']}", headers=AS_ADMIN).json() == log[1:]
    assert client.get("/v1/whoami", headers=AS_VIEWER).json() == {"name": "vic", "role": "viewer"}


def test_operators_come_from_a_file_with_hashed_tokens_only(tmp_path):
    good = tmp_path / "operators.json"
    good.write_text(json.dumps({"operators": [{"name": "sam", "role": "admin", "token_hash": hash_token("t1", "scrypt")},
                                              {"name": "kim", "role": "viewer", "token_hash": hash_token("t2")}]}))
    ops = Operators(load_operators(good))
    assert ops.authenticate("t1").name == "sam" and ops.authenticate("t2").role == "viewer"
    assert ops.authenticate("t3") is None and ops.authenticate("") is None
    toml = tmp_path / "operators.toml"
    toml.write_text(f'[[operators]]\nname = "lee"\nrole = "viewer"\ntoken_hash = "{hash_token("t4")}"\n')
    assert Operators(load_operators(toml)).authenticate("t4").name == "lee"
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps([{"name": "x", "role": "admin", "token": "t"}]))
    with pytest.raises(ValueError):
        load_operators(plain)
    with pytest.raises(ValueError):
        Operators([Operator("x", "root", hash_token("t"))])


def test_guessing_the_operator_token_is_throttled_per_address(client):
    codes = [client.get("/v1/sessions", headers={"Authorization": f"Bearer guess{i}"}).status_code for i in range(8)]
    assert codes[:4] == [401] * 4 and codes[-1] == 429
    limited = client.get("/v1/sessions", headers=AS_ADMIN)  # even the right token: the guess is not revealed
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


def test_guessing_the_client_token_is_throttled_per_address(client):
    codes = [post(client, gz(frame()), token=f"guess{i}").status_code for i in range(8)]
    assert codes[:4] == [401] * 4 and codes[-1] == 429
    assert post(client, gz(frame())).status_code == 429
    assert client.get("/healthz").status_code == 200


def test_a_spoofed_forwarded_for_does_not_escape_the_rate_limit(tmp_path):
    client = TestClient(create_app(settings(tmp_path, rate_per_second=0.01, rate_burst=2)))
    codes = [post(client, gz(frame(session=f"{i:032x}")), headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
             for i in range(4)]
    assert codes == [200, 200, 429, 429]


def test_without_a_client_token_the_sent_token_is_not_a_rate_limit_key(tmp_path):
    client = TestClient(create_app(settings(tmp_path, client_token=None, rate_per_second=0.01, rate_burst=2)))
    codes = [post(client, gz(frame(session=f"{i:032x}")), token=f"fresh{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429]


def test_behind_a_trusted_proxy_each_user_has_their_own_rate_limit(tmp_path):
    client = TestClient(create_app(settings(tmp_path, trusted_proxies=("testclient",), rate_per_second=0.01, rate_burst=2)))

    def as_user(user, i):
        headers = {"X-Veil-User": user, "X-Forwarded-For": "192.0.2.7"}
        return post(client, gz(frame(session=f"{user == 'bo':x}{i:031x}")), headers=headers).status_code

    assert [as_user("al", i) for i in range(3)] == [200, 200, 429]
    assert [as_user("bo", i) for i in range(2)] == [200, 200]


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(tmp_path):
    client = TestClient(create_app(settings(tmp_path, trusted_proxies=("10.9.9.9",), rate_per_second=0.01, rate_burst=2)))
    codes = [post(client, gz(frame(session=f"{i:032x}")), headers={"X-Veil-User": f"u{i}"}).status_code for i in range(3)]
    assert codes == [200, 200, 429]


# --- nothing blocks the loop ----------------------------------------------------------------------

class SlowStorage(Wrapped):
    """Holds every write until released: a storage that is locked or slow."""

    def __init__(self, path, mode="hold"):
        super().__init__(path)
        self.mode, self.release, self.entered = mode, threading.Event(), threading.Event()

    def add(self, batch):
        return self.submit(batch).result(30)

    def submit(self, batch, keyless=False):  # what the collector calls (Storage.submit)
        if self.mode == "busy":
            raise StorageBusy("locked", retry_after=3)
        self.entered.set()
        held = concurrent.futures.Future()

        def write():
            self.release.wait(10)
            try:
                held.set_result(self.inner.submit(batch, keyless).result(30))
            except Exception as err:  # noqa: BLE001 - handed to the waiting collector
                held.set_exception(err)

        threading.Thread(target=write, daemon=True).start()
        return held


def test_a_locked_database_is_a_503_with_retry_after(tmp_path):
    client = TestClient(create_app(settings(tmp_path, storage=SlowStorage(tmp_path / "b.sqlite3", "busy"))))
    response = post(client, gz(frame()))
    assert response.status_code == 503 and response.headers["retry-after"] == "3" and response.json()["ok"] is False


def test_healthz_answers_while_ingest_is_held(tmp_path):
    storage = SlowStorage(tmp_path / "h.sqlite3")
    with TestClient(create_app(settings(tmp_path, storage=storage, storage_threads=2))) as client:
        pending = [threading.Thread(target=post, args=(client, gz(frame(session=f"{i:032x}")))) for i in range(4)]
        for t in pending:
            t.start()
        assert storage.entered.wait(5)
        started = time.monotonic()
        assert client.get("/healthz").status_code == 200
        assert time.monotonic() - started < 1.0  # the held adds would take 10 s
        storage.release.set()
        for t in pending:
            t.join(10)


class SlowReads(Wrapped):
    """Serves each stored batch slowly: a very large session being read."""

    def iter_event_chunks(self, session):
        for chunk in self.inner.iter_event_chunks(session):
            time.sleep(0.3)
            yield chunk


def test_healthz_answers_while_a_large_session_is_read(tmp_path):
    with TestClient(create_app(settings(tmp_path, storage=SlowReads(tmp_path / "r.sqlite3")))) as client:
        key = post(client, gz(frame())).json()["sessionKey"]
        for seq in range(1, 6):
            post(client, gz(frame(seq=seq)), key=key)
        reader = threading.Thread(target=stored_events, args=(client,))
        reader.start()
        time.sleep(0.4)
        started = time.monotonic()
        assert client.get("/healthz").status_code == 200
        assert time.monotonic() - started < 1.0 and reader.is_alive()  # the read takes about 1.8 s
        reader.join(10)


def test_a_large_visit_is_streamed_whole_and_in_order(client):
    key = post(client, gz(frame())).json()["sessionKey"]
    for seq in range(1, 40):
        events = [{"type": 3, "data": {"n": i}, "timestamp": 1000 + seq} for i in range(50)]
        post(client, gz(frame(seq=seq, events=events)), key=key)
    with client.stream("GET", f"/v1/sessions/{SESSION}/events", headers=AS_VIEWER) as response:
        assert "content-length" not in response.headers  # streamed, not built in memory
        body = b"".join(response.iter_bytes())
    events = json.loads(body)
    assert len(events) == 1 + 39 * 50 and [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events)


# --- lifecycle ------------------------------------------------------------------------------------

def _raw_rows(path, session):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM batches WHERE session = ?", (session,)).fetchone()[0]


def test_erasure_is_effective_at_once_and_on_the_stored_bytes(tmp_path):
    client = TestClient(create_app(settings(tmp_path)))
    post(client, gz(frame(events=[{"type": 4, "data": {"href": "/marker-xyzzy"}, "timestamp": 1}])))
    assert client.delete(f"/v1/sessions/{SESSION}", headers=AS_ADMIN).json() == {"ok": True, "deleted": SESSION}
    assert client.get(f"/v1/sessions/{SESSION}/events", headers=AS_VIEWER).status_code == 404
    assert client.get("/v1/sessions", headers=AS_VIEWER).json() == []
    assert _raw_rows(tmp_path / "s.sqlite3", SESSION) == 0
    assert client.delete(f"/v1/sessions/{SESSION}", headers=AS_ADMIN).status_code == 404


def test_retention_purges_by_itself_and_is_audited(tmp_path):
    app = create_app(settings(tmp_path, retention_days=0.3 / 86400, purge_interval_seconds=0.05))
    with TestClient(app) as client:
        post(client, gz(frame()))
        assert _raw_rows(tmp_path / "s.sqlite3", SESSION) == 1
        deadline = time.monotonic() + 5
        while _raw_rows(tmp_path / "s.sqlite3", SESSION) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _raw_rows(tmp_path / "s.sqlite3", SESSION) == 0
        assert client.get(f"/v1/sessions/{SESSION}/events", headers=AS_VIEWER).status_code == 404

        def purge_audited() -> bool:
            return any(e["actor"] == "system" and e["action"] == "purge"
                       for e in client.get("/v1/audit", headers=AS_ADMIN).json())

        # The audit entry is written just after the erasure's commit (and its WAL checkpoint).
        while not purge_audited() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert purge_audited()


def test_a_database_locked_by_another_process_is_a_503_while_healthz_answers(tmp_path):
    path = tmp_path / "locked.sqlite3"
    storage = backend(path, lock_timeout=0.3)
    client = TestClient(create_app(settings(tmp_path, storage=storage)))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
    try:
        response = post(client, gz(frame()))
        assert response.status_code == 503 and int(response.headers["retry-after"]) >= 1
        assert client.get("/healthz").status_code == 200
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert post(client, gz(frame())).status_code == 200, "the client's retry succeeds once the lock is gone"


def test_the_browser_may_send_the_session_key_cross_origin(tmp_path):
    client = TestClient(create_app(settings(tmp_path, allowed_origins=("http://site.example",))))
    preflight = client.options("/v1/batches", headers={
        "Origin": "http://site.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-encoding,x-veil-token,x-veil-session-key"})
    assert preflight.status_code == 200 and "x-veil-session-key" in preflight.headers["access-control-allow-headers"].lower()


def test_secrets_come_from_a_file_or_the_environment_never_argv(tmp_path, monkeypatch):
    import base64
    import subprocess
    import sys

    from veil_collector.access import decode_key, read_secret

    monkeypatch.delenv("VEIL_TEST_SECRET_FILE", raising=False)
    monkeypatch.setenv("VEIL_TEST_SECRET", "from-env")
    assert read_secret("VEIL_TEST_SECRET") == "from-env"
    (tmp_path / "s.txt").write_text("from-file\n")
    monkeypatch.setenv("VEIL_TEST_SECRET_FILE", str(tmp_path / "s.txt"))
    assert read_secret("VEIL_TEST_SECRET") == "from-file"
    key = bytes(range(32))
    assert decode_key(key.hex()) == key and decode_key(base64.b64encode(key).decode()) == key
    with pytest.raises(ValueError):
        decode_key("00" * 16)
    for flag in ("--token", "--operator-token"):
        run = subprocess.run([sys.executable, "-m", "veil_collector", flag, "secret"], capture_output=True, timeout=30, check=False)
        assert run.returncode == 2 and b"unrecognized arguments" in run.stderr


def test_a_worker_process_finds_the_session_secret_and_operators_in_the_environment(tmp_path, monkeypatch):
    # uvicorn's workers rebuild settings from plain values: secrets come from the environment, so
    # every process derives the same session keys and knows the same operators.
    (tmp_path / "secret").write_text("e" * 40)
    (tmp_path / "ops.json").write_text(json.dumps([{"name": "wes", "role": "viewer", "token_hash": hash_token("w")}]))
    monkeypatch.setenv("VEIL_SESSION_SECRET_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv("VEIL_OPERATORS_FILE", str(tmp_path / "ops.json"))
    client = TestClient(create_app(settings(tmp_path, session_secret=None, operators=())))
    assert post(client, gz(frame())).json()["sessionKey"] == session_key(b"e" * 40, SESSION)
    assert client.get("/v1/whoami", headers={"Authorization": "Bearer w"}).json() == {"name": "wes", "role": "viewer"}


# --- the cost of an operator token (issue 27, item 2): hash calls counted, not time ---------------

SCRYPT_ADMIN = "scrypt-admin-token"


@pytest.fixture
def hash_calls(monkeypatch):
    """Counts every hashing of a presented operator token, per scheme."""
    from veil_collector import access

    calls = {"sha256": 0, "scrypt": 0}
    sha256, scrypt = access._sha256, access._scrypt

    def counted_sha256(token):
        calls["sha256"] += 1
        return sha256(token)

    def counted_scrypt(*args):
        calls["scrypt"] += 1
        return scrypt(*args)

    monkeypatch.setattr(access, "_sha256", counted_sha256)
    monkeypatch.setattr(access, "_scrypt", counted_scrypt)
    return calls


@pytest.fixture
def mixed_client(tmp_path):
    """One scrypt-hashed admin and one sha256-hashed viewer (the shape that cost 48 ms a request)."""
    operators = (Operator("sam", "admin", hash_token(SCRYPT_ADMIN, "scrypt")), Operator("vic", "viewer", hash_token(VIEWER)))
    return TestClient(create_app(settings(tmp_path, operators=operators)))


def test_a_throttled_wrong_operator_token_costs_no_hashing(mixed_client, hash_calls):
    codes = [mixed_client.get("/v1/sessions", headers={"Authorization": f"Bearer guess{i}"}).status_code
             for i in range(5)]
    assert codes[-1] == 429
    assert hash_calls["scrypt"] == 5, "a guess not yet throttled is checked against every operator"
    hash_calls.update(sha256=0, scrypt=0)
    for i in range(6):
        assert mixed_client.get("/v1/sessions", headers={"Authorization": f"Bearer more{i}"}).status_code == 429
    assert mixed_client.get("/v1/sessions", headers={"Authorization": "Bearer " + SCRYPT_ADMIN}).status_code == 429
    assert hash_calls == {"sha256": 0, "scrypt": 0}, "the throttle answers before any hashing"


def test_a_correct_operator_token_hashes_once_at_most(mixed_client, hash_calls):
    viewer = {"Authorization": "Bearer " + VIEWER}
    assert mixed_client.get("/v1/whoami", headers=viewer).json() == {"name": "vic", "role": "viewer"}
    assert hash_calls == {"sha256": 1, "scrypt": 0}, "a sha256 operator's token never pays for the scrypt one"
    admin = {"Authorization": "Bearer " + SCRYPT_ADMIN}
    assert mixed_client.get("/v1/whoami", headers=admin).json() == {"name": "sam", "role": "admin"}
    assert hash_calls["scrypt"] == 1
    hash_calls.update(sha256=0, scrypt=0)
    for _ in range(5):  # an open viewer polls every 3 s
        assert mixed_client.get("/v1/sessions", headers=viewer).status_code == 200
        assert mixed_client.get("/v1/sessions", headers=admin).status_code == 200
    assert hash_calls == {"sha256": 0, "scrypt": 0}, "a token verified moments ago is remembered"


def test_verified_tokens_are_remembered_briefly_boundedly_and_never_in_clear(hash_calls, monkeypatch):
    from veil_collector import access

    now = [0.0]
    ops = Operators([Operator("vic", "viewer", hash_token(VIEWER))], clock=lambda: now[0])
    assert ops.authenticate(VIEWER).name == "vic" and ops.authenticate(VIEWER).name == "vic"
    assert hash_calls["sha256"] == 1
    assert all(VIEWER.encode() not in slot and hashlib.sha256(VIEWER.encode()).digest() != slot
               for slot in ops._verified), "keyed by an HMAC under a per-process secret"
    now[0] = access.VERIFIED_SECONDS + 1
    assert ops.remembered(VIEWER) is None and ops.authenticate(VIEWER).name == "vic"
    assert hash_calls["sha256"] == 2, "forgotten after VERIFIED_SECONDS"
    assert ops.authenticate("wrong") is None and ops.remembered("wrong") is None, "wrong tokens are not remembered"
    monkeypatch.setattr(access, "VERIFIED_MAX", 3)
    many = Operators([Operator(f"op{i}", "viewer", hash_token(f"t{i}")) for i in range(5)])
    for i in range(5):
        assert many.authenticate(f"t{i}").name == f"op{i}"
    assert len(many._verified) == 3 and many.remembered("t0") is None and many.remembered("t4").name == "op4"


# --- erasure refuses the rest of the visit; the session list is audited (issue 27, item 3) --------

@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    return str(tmp_path / "e.sqlite3") if request.param == "sqlite" else request.getfixturevalue("pg_url")


def test_an_erased_session_refuses_new_batches_with_a_clear_4xx_even_after_a_restart(database):
    def app():
        return create_app(CollectorSettings(db_path=database, client_token=TOKEN, session_secret=SECRET,
                                            operators=OPERATORS, master_key=bytes(range(32))))

    with TestClient(app()) as client:
        key = post(client, gz(frame())).json()["sessionKey"]
        assert client.delete(f"/v1/sessions/{SESSION}", headers=AS_ADMIN).status_code == 200
        refused = post(client, gz(frame(seq=1)), key=key)
        assert refused.status_code == 410
        assert refused.json() == {"ok": False, "error": "this session was erased: it accepts no more batches"}
        assert post(client, gz(frame(seq=0, view="b" * 16))).status_code == 410, "without its key too"
        assert client.get(f"/v1/sessions/{SESSION}/events", headers=AS_VIEWER).status_code == 404
    with TestClient(app()) as client:
        assert post(client, gz(frame(seq=2)), key=key).status_code == 410, "the tombstone outlives a restart"
        assert post(client, gz(frame(session="f" * 32))).status_code == 200, "other sessions are untouched"
        assert [s["session"] for s in client.get("/v1/sessions", headers=AS_VIEWER).json()] == ["f" * 32]


def test_the_session_list_is_audited_once_per_different_listing(client):
    def entries():
        return [(e["actor"], e["action"], e["session"], e["detail"]) for e in client.get("/v1/audit", headers=AS_ADMIN).json()
                if e["action"] == "list"]

    post(client, gz(frame()))
    assert client.get("/v1/sessions", headers=AS_VIEWER).status_code == 200
    assert entries() == [("vic", "list", None, "limit=200 offset=0: 1 visits")]
    for _ in range(3):  # an open viewer polls every 3 s: the same listing is written once
        client.get("/v1/sessions", headers=AS_VIEWER)
    assert len(entries()) == 1
    post(client, gz(frame(session="e" * 32)))
    client.get("/v1/sessions", headers=AS_VIEWER)  # a new visit appeared: a different listing
    client.get("/v1/sessions?errors=1&limit=5", headers=AS_VIEWER)
    client.get("/v1/sessions", headers=AS_ADMIN)  # another operator
    assert entries()[1:] == [("vic", "list", None, "limit=200 offset=0: 2 visits"),
                             ("vic", "list", None, "limit=5 offset=0 errors=1: 0 visits"),
                             ("ada", "list", None, "limit=200 offset=0: 2 visits")]


def test_a_listing_is_audited_again_once_the_window_has_passed():
    from veil_collector.audit import LISTING_SECONDS, RecentListings

    now = [0.0]
    recent = RecentListings(clock=lambda: now[0], limit=2)
    assert recent.is_new("vic", "q", ["a"]) and not recent.is_new("vic", "q", ["a"])
    now[0] = LISTING_SECONDS + 1
    assert recent.is_new("vic", "q", ["a"])
    assert recent.is_new("vic", "q", ["b"]) and recent.is_new("vic", "r", ["a"])
    assert recent.is_new("vic", "q", ["a"]), "bounded: the oldest listing was forgotten"
