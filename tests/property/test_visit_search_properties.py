"""Search over the index finds exactly the visits a plain reading of the query says it should.

Invariant: for any set of visits and any search, the SQL (whichever filter drives it) returns the
visits a reference filter in Python selects, in the order asked for, paged the same way.
"""

from __future__ import annotations

import fnmatch

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.index_harness import IndexDB
from veil_collector.visits.search import SORTS, Search

PATHS = ["/", "/cart", "/checkout", "/checkout/payment", "/thank-you", "/product/1", "/product/2/reviews", "/a_b", "/a%b"]
NAMES = ["Pay now", "Add to cart", "pay later", "Help"]
PATTERNS = ["/", "/checkout", "/checkout*", "*out", "/product/*", "/product/*/reviews", "/a_b", "/a%b", "/*", "/nowhere"]
NAME_PATTERNS = ["pay*", "PAY NOW", "help", "add to cart", "*a*", "nothing"]


visit = st.fixed_dictionaries({
    "paths": st.lists(st.sampled_from(PATHS), min_size=1, max_size=4),
    "names": st.lists(st.sampled_from(NAMES), max_size=2),
    "errors": st.integers(0, 2), "rage": st.integers(0, 1), "dead": st.integers(0, 1),
    "start": st.integers(0, 6), "duration": st.integers(0, 6), "received": st.integers(0, 6),
})
search = st.builds(
    Search,
    visited=st.lists(st.sampled_from(PATTERNS), max_size=2).map(tuple),
    not_visited=st.lists(st.sampled_from(PATTERNS), max_size=1).map(tuple),
    with_errors=st.booleans(),
    frustrations=st.lists(st.sampled_from(["rage", "dead", "any"]), max_size=1).map(tuple),
    min_duration_ms=st.one_of(st.none(), st.integers(0, 6).map(lambda s: s * 1000.0)),
    max_duration_ms=st.one_of(st.none(), st.integers(0, 6).map(lambda s: s * 1000.0)),
    since=st.one_of(st.none(), st.integers(0, 6).map(lambda s: 1e12 + s * 1000.0)),
    until=st.one_of(st.none(), st.integers(0, 6).map(lambda s: 1e12 + s * 1000.0)),
    clicked=st.lists(st.sampled_from(NAME_PATTERNS), max_size=1).map(tuple),
    sort=st.sampled_from([*SORTS, *("-" + s for s in SORTS)]),
    limit=st.integers(1, 6), offset=st.integers(0, 4),
)


def _events(v):
    start = 1e12 + v["start"] * 1000.0
    events = [{"type": 4, "data": {"href": f"https://s.example{p}?x=***"}, "timestamp": start} for p in v["paths"]]
    for name in v["names"]:
        events += [{"type": 3, "data": {"source": 2, "type": 2, "id": 4, "x": 1, "y": 1}, "timestamp": start},
                   {"type": 5, "data": {"tag": "veil:action", "payload": {"id": 4, "name": name}}, "timestamp": start}]
    events += [{"type": 5, "data": {"tag": "veil:error", "payload": {"kind": "error"}}, "timestamp": start}] * v["errors"]
    for kind in ("rage", "dead"):
        events += [{"type": 5, "data": {"tag": "veil:frustration", "payload": {"kind": kind, "id": 4}}, "timestamp": start}] * v[kind]
    events.append({"type": 0, "data": {}, "timestamp": start + v["duration"] * 1000.0})
    return events


def _matches(path, pattern, fold=False):
    if fold:
        path, pattern = path.casefold(), pattern.casefold()
    return fnmatch.fnmatchcase(path, pattern.replace("[", "[[]").replace("?", "[?]"))


def _reference(rows, s: Search):
    out = []
    for r in rows:
        paths, names = r["paths"], [n.casefold() for n in r["names"]]
        if not all(any(_matches(p, pat) for p in paths) for pat in s.visited):
            continue
        if any(any(_matches(p, pat) for p in paths) for pat in s.not_visited):
            continue
        if not all(any(_matches(n, pat, fold=True) for n in names) for pat in s.clicked):
            continue
        if s.with_errors and not r["errors"]:
            continue
        if any(not r[{"rage": "rage", "dead": "dead", "any": "frustrations"}[k]] for k in s.frustrations):
            continue
        if s.min_duration_ms is not None and r["durationMs"] < s.min_duration_ms:
            continue
        if s.max_duration_ms is not None and r["durationMs"] > s.max_duration_ms:
            continue
        if s.since is not None and r["start"] < s.since:
            continue
        if s.until is not None and r["start"] >= s.until:
            continue
        out.append(r)
    key = {"received": "lastReceived", "start": "start", "duration": "durationMs", "active": "activeMs", "errors": "errors",
           "frustrations": "frustrations"}[s.sort.lstrip("-")]
    out.sort(key=lambda r: (r[key], r["session"]), reverse=s.sort.startswith("-"))
    return [r["session"] for r in out[s.offset:s.offset + s.limit + 1]]


@settings(max_examples=250, deadline=None)
@given(st.lists(visit, min_size=1, max_size=12), search)
def test_search_finds_what_a_plain_reading_of_the_query_selects(visits, s):
    db = IndexDB()
    rows = []
    for i, v in enumerate(visits):
        session = f"s{i:02d}"
        db.add_visit(session, _events(v), received_at=float(v["received"]))
        row = next(r for r in db.search(Search(limit=1000)) if r["session"] == session)
        rows.append({**row, "paths": [p.split("?")[0].replace("https://s.example", "") for p in row["urls"]],
                     "names": row["targets"]})
    expected = _reference(rows, s)
    assert [r["session"] for r in db.search(s)] == expected
    for plan in db.sessions_by_every_driver(s):
        assert plan == expected
