"""Frustration signals: rage, dead and error clicks, judged from the masked events' own times."""

import gzip
import json

from tests.helpers import document, el, full, meta, mutation, record, sent_events, text
from veil.contract import ACTION_TAG, ERROR_TAG, FRUSTRATION_TAG

PAGE = document(el("button", {}, text("Pay", node_id=11), node_id=10), el("p", {}, text("x", node_id=13), node_id=12))


def click(ts, x=100, y=100, node=10):
    return {"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": x, "y": y}, "timestamp": ts}


def action(ts, node=10):
    return {"type": 5, "data": {"tag": ACTION_TAG, "payload": {"id": node, "name": "Pay"}}, "timestamp": ts}


def signals(recorder):
    return [e["data"]["payload"] for e in sent_events(recorder) if e["type"] == 5 and e["data"]["tag"] == FRUSTRATION_TAG]


def started():
    recorder = record([meta(ts=1), full(PAGE, ts=2)])
    sent_events(recorder)
    return recorder


def test_three_quick_clicks_in_one_place_are_one_rage_click_with_its_count():
    recorder = started()
    recorder.observe([click(1000), click(1200, 105), click(1400, 98, 104), click(1600), mutation(3000)])
    assert signals(recorder) == [{"kind": "rage", "id": 10, "x": 100, "y": 100, "clicks": 4}]


def test_slow_or_scattered_clicks_are_not_rage():
    recorder = started()
    recorder.observe([click(1000), click(2100), click(3200)])  # a second apart each
    recorder.observe([click(5000, 10, 10), click(5100, 300, 300), click(5200, 600, 10)])
    recorder.advance(9000)
    assert [s["kind"] for s in signals(recorder)] == []


def test_a_click_on_something_actionable_with_no_reaction_is_dead():
    recorder = started()
    recorder.observe([click(1000), action(1001)])
    assert recorder.advance(2500) == [] and signals(recorder) == []  # still within the window
    assert recorder.advance(3100) == ["flush"]
    assert signals(recorder) == [{"kind": "dead", "id": 10, "x": 100, "y": 100}]


def test_a_click_the_page_answers_is_not_dead():
    recorder = started()
    recorder.observe([click(1000), action(1001), mutation(1500, texts=[{"id": 13, "value": "y"}])])
    recorder.observe([click(4000), action(4001),
                      {"type": 5, "data": {"tag": "veil:navigation", "payload": {"href": "https://x.example/b"}}, "timestamp": 4200}])
    recorder.advance(10_000)
    assert signals(recorder) == []


def test_an_error_after_a_click_is_an_error_click_not_a_dead_one():
    recorder = started()
    error = {"type": 5, "data": {"tag": ERROR_TAG, "payload": {"kind": "error", "type": "TypeError", "message": "x"}}, "timestamp": 1300}
    recorder.observe([click(1000), action(1001), error])
    recorder.advance(10_000)
    assert signals(recorder) == [{"kind": "error", "id": 10, "x": 100, "y": 100}]


def test_signals_stay_in_time_order_and_a_page_cannot_send_one():
    recorder = started()
    forged = {"type": 5, "data": {"tag": FRUSTRATION_TAG, "payload": {"kind": "rage"}}, "timestamp": 900}
    recorder.observe([forged, click(1000), click(1100), click(1200), mutation(2500, texts=[{"id": 13, "value": "z"}])])
    events = sent_events(recorder)
    stamps = [e["timestamp"] for e in events]
    assert stamps == sorted(stamps) and recorder.counters.dropped == 1
    assert [e["data"]["payload"]["kind"] for e in events if e["type"] == 5] == ["rage"]


# A burst still open when the page is flushed by the site or hidden (issue 27, item 6).

def rage_burst(recorder):
    recorder.observe([click(1000), click(1150), click(1300), click(1450)])  # raging, still open


def test_a_closing_take_sends_an_open_rage_burst_with_it():
    recorder = started()
    rage_burst(recorder)
    assert signals(recorder) == [], "a plain take: the burst may go on"
    rage_burst(recorder)
    batch = recorder.take_batch(close=True)
    events = json.loads(gzip.decompress(batch))["events"]
    sent = [e["data"]["payload"] for e in events if e["type"] == 5 and e["data"]["tag"] == FRUSTRATION_TAG]
    assert sent == [{"kind": "rage", "id": 10, "x": 100, "y": 100, "clicks": 8}]
    assert events[-1]["timestamp"] == 1450, "stamped no earlier than the last event seen"
    recorder.observe([mutation(9000)])
    recorder.advance(20_000)
    assert signals(recorder) == [], "closed once: never reported again"


def test_a_burst_not_raging_yet_stays_open_through_a_closing_take():
    recorder = started()
    recorder.observe([click(1000), click(1100)])
    assert recorder.take_batch(close=True) is not None
    recorder.observe([click(1200), mutation(5000)])
    assert [s["clicks"] for s in signals(recorder)] == [3]


def test_the_standby_copy_carries_an_open_rage_burst_and_its_commit_closes_it():
    """An unloading page cannot wait for the worker: the standby it sends holds the burst already."""
    recorder = started()
    rage_burst(recorder)
    chunks = recorder.standby_chunks(48 * 1024)
    closing_seq = recorder.queue.seq + len(chunks)
    closing = recorder.standby_closing(closing_seq)
    assert closing is not None
    frame = json.loads(gzip.decompress(closing))
    assert frame["seq"] == closing_seq and [e["data"]["payload"]["kind"] for e in frame["events"]] == ["rage"]
    assert [e["data"]["payload"]["kind"] for e in frame["events"] if e["type"] == 5] == ["rage"]
    for seq, count, _ in chunks:
        assert recorder.commit_standby(seq, count)
    assert recorder.commit_closing(closing_seq)
    assert recorder.standby_closing(recorder.queue.seq) is None, "closed: nothing more would close"
    assert not recorder.commit_closing(closing_seq), "a seq is spent once"
    recorder.observe([mutation(9000)])
    batch = recorder.take_batch(close=True)
    assert json.loads(gzip.decompress(batch))["seq"] == closing_seq + 1, "the next batch takes the seq after it"
    assert signals(recorder) == []


def test_the_core_hands_the_page_a_closing_chunk_last_and_takes_its_commit():
    from veil.api import Core

    core = Core()
    core.configure(json.dumps({"endpoint": "/c", "consent": "not-required"}))
    json.loads(core.gate(json.dumps({"href": "https://shop.example/", "now": 1}), sample_draw=0))
    core.start()
    core.observe(json.dumps([meta(ts=1), full(PAGE, ts=2), click(1000), click(1150), click(1300)]))
    info_json, chunks = core.standby()
    info = json.loads(info_json)["chunks"]
    assert info[-1] == {"seq": info[-1]["seq"], "count": 0, "closing": True} and len(chunks) == len(info)
    assert json.loads(core.commit_standby(json.dumps({"chunks": info}))) == {"ok": True}
    assert core.standby() is None, "everything was handed over, the burst with it"
