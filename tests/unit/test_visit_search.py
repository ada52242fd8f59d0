"""Search over the session index: what an operator may ask, what is refused, and what is found.

What an operator relies on: a mistyped parameter, a bad pattern or an impossible range is refused
with a message naming it (never a 500, never silently ignored); patterns match whole paths with
``*``; every filter narrows; the order is stable across pages.
"""

from __future__ import annotations

import pytest

from tests.index_harness import IndexDB
from veil_collector.visits import search as search_module
from veil_collector.visits import store
from veil_collector.visits.search import Search, SearchError, parse_search, parse_time


def params(query: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return parse_qs(query, keep_blank_values=True)


@pytest.mark.parametrize("query, message", [
    ("vistied=/cart", "unknown parameter 'vistied'"),
    ("visited=checkout", "starts with '/'"),
    ("visited=", "1-200 characters"),
    ("visited=/" + "a" * 300, "1-200 characters"),
    ("visited=/a%00b", "control characters"),
    ("visited=/*/*/*/*/*/*", "at most 4 '*'"),
    ("notVisited=thank-you", "notVisited is a path pattern"),
    ("errors=yes", "errors must be 0 or 1"),
    ("frustration=angry", "frustration must be one of rage, dead, error, any"),
    ("minDuration=-1", "minDuration is in seconds"),
    ("minDuration=abc", "minDuration must be a number"),
    ("maxDuration=nan", "finite"),
    ("minDuration=10&maxDuration=5", "minDuration is more than maxDuration"),
    ("from=yesterday", "from must be a date"),
    ("from=2026-05-02&to=2026-05-01", "from is after to"),
    ("to=99999-01-01", "to must be a date"),
    ("sort=color", "sort must be one of"),
    ("sort=--start", "sort must be one of"),
    ("limit=0", "limit must be an integer from 1 to 500"),
    ("limit=1e3", "limit must be an integer"),
    ("offset=-5", "offset must be an integer"),
    ("offset=100001", "offset must be an integer from 0 to 100000"),
    ("sort=start&sort=-start", "sort is given too many times"),
    ("visited=/a&visited=/b&visited=/c&visited=/d&visited=/e&visited=/f", "visited is given too many times"),
])
def test_a_bad_search_is_refused_with_what_was_wrong(query, message):
    with pytest.raises(SearchError, match=message.replace("(", r"\(").replace("*", r"\*")):
        parse_search(params(query))


def test_a_good_search_reads_every_parameter():
    s = parse_search(params("visited=/checkout*&notVisited=/thank-you&errors=1&frustration=rage&frustrations=1"
                            "&minDuration=1.5&maxDuration=60&from=2026-05-01&to=2026-05-02T00:00:00Z&clicked=Pay*"
                            "&sort=-duration&limit=20&offset=40"))
    assert s == Search(visited=("/checkout*",), not_visited=("/thank-you",), with_errors=True, frustrations=("rage", "any"),
                       min_duration_ms=1500, max_duration_ms=60000, since=parse_time("2026-05-01", "from"),
                       until=parse_time("2026-05-02", "to"), clicked=("Pay*",), sort="-duration", limit=20, offset=40)
    assert parse_search({}) == Search() and not Search().filtered and s.filtered
    assert parse_time("1700000000000", "from") == 1_700_000_000_000
    assert parse_time("2026-05-01T02:00:00+02:00", "from") == parse_time("2026-05-01", "from")
    assert parse_search(params("after=7")).offset == 7, "the list's older name for offset"


# -- found rows, on the index tables ----------------------------------------------------------

def _visit(db, session, start, paths, *, errors=0, rage=0, duration=1000, names=()):
    events = [{"type": 4, "data": {"href": f"https://shop.example{p}?q=***"}, "timestamp": start + i} for i, p in enumerate(paths)]
    events += [{"type": 5, "data": {"tag": "veil:error", "payload": {"kind": "error"}}, "timestamp": start + 1}] * errors
    events += [{"type": 5, "data": {"tag": "veil:frustration", "payload": {"kind": "rage", "id": 1}}, "timestamp": start + 2}] * rage
    for i, name in enumerate(names):
        events += [{"type": 3, "data": {"source": 2, "type": 2, "id": 5, "x": 1, "y": 1}, "timestamp": start + 3 + i},
                   {"type": 5, "data": {"tag": "veil:action", "payload": {"id": 5, "name": name}}, "timestamp": start + 3 + i}]
    events.append({"type": 3, "data": {"source": 1, "positions": []}, "timestamp": start + duration})
    db.add_visit(session, events, received_at=start / 1000)


@pytest.fixture
def shop():
    db = IndexDB()
    _visit(db, "s1", 1_000_000, ["/", "/cart", "/checkout"], errors=1, names=["Pay now"])
    _visit(db, "s2", 2_000_000, ["/", "/cart", "/checkout", "/thank-you"], duration=90_000)
    _visit(db, "s3", 3_000_000, ["/product/42/reviews"], rage=1, names=["add_to cart"])
    _visit(db, "s4", 4_000_000, ["/Checkout"], duration=500)
    return db


def found(db, query: str) -> list[str]:
    """What the search finds, the same whichever of its filters drives the query."""
    search = parse_search(params(query))
    sessions = [row["session"] for row in db.search(search)]
    for plan in db.sessions_by_every_driver(search):
        assert plan == sessions
    return sessions


@pytest.mark.parametrize("query, sessions", [
    ("", ["s4", "s3", "s2", "s1"]),
    ("visited=/checkout", ["s2", "s1"]),
    ("visited=/checkout&notVisited=/thank-you", ["s1"]),
    ("visited=/cart&visited=/thank-you", ["s2"]),
    ("visited=/product/*/reviews", ["s3"]),
    ("visited=*out", ["s4", "s2", "s1"]),
    ("visited=/checkout*&sort=start", ["s1", "s2"]),
    ("notVisited=/*", []),
    ("errors=1", ["s1"]),
    ("frustration=rage", ["s3"]),
    ("frustrations=1", ["s3"]),
    ("minDuration=60", ["s2"]),
    ("maxDuration=0.5", ["s4"]),
    ("from=2500000&to=3500000", ["s3"]),
    ("clicked=pay*", ["s1"]),
    ("clicked=ADD_TO CART", ["s3"]),
    ("clicked=add%", []),
    ("clicked=add_to*", ["s3"]),
    ("clicked=a?d*", []),
    ("sort=-duration&limit=2", ["s2", "s3", "s1"]),  # ties (s1, s3: 1 s) by session, the same way
    ("sort=start&offset=1&limit=2", ["s2", "s3", "s4"]),
])
def test_search_finds_what_it_says(shop, query, sessions):
    assert found(shop, query) == sessions, "one more than the limit: it tells whether another page follows"


def test_a_found_visit_reads_as_the_list_shows_it(shop):
    row = shop.search(parse_search(params("visited=/product/*")))[0]
    assert row["urls"] == ["https://shop.example/product/42/reviews?q=***"] and row["targets"] == ["add_to cart"]
    assert (row["rage"], row["frustrations"], row["clicks"], row["views"], row["batches"]) == (1, 1, 1, 1, 1)


def test_nothing_the_index_keeps_is_in_clear():
    db = IndexDB()
    _visit(db, "s1", 1_000_000, ["/orders/SECRET-PATH"], names=["SECRET-NAME"])
    dump = "\n".join(db.db.iterdump())
    assert "SECRET" not in dump and "secret" not in dump, "paths, names and URLs are sealed"
    assert db.search(parse_search(params("visited=/orders/SECRET-*&clicked=secret-name")))[0]["session"] == "s1"


def test_a_rare_filter_drives_the_query_and_a_common_one_is_probed_in_order(shop, monkeypatch):
    assert "visit_paths_term (term_id=?)" in shop.plan(parse_search(params("visited=/checkout*"))), "rare: found on its index first"
    assert "visits_by_start_ts (start_ts>? AND start_ts<?)" in shop.plan(parse_search(params("from=1&to=2&sort=-duration")))
    monkeypatch.setattr(search_module, "DRIVE_MAX", 1)
    assert "SCAN v USING INDEX visits_by_last_received" in shop.plan(parse_search(params("visited=/checkout*")))
    assert "SCAN v USING INDEX visits_by_duration_ms" in shop.plan(parse_search(params("from=1&to=2000000000000&sort=-duration")))


def test_a_pattern_that_matches_nothing_answers_without_the_search(shop):
    asked = []

    def execute(sql, p):
        asked.append(sql)
        return shop.execute(sql, p)

    assert store.search_visits(execute, shop.keys, shop.terms, parse_search(params("visited=/nowhere&errors=1"))) == []
    assert not any("FROM visits v" in sql and "LIMIT ? OFFSET ?" in sql for sql in asked)


def test_a_pattern_that_matches_too_many_terms_is_refused(shop, monkeypatch):
    monkeypatch.setattr(store, "MAX_TERMS", 2)
    with pytest.raises(SearchError, match=r"'/\*' matches .* different paths, more than 2: narrow it"):
        shop.search(parse_search(params("visited=/*")))


def test_a_pattern_matching_thousands_of_terms_sends_one_parameter_for_them():
    """A list of term ids is one JSON parameter, not a placeholder per id (PostgreSQL's driver
    parsed a 7,000-placeholder statement in Python for 100 ms, twice a search)."""
    from veil_collector.visits.search import ids_sql

    sql, params = ids_sql("x.term_id", range(7000))
    assert sql == "x.term_id IN (SELECT value FROM json_each(?))" and len(params) == 1
    assert params[0].startswith("[0,1,2,") and params[0].endswith(",6999]")
