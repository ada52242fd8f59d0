"""The compiled batch scanner only ever vouches for what the exact path accepts unchanged: a batch
it passes is valid, of the batch's shape, and has nothing the scrubber would mask, with the same
parts the exact path reads; everything the exact path refuses, and every PII candidate in a string
the scrubber reads, is handed to the exact path."""

from __future__ import annotations

import gzip
import json
import random
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil_collector import scan
from veil_collector.prepare import _exact_batch, prepare_batch, prepare_small_on_loop
from veil_collector.scrub import CANDIDATE, STRUCTURAL_KEYS, _suspects
from veil_collector.validate import MAX_DEPTH, InvalidBatch
from tests.unit.test_collector_scrub import SAMPLES

S, V = "a" * 32, "b" * 16

if shutil.which("cc") is None:
    pytest.skip("no C compiler here (./dev installs gcc): the collector runs the exact path only",
                allow_module_level=True)


def raw_batch(events, **top) -> bytes:
    return json.dumps({"session": S, "view": V, "seq": 3, "events": events, **top}, ensure_ascii=False).encode()


def event(data, kind=3, ts=1700000000000) -> dict:
    return {"type": kind, "data": data, "timestamp": ts}


def vouched(raw: bytes) -> bool:
    return scan.scan_reason(raw)[0] == 0


def exact(raw: bytes):
    try:
        return _exact_batch(gzip.compress(raw), raw)
    except InvalidBatch as err:
        return err


def assert_sound(raw: bytes) -> None:
    """A vouched batch: the exact path accepts it, masks nothing, and reads the same parts."""
    got = scan.scan(raw)
    if got is None:
        return
    want = exact(raw)
    assert not isinstance(want, InvalidBatch), (raw[:300], want)
    assert want.pii_masked == 0 and not _suspects(json.loads(raw)["events"]), raw[:300]
    body = gzip.compress(raw)
    fast = prepare_batch(body, 1 << 24)
    assert fast.gzip_body == body
    for name in ("session", "view", "seq", "dropped", "event_count", "first_ts", "last_ts", "pages", "digest",
                 "pii_masked"):
        assert getattr(fast, name) == getattr(want, name), name
    assert json.loads(fast.events_json) == json.loads(want.events_json)


def test_the_scanner_is_in_use_wherever_a_c_compiler_is():
    assert scan.available(), "scan.c did not compile or load: see the collector's warning"
    assert vouched(raw_batch([event({"source": 1, "text": "*** **"})]))


REFUSED_OR_UNSURE = {
    "NaN": raw_batch([event({"x": 1})]).replace(b'"x": 1', b'"x": NaN'),
    "Infinity": raw_batch([event({"x": 1})]).replace(b'"x": 1', b'"x": -Infinity'),
    "overflow": raw_batch([event({"x": 1})]).replace(b'"x": 1', b'"x": 1e400'),
    "exponent": raw_batch([event({"x": 1})]).replace(b'"x": 1', b'"x": 1E5'),
    "16 digits": raw_batch([event({"x": 1})]).replace(b'"x": 1', b'"x": 9007199254740993'),
    "lone surrogate": raw_batch([event({"x": 1})]).replace(b'"x": 1', b'"x": "\\ud800"'),
    "invalid UTF-8": raw_batch([event({"x": "ok"})]).replace(b"ok", b"o\xffk"),
    "overlong UTF-8": raw_batch([event({"x": "ok"})]).replace(b"ok", b"o\xc0\xafk"),
    "UTF-8 surrogate": raw_batch([event({"x": "ok"})]).replace(b"ok", b"o\xed\xa0\x80k"),
    "truncated UTF-8": raw_batch([event({"x": "ok"})]).replace(b"ok", b"o\xe2\x82"),
    "control character": raw_batch([event({"x": "ok"})]).replace(b"ok", b"o\x01k"),
    "bad escape": raw_batch([event({"x": "ok"})]).replace(b"ok", b"o\\qk"),
    "too deep": raw_batch([event({"x": 1})]).replace(b"1", b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, 1),
    "trailing bytes": raw_batch([event({})]) + b" x",
    "trailing comma": raw_batch([event({"x": 1})]).replace(b'"x": 1', b'"x": 1,'),
    "leading zero": raw_batch([event({"x": 1})]).replace(b'"x": 1', b'"x": 01'),
    "BOM": b"\xef\xbb\xbf" + raw_batch([event({})]),
    "not an object": b"[" + raw_batch([event({})]) + b"]",
    "unknown key": raw_batch([event({})], extra=1),
    "duplicate key": raw_batch([event({})]).replace(b'"seq": 3', b'"seq": 3, "seq": 4'),
    "escaped key": raw_batch([event({})]).replace(b'"seq"', b'"se\\/q"'),
    "no events": raw_batch([]),
    "events not a list": raw_batch({}),  # type: ignore[arg-type]
    "event not an object": raw_batch([1]),
    "type true": raw_batch([event({}, kind=True)]),
    "type 7": raw_batch([event({}, kind=7)]),
    "type 1.0": raw_batch([event({}, kind=1.0)]),
    "negative timestamp": raw_batch([event({}, ts=-1)]),
    "timestamp 2^53": raw_batch([event({}, ts=2**53)]),
    "string timestamp": raw_batch([event({}, ts="1")]),
    "data not an object": raw_batch([event([])]),
    "no data": raw_batch([{"type": 3, "timestamp": 1}]),
    "session upper case": raw_batch([event({})]).replace(S.encode(), b"A" * 32),
    "view too short": raw_batch([event({})]).replace(V.encode(), b"b" * 15),
    "seq negative": raw_batch([event({})]).replace(b'"seq": 3', b'"seq": -3'),
    "seq float": raw_batch([event({})]).replace(b'"seq": 3', b'"seq": 3.0'),
    "dropped string": raw_batch([event({})], dropped="1"),
    "duplicate type": raw_batch([event({})]).replace(b'"type": 3', b'"type": 3, "type": 9'),
    "empty": b"",
}


