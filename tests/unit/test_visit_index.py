"""The session index: what a visit's row says, kept batch by batch at ingest.

What an operator relies on: the list and search read one row per visit that already counts its
clicks, inputs, errors, failed requests and frustration signals, lists its pages in order and the
names of what was clicked where they were recorded in clear (never a masked name), and knows each
click's page and position for click maps.
"""

from __future__ import annotations

from veil_collector.visits import index
from veil_collector.visits.index import batch_facts, fold

S, V1, V2 = "s" * 16, "a" * 16, "b" * 16


def meta(at, href, width=1000, height=700):
    return {"type": 4, "data": {"href": href, "width": width, "height": height}, "timestamp": at}


def full(at, doc=1, top=0):
    return {"type": 2, "data": {"node": {"type": 0, "id": doc, "childNodes": []}, "initialOffset": {"top": top, "left": 0}},
            "timestamp": at}


def click(at, node, x=10, y=20):
    return {"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": x, "y": y}, "timestamp": at}


def scroll(at, node, y):
    return {"type": 3, "data": {"source": 3, "id": node, "x": 0, "y": y}, "timestamp": at}


def custom(at, tag, **payload):
    return {"type": 5, "data": {"tag": tag, "payload": payload}, "timestamp": at}


def typed(at, node=9):
    return {"type": 3, "data": {"source": 5, "id": node, "text": "********", "isChecked": False}, "timestamp": at}


def run(*batches, session=S):
    """Fold (view, events) batches in order; the last fold's outcome and every click row."""
    row, rows, seen = None, [], set()
    for view, events in batches:
        done = fold(row, session, view, batch_facts(events), events=len(events), new_view=view not in seen, received_at=1.0)
        seen.add(view)
        row = done.row
        rows += done.clicks
    return row, rows


def test_a_visit_row_counts_what_happened_and_lists_pages_in_order():
    events = [
        meta(1000, "https://shop.example/cart"), full(1001),
        click(2000, 7), custom(2001, "veil:action", id=7, name="Checkout"),
        custom(2100, "veil:navigation", href="https://shop.example/checkout?step=***"),
        typed(3000), typed(3100),
        custom(3200, "veil:error", kind="error", type="TypeError", message="*** is not a function", frames=[]),
        custom(3300, "veil:console", level="error", message="****"),
        custom(3301, "veil:console", level="warn", message="****"),
        custom(3400, "veil:network", method="POST", url="https://shop.example/api/pay", status=500),
        custom(3401, "veil:network", method="GET", url="https://shop.example/api/cart", status=200),
        custom(3402, "veil:network", method="GET", url="https://shop.example/api/x", status=0),
        custom(4000, "veil:frustration", kind="rage", id=7, x=10, y=20, clicks=4),
        custom(4100, "veil:frustration", kind="dead", id=7, x=10, y=20),
        custom(4200, "veil:frustration", kind="error", id=7, x=10, y=20),
    ]
    row, _ = run((V1, events))
    s = index.summary(row)
    assert s["urls"] == ["https://shop.example/cart", "https://shop.example/checkout?step=***"]
    assert (s["clicks"], s["inputs"], s["errors"], s["consoleErrors"], s["failedRequests"]) == (1, 2, 1, 1, 2)
    assert (s["rage"], s["dead"], s["errorClicks"], s["frustrations"]) == (1, 1, 1, 3)
    assert (s["start"], s["end"], s["durationMs"]) == (1000, 4200, 3200)
    assert s["targets"] == ["Checkout"] and s["views"] == 1 and s["pages"] == 2
    assert row.paths == ("/cart", "/checkout")


def test_a_masked_name_is_not_a_name():
    row, rows = run((V1, [meta(1, "https://a.example/"), click(2, 7), custom(3, "veil:action", id=7, name="**** ***"),
                          click(10, 8), custom(11, "veil:action", id=8, name="  Place   order ")]))
    assert row.target_names == ["Place order"]
    assert [r.name for r in rows] == [None, "Place order"]


