"""Whatever the collector accepts, the index and the digest read without an exception.

Invariant: the collector's validation lets through any event of an rrweb type (0-6) with a
timestamp in [0, 2^53) and an object as its data, whatever that object holds (a ``source`` that
is a list, a name that is a number, a year past 9999). ``batch_facts`` runs on every batch before
it is stored and ``digest`` on every stored visit an operator asks about: an exception in either
would turn a batch the collector accepted into a 500, or a stored visit into a digest that never
answers. Malformed parts are passed over, never raised.
"""

from __future__ import annotations

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil_collector.visits.digest import digest
from veil_collector.visits.index import batch_facts, fold, row_from_state, state_json, summary

MAX_SAFE = 2**53
KEYS = st.sampled_from(["type", "source", "id", "x", "y", "href", "width", "height", "tag", "payload", "name", "kind",
                        "node", "childNodes", "tagName", "attributes", "textContent", "positions", "adds", "removes",
                        "parentId", "status", "method", "url", "message", "level", "clicks", "initialOffset", "top",
                        "left", "text", "isChecked", "role", "aria-label", "value", "frames", "ok", "duration"])
LEAF = st.one_of(st.none(), st.booleans(), st.integers(-MAX_SAFE, MAX_SAFE), st.floats(allow_nan=False, allow_infinity=False),
                 st.text(max_size=6), st.sampled_from(["veil:action", "veil:error", "veil:console", "veil:network",
                                                       "veil:frustration", "veil:navigation", "veil:key", "rage", "dead",
                                                       "error", "click", "button", "input", "https://a.example/p"]))
JSON = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6), max_leaves=12)
# What the collector's validation lets through (validate.parse_batch).
EVENT = st.fixed_dictionaries({
    "type": st.integers(0, 6),
    "timestamp": st.one_of(st.integers(0, MAX_SAFE - 1), st.floats(0, MAX_SAFE - 1, exclude_max=True),
                           st.sampled_from([253_402_300_800_000, MAX_SAFE - 1])),
    "data": st.dictionaries(KEYS, JSON, max_size=6),
})


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(EVENT, min_size=1, max_size=8), min_size=1, max_size=3))
def test_any_accepted_batch_folds_and_any_stored_visit_has_a_digest(batches):
    row = None
    for i, events in enumerate(batches):
        folded = fold(row, "s" * 32, f"{i % 2:016x}", batch_facts(events), events=len(events), new_view=i < 2)
        row = folded.row
    assert row is not None
    state = orjson.loads(orjson.dumps(state_json(row)))
    assert orjson.dumps(summary(row_from_state(row.session, {}, state)))
    text = digest("s" * 32, [e for events in batches for e in events]).text
    assert text.startswith("Visit ")
