"""The string API the worker calls: same behaviour under CPython as in Pyodide."""

import gzip
import json

from tests.helpers import document, el, full, meta, text
from veil.api import Core

NOW = 1_800_000_000_000


def configured(**config):
    core = Core()
    assert json.loads(core.configure(json.dumps({"endpoint": "/c", **config})))["ok"]
    return core


def gate(core, draw=0.0, **facts):
    return json.loads(core.gate(json.dumps({"href": "https://x/", "now": NOW, **facts}), sample_draw=draw))


def test_configure_reports_bad_keys_as_values_not_exceptions():
    core = Core()
    assert json.loads(core.configure('{"endpoint": "/c", "nope": 1}'))["key"] == "nope"
    assert json.loads(core.configure("not json"))["ok"] is False
    assert json.loads(core.configure('{"endpoint": "/c"}')) == {"ok": True, "consent": "opt-in", "persistConsent": False, "beforeSend": False, "maxQueueBytes": 4194304, "requestTimeoutMs": 15000, "debug": False,
                                                                "canvasMaskRegions": False, "iframeOrigins": [], "parentOrigin": None}


def test_gate_before_configure_declines():
    assert json.loads(Core().gate("{}"))["record"] is False


def test_round_trip_produces_gzip_batches():
    core = configured(consent="not-required")
    decision = gate(core)
    assert decision["record"] is True and len(decision["session"]["id"]) == 32
    assert json.loads(core.start())["session"] == decision["session"]["id"]
    result = json.loads(core.observe(json.dumps([meta(), full(document(el("p", {}, text("Ada"))))])))
    assert result["snapshots"] == 1 and result["dropped"] == 0
    batch = json.loads(gzip.decompress(core.take_batch()))
    assert batch["session"] == decision["session"]["id"]
    assert "Ada" not in json.dumps(batch)


def test_observe_with_garbage_drops_and_counts():
    core = configured()
    gate(core)
    core.start()
    assert json.loads(core.observe("{not json"))["dropped"] == 1
    core.stop()
    assert core.take_batch() is None


def test_autostart_follows_consent_mode_and_remembered_consent():
    assert json.loads(configured(consent="not-required").autostart("{}"))["start"] is True
    assert json.loads(configured().autostart('{"storedConsent": "granted"}'))["start"] is False
    assert json.loads(configured(persistConsent=True).autostart('{"storedConsent": "granted"}'))["start"] is True
    assert json.loads(configured(persistConsent=True).autostart('{"storedConsent": "nope"}'))["start"] is False


def test_session_is_kept_within_30_minutes_and_sampling_is_sticky():
    core = configured(sampleRate=50)
    first = gate(core, draw=10)["session"]
    again = gate(core, draw=99, storedSession=first, now=NOW + 60_000)
    assert again["session"]["id"] == first["id"] and again["record"] is True
    out = configured(sampleRate=50)
    sampled_out = gate(out, draw=70)
    assert sampled_out["reason"] == "sampled-out"
    assert gate(out, draw=0, storedSession=sampled_out["session"], now=NOW + 1000)["reason"] == "sampled-out"
    assert json.loads(out.start())["ok"] is False


def test_declined_gates_store_no_session():
    core = configured()
    assert gate(core, doNotTrack="1") == {"record": False, "reason": "do-not-track", "status": "declined", "session": None}
    assert configured(excludeUrls=["/"]).gate(json.dumps({"href": "https://x/", "now": NOW})).count('"session":null') == 1


def test_navigation_to_an_excluded_url_pauses_and_leaving_resumes_with_a_fresh_snapshot():
    core = configured(excludeUrls=["/account"])
    stored = gate(core)["session"]
    core.start()
    core.observe(json.dumps([meta(), full(document())]))
    nav = {"type": 5, "data": {"tag": "veil:navigation", "payload": {"href": "https://x/account/ada"}}, "timestamp": 5}
    after = {"type": 3, "data": {"source": 5, "id": 5, "text": "x", "isChecked": False}, "timestamp": 6}
    assert json.loads(core.observe(json.dumps([nav, after])))["actions"] == ["pause"]
    assert "account" not in gzip.decompress(core.take_batch()).decode()
    assert gate(core, href="https://x/account/settings")["reason"] == "excluded-url"
    assert gate(core, href="https://x/shop", storedSession=stored)["record"] is True
    core.start()
    core.observe(json.dumps([meta("https://x/shop"), full(document(el("p", {}, text("back"))))]))
    batch = json.loads(gzip.decompress(core.take_batch()))
    assert batch["seq"] == 1 and [e["type"] for e in batch["events"]] == [4, 2]


def test_tick_rotates_after_30_idle_minutes():
    core = configured()
    first = gate(core)["session"]
    kept = json.loads(core.tick(NOW + 29 * 60_000, True, sample_draw=0))
    assert kept["rotate"] is False and kept["session"]["id"] == first["id"]
    rotated = json.loads(core.tick(NOW + 29 * 60_000 + 30 * 60_000, True, sample_draw=0))
    assert rotated["rotate"] is True and rotated["session"]["id"] != first["id"]


def test_request_timeout_is_handed_to_the_shim_and_resync_reports_the_gap_through_the_string_api():
    core = configured(consent="not-required", requestTimeoutMs=1500)
    assert json.loads(core.configure(json.dumps({"endpoint": "/c", "requestTimeoutMs": 1500})))["requestTimeoutMs"] == 1500
    gate(core)
    core.start()
    core.observe(json.dumps([meta(), full(document(el("p", {}, text("Ada"))))]))
    assert core.pending_bytes() > 0
    assert json.loads(core.resync()) == {"discarded": 2}
    assert core.pending_bytes() == 0 and core.take_batch(dropped=1) is None
    core.observe(json.dumps([meta(ts=5), full(document(el("p", {}, text("Ada"))), ts=6)]))
    batch = json.loads(gzip.decompress(core.take_batch(dropped=1)))
    assert ([e["type"] for e in batch["events"]], batch["seq"], batch["dropped"]) == ([4, 2], 1, 2)
    assert core.last_reported() == 2 and core.has_more() is False
