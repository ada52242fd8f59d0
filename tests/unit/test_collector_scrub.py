"""The collector's PII pass: its fast path (one candidate pattern) never lets through what the full
scrubber would mask, and events without candidates come back untouched and uncopied."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from veil_collector.scrub import CANDIDATE, scrub_events
from veil.pii import scrub_pii

SAMPLES = [
    "mail jane.doe@example.com now", "card 4111 1111 1111 1111", "4111-1111-1111-1111", "ssn 123-45-6789",
    "IBAN GB82 WEST 1234 5698 7654 32", "call +44 20 7946 0958", "tel:+33612345678,", "call 020 7946 0958",
    "+33612345678", "(212) 555-0100", "Bearer abcdefgh12345678", "sk_live_abcdefgh1234", "AKIAABCDEFGHIJKLMNOP",
    "ghp_abcdefghijklmnopqrstuvwxyz0123", "xoxb-1234567890-abc", "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl",
    "a1" * 20,
]

# Mostly digits and separators (where the patterns' shapes are densest), some letters and symbols.
pii_alphabet = st.sampled_from(list("0123456789" * 4 + " -.()+@ GBXk_:/ey")) | st.characters(min_codepoint=32, max_codepoint=126)


@given(st.text(pii_alphabet, max_size=60))
@settings(max_examples=400, deadline=None)
def test_the_candidate_pattern_matches_wherever_the_scrubber_would_mask(text):
    if scrub_pii(text) != text:
        assert CANDIDATE.search(text), text


def test_every_known_pii_shape_is_a_candidate_and_is_masked():
    for sample in SAMPLES:
        assert scrub_pii(sample) != sample, sample
        assert CANDIDATE.search(sample), sample
    events = [{"type": 3, "data": {"source": 5, "text": s, "tag": "jane@example.com"}, "timestamp": 1700000000000}
              for s in SAMPLES]
    clean, masked = scrub_events(events)
    assert masked == len(SAMPLES)
    assert all(e["data"]["text"] == scrub_pii(s) for e, s in zip(clean, SAMPLES, strict=True))
    assert all(e["data"]["tag"] == "jane@example.com" for e in clean), "markup keys are left alone"


def test_events_without_candidates_come_back_as_they_were():
    events = [{"type": 3, "data": {"source": 1, "positions": [{"x": 1, "y": 2, "id": 3}]}, "timestamp": 1700000000000},
              {"type": 3, "data": {"source": 0, "texts": [{"id": 4, "value": "Free express delivery"}]}, "timestamp": 2}]
    clean, masked = scrub_events(events)
    assert clean is events and masked == 0


def test_containers_of_other_types_are_still_walked():
    from collections import OrderedDict

    events = [OrderedDict(type=3, data=OrderedDict(texts=(["call 020 7946 0958"]), source=0), timestamp=1)]
    clean, masked = scrub_events(events)
    assert masked == 1 and "7946" not in str(clean)