def test_active_time_counts_stretches_of_activity_and_leaves_idle_gaps_out():
    events = [meta(0, "https://a.example/"), click(1000, 1), click(2000, 1), click(60_000, 1)]
    row, _ = run((V1, events))
    # 1000..3000 (the last click's second counts), then an idle minute, then 60000..61000
    assert row.active_ms == 2000 + 1000
    assert row.duration_ms == 60_000


def test_a_click_knows_its_page_scroll_and_viewport_from_earlier_batches_of_its_view():
    first = [meta(1000, "https://shop.example/list", 800, 600), full(1001, doc=1), scroll(1500, 1, 400)]
    second = [scroll(2000, 33, 999), click(2100, 7, x=50, y=60), scroll(2200, 1, 100), click(2300, 7, x=5, y=6)]
    _, rows = run((V1, first), (V1, second))
    assert [(r.path, r.page_x, r.page_y, r.width, r.height) for r in rows] == [
        ("/list", 50, 460, 800, 600), ("/list", 5, 106, 800, 600)], "another element's scroll (33) moves no click"


def test_a_frustration_signal_in_a_later_batch_takes_its_clicks_name():
    first = [meta(1, "https://a.example/"), click(10, 7), custom(11, "veil:action", id=7, name="Pay")]
    second = [custom(2000, "veil:frustration", kind="dead", id=7, x=10, y=20)]
    _, rows = run((V1, first), (V1, second))
    assert [(r.kind, r.name) for r in rows] == [("click", "Pay"), ("dead", "Pay")]


def test_page_views_are_counted_once_and_each_keeps_its_own_page():
    row, rows = run((V1, [meta(1, "https://a.example/one")]), (V2, [meta(5, "https://a.example/two")]),
                    (V1, [click(10, 3)]), (V2, [click(11, 3)]))
    assert row.views == 2 and row.batches == 4
    assert [r.path for r in rows] == ["/one", "/two"]


def test_the_bounds_hold_and_keep_the_earliest():
    events = [meta(i, f"https://a.example/p{i}") for i in range(index.MAX_PAGES + 50)]
    row, _ = run((V1, events))
    assert len(row.pages) == index.MAX_PAGES and row.pages[0].url.endswith("/p0")
    assert row.page_count == index.MAX_PAGES + 50 and len(row.paths) == index.MAX_PATHS


def test_click_rows_stop_at_their_bound():
    clicks = [click(i, 1) for i in range(index.MAX_CLICK_ROWS + 10)]
    row, rows = run((V1, clicks[:1500]), (V1, clicks[1500:]))
    assert len(rows) == index.MAX_CLICK_ROWS and row.counts.clicks == index.MAX_CLICK_ROWS + 10


def test_malformed_events_are_passed_over():
    junk = [None, 3, {"type": 4}, {"type": 3, "timestamp": "x"}, {"type": 5, "data": {"tag": "veil:action", "payload": 7}, "timestamp": 1},
            {"type": 3, "data": {"source": 2, "type": 2, "id": True, "x": "1"}, "timestamp": 2},
            {"type": 3, "data": {"source": 3, "id": 1, "x": None, "y": 2}, "timestamp": 3}]
    row, rows = run((V1, junk))
    assert row.counts.clicks == 1 and rows[0].node == -1 and rows[0].x is None


def test_the_row_reads_back_from_its_columns_and_state():
    events = [meta(1, "https://a.example/"), full(2), scroll(3, 1, 50), click(4, 7),
              custom(5, "veil:action", id=7, name="Go"), typed(6)]
    row, _ = run((V1, events), (V2, [meta(9, "https://a.example/b")]))
    columns = {"start": row.start, "end": row.end, "views": row.views, "batches": row.batches, "events": row.events,
               "bytes": row.bytes, "dropped": row.dropped, "quarantined": row.quarantined,
               "first_received": row.first_received, "last_received": row.last_received,
               **{name: getattr(row.counts, name) for name in ("clicks", "inputs", "errors", "console_errors",
                                                                "failed_requests", "rage", "dead", "error_clicks")}}
    import orjson
    state = orjson.loads(orjson.dumps(index.state_json(row)))
    assert index.row_from_state(S, columns, state) == row
