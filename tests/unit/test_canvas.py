"""Canvas frames (veil.canvas): pixels leave only where the one reduce records them, as rrweb's
CanvasMutation, within the byte budget."""

import base64
import json

import pytest

from tests.helpers import document, el, full, meta, record, sent_events
from veil import canvas
from veil.api import Core
from veil.contract import CANVAS_BURST_BYTES, CANVAS_BYTES_PER_SECOND, CANVAS_FRAME_MAX_BYTES
from veil.levels import Level
from veil.nodes import NodeInfo, NodeTable

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40).decode()


def frame_event(node_id, data=PNG, ts=10, mime="image/png", width=300, height=150):
    return {"type": 3, "timestamp": ts, "data": {"source": 9, "id": node_id, "mime": mime, "base64": data,
                                                 "width": width, "height": height}}


def page(*body, **config):
    return [meta(), full(document(*body))]


def frames_sent(recorder):
    return [e for e in sent_events(recorder) if e["type"] == 3 and e["data"]["source"] == 9]


@pytest.mark.parametrize("privacy, recorded", [("allow", True), ("mask-user-input", True), ("mask", False)])
def test_a_canvas_records_frames_at_allow_and_mask_user_input_only(privacy, recorded):
    recorder = record(page(el("canvas", {"width": "300"}, node_id=10)) + [frame_event(10)], defaultPrivacy=privacy)
    sent = frames_sent(recorder)
    assert bool(sent) is recorded
    if recorded:
        (event,) = sent
        assert event["data"]["id"] == 10 and event["data"]["type"] == 0
        clear, draw = event["data"]["commands"]
        assert clear == {"property": "clearRect", "args": [0, 0, 300, 150]}
        assert draw["property"] == "drawImage" and draw["args"][1:] == [0, 0, 300, 150]
        blob = draw["args"][0]["args"][0]
        assert blob == {"rr_type": "Blob", "data": [{"rr_type": "ArrayBuffer", "base64": PNG}], "type": "image/png"}


def test_an_override_decides_per_canvas_and_block_is_never_lowered():
    recorder = record(page(
        el("canvas", {"data-veil": "allow"}, node_id=10),
        el("div", {"data-veil": "block"}, el("canvas", {"data-veil": "allow"}, node_id=11)),
        el("div", {"data-veil": "allow"}, el("canvas", {"class": "veil-mask"}, node_id=12)),
    ) + [frame_event(10), frame_event(11), frame_event(12)])
    assert [e["data"]["id"] for e in frames_sent(recorder)] == [10]


def test_recordable_names_only_canvases_at_a_recordable_level():
    table = NodeTable()
    table.add(1, NodeInfo(Level.ALLOW, "canvas", None))
    table.add(2, NodeInfo(Level.MASK, "canvas", None))
    table.add(3, NodeInfo(Level.ALLOW, "div", None))
    table.add(4, NodeInfo(Level.MASK_USER_INPUT, "canvas", None))
    table.add(5, NodeInfo(Level.BLOCK, "canvas", None))
    assert canvas.recordable(table, [1, 2, 3, 4, 5, 6, "1", None, 1]) == [1, 4]


@pytest.mark.parametrize("change", [
    {"mime": "image/svg+xml"}, {"mime": "text/html"}, {"data": "not base64!"}, {"data": ""},
    {"data": "A" * (CANVAS_FRAME_MAX_BYTES + 4)}, {"width": 0}, {"height": -3}, {"width": 1.5}, {"width": "300"},
])
def test_a_malformed_frame_is_dropped_and_counted(change):
    recorder = record(page(el("canvas", {}, node_id=10)) + [frame_event(10, **change)], defaultPrivacy="allow")
    assert recorder.counters.dropped == 1
    assert frames_sent(recorder) == []


def test_the_byte_budget_bounds_bytes_per_second_and_refills_with_time():
    size = 200 * 1024
    data = "A" * size
    burst_frames = CANVAS_BURST_BYTES // size
    events = [frame_event(10, data=data, ts=10 + i) for i in range(burst_frames + 3)]
    recorder = record(page(el("canvas", {}, node_id=10)) + events, defaultPrivacy="allow")
    assert len(frames_sent(recorder)) == burst_frames
    stats = recorder.masker.canvas.stats
    assert stats.skipped == 3 and recorder.masker.canvas.last_wait_ms > 0
    # After enough time, one more fits.
    later = 10 + 1000 * (size // CANVAS_BYTES_PER_SECOND + 1)
    recorder.observe([frame_event(10, data=data, ts=later)])
    assert len(frames_sent(recorder)) == 1


def test_bytes_per_second_over_a_long_run_stays_within_the_bound():
    budget = canvas.ByteBudget()
    sent = 0
    for ms in range(0, 600_000, 100):  # a frame of 30 KB offered 10 times a second for 10 minutes
        if budget.take(30_000, ms):
            sent += 30_000
    assert sent <= CANVAS_BURST_BYTES + CANVAS_BYTES_PER_SECOND * 600


def test_a_frame_for_a_node_that_is_not_a_canvas_is_skipped():
    recorder = record(page(el("div", {}, node_id=10)) + [frame_event(10), frame_event(99)], defaultPrivacy="allow")
    assert frames_sent(recorder) == [] and recorder.masker.canvas.stats.skipped == 2


def test_the_core_api_names_recordable_canvases_and_counts_frames():
    core = Core()
    assert json.loads(core.configure(json.dumps({"endpoint": "/c", "consent": "not-required", "defaultPrivacy": "allow",
                                                 "canvasMaskRegions": {"function": True}})))["canvasMaskRegions"] is True
    core.gate(json.dumps({"href": "https://x/", "now": 1}), sample_draw=0)
    core.start()
    assert json.loads(core.canvas_levels("[10]")) == {"record": []}  # nothing masked yet
    core.observe(json.dumps(page(el("canvas", {}, node_id=10), el("canvas", {"data-veil": "mask"}, node_id=11))))
    assert json.loads(core.canvas_levels("[10, 11, 12]")) == {"record": [10]}
    assert json.loads(core.canvas_levels("garbage")) == {"record": []}
    answer = json.loads(core.canvas_frame(json.dumps({"id": 10, "mime": "image/png", "base64": PNG, "width": 3, "height": 2, "timestamp": 5})))
    assert answer["recorded"] is True and answer["canvas"]["frames"] == 1 and answer["canvas"]["bytes"] == len(PNG)
    answer = json.loads(core.canvas_frame(json.dumps({"id": 11, "mime": "image/png", "base64": PNG, "width": 3, "height": 2, "timestamp": 6})))
    assert answer["recorded"] is False and answer["canvas"]["skipped"] == 1


def test_frame_of_event_reads_back_only_the_shape_veil_writes():
    recorder = record(page(el("canvas", {}, node_id=10)) + [frame_event(10)], defaultPrivacy="allow")
    (event,) = frames_sent(recorder)
    assert canvas.frame_of_event(event["data"]) == {"id": 10, "mime": "image/png", "base64": PNG, "width": 300, "height": 150}
    other = json.loads(json.dumps(event["data"]))
    other["commands"].append({"property": "fillText", "args": ["secret", 0, 0]})
    with pytest.raises(canvas.Rejected):
        canvas.frame_of_event(other)
    with pytest.raises(canvas.Rejected):
        canvas.frame_of_event({"type": 0, "commands": [{"property": "fillText", "args": ["x"]}, {"property": "drawImage", "args": []}]})
