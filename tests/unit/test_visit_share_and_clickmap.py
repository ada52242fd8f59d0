"""Share links and click maps, their pure rules.

What an operator relies on: a share link is a secret shown once, stored only as a hash, that
expires (24 h unless asked, never past 7 days) and can be revoked, and a bad request for one says
what is wrong; a click map query is checked like a search, and its answer groups clicks by the
name recorded in clear and picks the page view to draw them on.
"""

from __future__ import annotations

import pytest

from veil_collector.visits import clickmap, share
from veil_collector.visits.search import SearchError

S = "0123456789abcdef" * 2


def test_a_new_link_is_a_secret_stored_only_as_its_hash_and_expires_in_a_day_by_default():
    link = share.new_link(S, now=1000.0)
    assert share.well_formed(link.token) and share.LINK_ID_PATTERN.match(link.id)
    assert link.token_hash == share.token_hash(link.token) and link.token not in link.token_hash
    assert link.expires_at == 1000.0 + 24 * 3600 and link.fragment() == f"share={link.token}"
    assert share.new_link(S, 0.0, hours=10_000).expires_at == 7 * 24 * 3600, "never past 7 days"
    assert share.new_link(S, 0.0).token != share.new_link(S, 0.0).token


def test_link_state_is_the_one_judge():
    open_link = share.Link("a" * 16, S, None, "ada", 0.0, 100.0)
    assert [share.link_state(x, now) for x, now in [(None, 0.0), (open_link, 50.0), (open_link, 100.0),
                                                     (share.Link("a" * 16, S, None, "ada", 0.0, 100.0, 10.0, "bob"), 50.0)]] == [
        "unknown", "open", "expired", "revoked"]
    assert share.refusal("expired") == (410, "this share link has expired")
    assert share.refusal("unknown")[0] == 404 and share.refusal("revoked")[0] == 410


@pytest.mark.parametrize("body, message", [
    ([], "must be a JSON object"),
    ({"hours": 0}, "hours must be a number from 1 minute to 168"),
    ({"hours": 169}, "168 (7 days)"),
    ({"hours": "24"}, "hours must be a number"),
    ({"hours": True}, "hours must be a number"),
    ({"atMs": -1}, "atMs must be a moment"),
    ({"atMs": float("nan")}, "atMs must be a moment"),
    ({"session": "other"}, "unknown field 'session'"),
])
def test_a_bad_share_request_says_what_is_wrong(body, message):
    with pytest.raises(share.ShareError, match=message.replace("(", r"\(").replace(")", r"\)")):
        share.parse_request(body)


def test_a_good_share_request():
    assert share.parse_request(None) == (24.0, None)
    assert share.parse_request({"hours": 1.5, "atMs": 12000}) == (1.5, 12000.0)


def test_only_tokens_of_the_right_shape_are_looked_up():
    assert not share.well_formed(None) and not share.well_formed("") and not share.well_formed("x" * 42)
    assert not share.well_formed("a" * 42 + "=") and share.well_formed("A-_" * 14 + "z")


@pytest.mark.parametrize("query, message", [
    ({}, "page is required"),
    ({"page": ["checkout"]}, "starts with '/'"),
    ({"page": ["/a"], "device": ["watch"]}, "device must be one of"),
    ({"page": ["/a"], "limit": ["0"]}, "limit must be an integer from 1 to 20000"),
    ({"page": ["/a"], "from": ["2026-05-02"], "to": ["2026-05-01"]}, "from is after to"),
    ({"page": ["/a"], "zoom": ["2"]}, "unknown parameter 'zoom'"),
    ({"page": ["/a", "/b"]}, "page is given too many times"),
])
def test_a_bad_click_map_query_says_what_is_wrong(query, message):
    with pytest.raises(SearchError, match=message):
        clickmap.parse_clickmap(query)


def test_a_click_map_groups_clicks_by_recorded_name_and_draws_on_the_latest_common_device():
    q = clickmap.parse_clickmap({"page": ["/checkout"]})
    rows = [
        ("s2", "v2", 300.0, 1, 10, 10, 10, 510, 1280, 720, 5, "click", 2),
        ("s9", "v9", 250.0, 1, 10, 10, 10, 10, 390, 800, 5, "click", 2),
        ("s2", "v2", 200.0, 1, 10, 10, 10, 510, 1280, 720, 5, "rage", 2),
        ("s1", "v1", 100.0, 1, 1, 1, None, None, 1440, 900, 7, "click", None),
        ("s1", "v1", 90.0, 1, 1, 1, None, None, 1440, 900, 8, "dead", None),
    ]
    terms = {("path", 1): "/checkout", ("name", 2): "Pay now"}
    out = clickmap.summarize(q, [clickmap.point(r, lambda kind, i: terms.get((kind, i))) for r in rows])
    assert out["targets"] == [{"name": "Pay now", "clicks": 2, "rage": 1, "dead": 0, "errorClicks": 0},
                              {"name": None, "clicks": 1, "rage": 0, "dead": 1, "errorClicks": 0}]
    assert out["base"] == {"session": "s2", "view": "v2", "width": 1280, "height": 720, "path": "/checkout"}
    assert (out["clicks"], out["visits"], out["devices"]) == (3, 3, {"desktop": 4, "mobile": 1})
    assert out["points"][0]["pageY"] == 510 and not out["truncated"]


def test_click_map_sql_reads_the_page_rows_newest_first():
    query = clickmap.parse_clickmap({"page": ["/product/*"], "device": ["mobile"], "limit": ["10"]})
    sql, params = clickmap.clickmap_sql(query, [4, 9])
    assert "FROM visit_clicks c WHERE c.path_id IN (SELECT value FROM json_each(?))" in sql and "ORDER BY c.at DESC" in sql
    assert params == ["[4,9]", 0, 767, 10], "the page's path ids travel as one parameter"
    assert clickmap.clickmap_sql(query, []) is None, "a page pattern that matched no path reads nothing"
