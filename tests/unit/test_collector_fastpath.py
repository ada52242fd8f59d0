"""The collector's fast ingest path decides exactly as the exact one: orjson plus raw-text scans
accept and refuse the same JSON texts as the strict ``json`` parser, and the one-pass PII gate on a
batch's text never skips a batch whose events the full scrubber would change."""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil_collector.prepare import prepare_batch
from veil_collector.scrub import CANDIDATE, scrub_events, text_has_candidate
from veil_collector.validate import (MAX_DEPTH, InvalidBatch, _loads_exact, loads_fast, parse_batch_with_strings,
                                         split_strings)
from tests.unit.test_collector_scrub import SAMPLES

S, V = "a" * 32, "b" * 16


def outcome(parse, raw: bytes):
    try:
        return ("ok", parse(raw))
    except InvalidBatch as err:
        return ("refused", err.status)


EDGES = [
    b"NaN", b"[Infinity]", b"[-Infinity]", b"[1e400]", b"[-1e400]", b"[1E5]", b"[1e5]", b"[2.5e-3]",
    b'["\\ud800"]', b'["\\udc00x"]', b'["\\ud83d\\ude00"]', b'["\xff"]', b'["a\x01b"]',
    b"[9007199254740992]", b"[9007199254740993]", b"[-9007199254740993]", b"[18446744073709551616]",
    b"[1234567890123456]", b"[0.12345678901234567]", b"[true, false, null, 1.5]", b'{"e": "eeE1e5"}',
    b'["a\\"[[[[", 1]', b'["\\\\", [1]]', b"[" * MAX_DEPTH + b"]" * MAX_DEPTH,
    b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), b"[{" * 32 + b'"a":1' + b"}]" * 32,
    b"[{" * 32 + b"[]" + b"}]" * 32, b'{"a": "{{{{{{{{"}', b"[1,]", b"", b'{"a":1}x',
]


@pytest.mark.parametrize("raw", EDGES)
def test_the_fast_parser_decides_every_edge_as_the_exact_parser_does(raw):
    fast, exact = outcome(lambda r: loads_fast(r)[0], raw), outcome(_loads_exact, raw)
    assert fast == exact, raw
    if fast[0] == "refused":
        assert 400 <= fast[1] < 500


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=30,
)


@given(json_values)
@settings(max_examples=300, deadline=None)
def test_fast_and_exact_parsing_agree_on_any_json(value):
    raw = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    assert outcome(lambda r: loads_fast(r)[0], raw) == outcome(_loads_exact, raw)


def test_strings_are_cut_out_exactly_even_with_escaped_quotes():
    raw = b'{"a":"x\\"y","b":["\\\\",2]}'
    parts = split_strings(raw)
    assert parts[1::2] == [b"a", b'x\\"y', b"b", b"\\\\"]
    assert b"".join(parts[::2]) == b"{:,:[,2]}"


text_alphabet = st.sampled_from(list("0123456789" * 4 + " -.()+@ GBXk_:/eyJAKIAghpxob")) | st.characters()


@given(st.lists(st.text(text_alphabet, max_size=40), max_size=4))
@settings(max_examples=400, deadline=None)
def test_the_text_gate_sees_every_candidate_the_walk_would(strings):
    events = [{"type": 3, "timestamp": 1, "data": {"source": 0, "texts": [{"id": 1, "value": s} for s in strings]}}]
    raw = json.dumps(events, ensure_ascii=False).encode("utf-8", "surrogatepass")
    try:
        parts = split_strings(raw)
    except Exception:  # noqa: BLE001 - not valid JSON for split_strings' contract (lone surrogates)
        return
    if any(CANDIDATE.search(s) for s in strings):
        assert text_has_candidate(parts[1::2]), strings
    clean, masked = scrub_events(events, parts[1::2])
    assert (clean, masked) == scrub_events(events), "the gate never changes the outcome"


def batch(events) -> bytes:
    return gzip.compress(json.dumps({"session": S, "view": V, "seq": 0, "events": events}).encode())


def test_a_batch_with_pii_is_scrubbed_and_not_kept_as_received_but_a_clean_one_is():
    leaky = [{"type": 3, "timestamp": 1, "data": {"source": 5, "text": "jane@example.com"}}]
    got = prepare_batch(batch(leaky), 1 << 20)
    assert got.pii_masked == 1 and got.gzip_body is None and b"jane@example.com" not in got.events_json
    body = batch([{"type": 3, "timestamp": 1, "data": {"source": 5, "text": "***"}}])
    assert prepare_batch(body, 1 << 20).gzip_body == body


def test_the_batch_ids_do_not_trip_the_gate_but_the_same_id_inside_an_event_is_still_looked_at():
    plain = json.dumps({"session": S, "view": V, "seq": 0, "events": [{"type": 3, "timestamp": 1, "data": {}}]})
    assert not text_has_candidate(parse_batch_with_strings(plain.encode())[5])
    echoed = json.dumps({"session": S, "view": V, "seq": 0, "events": [{"type": 3, "timestamp": 1, "data": {"t": S}}]})
    assert text_has_candidate(parse_batch_with_strings(echoed.encode())[5])


@pytest.mark.parametrize("sample", [*SAMPLES, "12345678", "1-2-3-4-5-6-7-8", "GB82", "\u0663" * 8 + "x", "BeArEr x",
                                    "\\u0040 spelled", "a" * 32])
def test_every_known_pii_shape_trips_the_gate_inside_a_batch(sample):
    raw = json.dumps({"session": S, "view": V, "seq": 0, "events": [
        {"type": 3, "timestamp": 1, "data": {"source": 5, "text": sample}}]}, ensure_ascii=False).encode()
    assert text_has_candidate(parse_batch_with_strings(raw)[5]), sample