@pytest.mark.parametrize("name", REFUSED_OR_UNSURE)
def test_what_the_exact_path_refuses_or_must_decide_is_never_vouched_for(name):
    raw = REFUSED_OR_UNSURE[name]
    assert not vouched(raw), name
    assert_sound(raw)


def test_a_deep_but_allowed_batch_and_every_json_form_are_vouched_for():
    deep = raw_batch([event({"x": 1})]).replace(b"1", b"[" * (MAX_DEPTH - 4) + b"]" * (MAX_DEPTH - 4), 1)
    assert vouched(deep)
    assert_sound(deep)
    forms = raw_batch([event({"a": [True, False, None, -0, 1.5, -2.25, 0.1, "x\n\"/\t", {}, []], "b": "\u00e9t\u00e9"})],
                      dropped=2)
    assert vouched(forms.replace(b": ", b":\t\r\n ").replace(b"/", b"\\/")), "whitespace and escapes JSON allows"
    assert_sound(forms)


@pytest.mark.parametrize("sample", [*SAMPLES, "12345678", "1-2-3-4-5-6-7-8", "1 .2..3((4))5 6 7 8", "GB82", "xAB12y",
                                    "\u0663", "BeArEr", "x_sk_test_", "rk_live_", "gho_", "xoxr-", "eyJ", "AKIA",
                                    "a" * 32, "-_" * 16, "x@"])
def test_every_pii_shape_the_walk_reads_is_handed_to_the_exact_path(sample):
    assert not vouched(raw_batch([event({"source": 5, "text": sample})])), sample
    assert not vouched(raw_batch([event({"texts": [{"value": ["ok", sample]}]})])), "lists inherit the key"
    assert not vouched(raw_batch([event({"style": {"color": sample}})])), "an object's own keys decide"
    assert not vouched(raw_batch([{**event({}), "extra": sample}])), "event-level strings are read too"


def test_an_escape_that_could_spell_a_candidate_is_handed_over():
    raw = raw_batch([event({"text": "jane"})]).replace(b"jane", b"jane\\u0040example.com")
    assert json.loads(raw)["events"][0]["data"]["text"] == "jane@example.com"
    assert not vouched(raw)


@pytest.mark.parametrize("key", sorted(STRUCTURAL_KEYS - {"type"}))
def test_markup_values_the_walk_skips_are_skipped_here_too(key):
    raw = raw_batch([event({key: "jane@example.com", "list": [1], "nested": {key: ["a" * 40]}})])
    assert vouched(raw), key
    assert_sound(raw)


def test_tags_and_page_counts_come_out_as_the_exact_path_counts_them():
    events = [event({"href": "x"}, kind=4), event({"tag": "veil:navigation", "payload": {}}, kind=5),
              event({"tag": "veil:action", "payload": {}}, kind=5), event({"tag": "veil:navigation"}, kind=3),
              event({"tag": 5}, kind=5), event({"tag": "veil:key", "tag2": 1}, kind=5, ts=5.5)]
    raw = raw_batch(events)
    got = scan.scan(raw)
    assert got is not None and got.tags == [b"veil:navigation", b"veil:action", b"veil:key"]
    assert (got.meta_count, got.first_ts, got.last_ts) == (1, 5.5, 1700000000000)
    assert prepare_batch(gzip.compress(raw), 1 << 20).pages == 2
    assert_sound(raw)


# Strings from where the candidate shapes are densest, and anything printable.
pii_text = st.text(st.sampled_from(list("0123456789" * 3 + " -.()_@ ABGKIJXyebarRsplivtgohux*")) |
                   st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@given(pii_text, st.sampled_from(["text", "class", "value", "_cssText", "name"]))
@settings(max_examples=300, deadline=None)
def test_a_string_is_vouched_for_exactly_when_the_walk_finds_no_candidate_in_it(text, key):
    raw = raw_batch([event({key: text})])
    read = key not in STRUCTURAL_KEYS
    if "\\" in json.dumps(text):  # an escape: the scanner may hand it over, never the reverse
        assert not vouched(raw) or not (read and CANDIDATE.search(text))
    else:
        assert vouched(raw) == (not (read and CANDIDATE.search(text))), text
    assert_sound(raw)


# Mostly what recorders send (so most batches are vouched for), some of anything JSON holds.
scalars = (st.none() | st.booleans() | st.integers(-(10**15) + 1, 10**15 - 1) | st.integers(-(10**9), 10**9).map(lambda i: i / 64)
           | st.text(st.characters(min_codepoint=32, exclude_categories=("Cs",)), max_size=8) | pii_text)
wild = st.integers(-(2**60), 2**60) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8)
json_values = st.recursive(
    scalars | wild,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "class", "tag", "x"]) | st.text(max_size=4),
                                                              inner, max_size=3),
    max_leaves=30,
)
timestamps = st.integers(0, 10**15 - 1) | st.integers(0, 10**12).map(lambda i: i / 8) | st.integers(0, 2**53) | st.floats(0, 1e16)


@given(st.lists(st.tuples(st.integers(0, 6) | st.integers(-1, 8), json_values, timestamps), min_size=1, max_size=4),
       st.integers(0, 2**40), st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None)
def test_whatever_is_vouched_for_the_exact_path_accepts_unchanged(events, seq, rng: random.Random):
    raw = json.dumps({"session": S, "view": V, "seq": seq, "events": [
        {"type": kind, "data": data if kind % 2 else {"v": data}, "timestamp": ts} for kind, data, ts in events]},
        ensure_ascii=rng.random() < 0.3).encode()
    assert_sound(raw)
    for _ in range(5):  # and after damage: a byte changed, dropped or doubled
        at = rng.randrange(len(raw))
        choice = rng.random()
        damaged = raw[:at] + (bytes([rng.randrange(256)]) if choice < 0.5 else b"" if choice < 0.75 else raw[at:at + 1]) + raw[at + 1:]
        assert_sound(damaged)


def test_small_batches_are_stored_by_the_fast_path_and_a_leak_still_by_the_exact_one(tmp_path, monkeypatch):
    from starlette.testclient import TestClient

    from veil_collector import ingest
    from veil_collector.app import CollectorSettings, create_app

    on_loop = []
    real = ingest.prepare_small_on_loop
    monkeypatch.setattr(ingest, "prepare_small_on_loop", lambda *a: on_loop.append(real(*a)) or on_loop[-1])
    client = TestClient(create_app(CollectorSettings(db_path=tmp_path / "c.sqlite3", operator_token="op")))

    def post(seq, text, key=None):
        body = gzip.compress(raw_batch([event({"source": 5, "text": text})]).replace(b'"seq": 3', b'"seq": %d' % seq))
        headers = {"Content-Encoding": "gzip", **({"X-Veil-Session-Key": key} if key else {})}
        return client.post("/v1/batches", content=body, headers=headers)

    key = post(0, "***").json()["sessionKey"]
    # Without its key too: the writer checks the session in the transaction that stores the batch.
    assert len(on_loop) == 1 and on_loop[-1] is not None
    assert post(1, "** *", key).json()["ok"] and on_loop[-1] is not None
    assert post(2, "jane@example.com", key).json()["ok"] and on_loop[-1] is None, "a leak: the exact path"
    assert post(3, "***", "x" * 43).status_code == 403
    stats = client.get("/v1/stats", headers={"Authorization": "Bearer op"}).json()
    assert (stats["batches"], stats["piiMasked"]) == (3, 1)
    events = client.get(f"/v1/sessions/{S}/events", headers={"Authorization": "Bearer op"}).json()
    texts = [e["data"]["text"] for e in events]
    assert texts[:2] == ["***", "** *"] and len(texts) == 3 and "jane@example.com" not in texts[2]


def test_a_vouched_batch_counts_its_errors_and_frustration_signals_as_the_exact_path_does():
    events = [event({"href": "x"}, kind=4), event({"tag": "veil:error", "payload": {"kind": "error"}}, kind=5),
              event({"tag": "veil:frustration", "payload": {"kind": "rage"}}, kind=5),
              event({"tag": "veil:error", "payload": {"kind": "capture"}}, kind=5)]
    raw = raw_batch(events)
    assert vouched(raw)
    fast = prepare_small_on_loop(gzip.compress(raw), 1 << 20)
    exact = _exact_batch(gzip.compress(raw), raw)
    assert fast is not None and fast.gzip_body is not None
    assert (fast.errors, fast.frustrations) == (exact.errors, exact.frustrations) == (2, 1)
