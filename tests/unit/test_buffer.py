"""Record on error: nothing can leave before a trigger, then exactly the buffer, then everything."""

import json

from tests.helpers import document, el, full, meta, mutation, sent_events, text
from veil.api import Core
from veil.buffer import EventBuffer
from veil.config import normalize_config
from veil.contract import ERROR_TAG
from veil.recorder import Recorder
from veil.rrweb import EventType

PAGE = document(el("p", {}, text("Hello Ada", node_id=11), node_id=10))


def buffered(**config):
    recorder = Recorder(normalize_config({"endpoint": "/c", "recordingMode": "on-error", **config}), "s" * 32,
                        buffering=True)
    recorder.start()
    return recorder


def error(ts, kind="error", message="boom"):
    return {"type": 5, "data": {"tag": ERROR_TAG, "payload": {"kind": kind, "type": "Error", "message": message,
                                                               "stack": ""}}, "timestamp": ts}


def change(ts):
    return mutation(ts, texts=[{"id": 11, "value": f"Hello {ts}"}])


def test_nothing_can_be_taken_before_a_trigger_and_exactly_the_buffer_after_it():
    recorder = buffered()
    result = recorder.observe([meta(ts=1000), full(PAGE, ts=1001), change(2000), change(3000)])
    assert result["snapshots"] == 1 and "flush" not in result["actions"]
    assert recorder.take_batch() is None and recorder.standby_chunks(48 * 1024) == []
    result = recorder.observe([error(4000)])
    assert "flush" in result["actions"]
    events = sent_events(recorder)
    assert [e["type"] for e in events] == [4, 2, 3, 3, 5]
    assert events[-1]["data"]["payload"]["message"] == "****"
    recorder.observe([change(5000)])  # recording goes on, as in "always"
    assert [e["timestamp"] for e in sent_events(recorder)] == [5000]


def test_the_buffer_keeps_the_window_from_a_full_snapshot():
    recorder = buffered(bufferSeconds=60)
    recorder.observe([meta(ts=0), full(PAGE, ts=1)] + [change(t) for t in range(1000, 30_001, 1000)])
    assert "snapshot" in recorder.observe([change(31_000)])["actions"]  # a fresh one every 30 s
    recorder.observe([meta(ts=31_500), full(PAGE, ts=31_501)] + [change(t) for t in range(32_000, 62_001, 1000)])
    recorder.observe([meta(ts=62_500), full(PAGE, ts=62_501), change(70_000), error(70_001)])
    events = sent_events(recorder)
    assert events[0]["type"] == EventType.META and events[1]["type"] == EventType.FULL_SNAPSHOT
    assert events[1]["timestamp"] == 31_501  # the first segment fell out of the window
    assert events[-1]["timestamp"] - events[0]["timestamp"] <= 60_000


def test_a_tick_asks_for_a_fresh_snapshot_on_a_quiet_page_and_trims_by_time():
    recorder = buffered(bufferSeconds=20)
    recorder.observe([meta(ts=0), full(PAGE, ts=1)])
    assert recorder.advance(5_000) == []
    assert recorder.advance(10_001) == ["snapshot"]  # half the window
    assert recorder.advance(10_500) == []  # asked already
    recorder.observe([meta(ts=11_000), full(PAGE, ts=11_001)])
    recorder.advance(25_000)
    assert recorder.buffer is not None and len(recorder.buffer.segments) == 1


def test_a_stop_discards_the_buffer_unsent():
    recorder = buffered()
    recorder.observe([meta(ts=1), full(PAGE, ts=2), change(3)])
    recorder.stop()
    recorder.start()
    recorder.observe([error(4)])  # custom event before a snapshot: dropped, nothing to release
    assert recorder.take_batch() is None


def test_the_buffer_is_bounded_in_bytes_and_still_starts_from_a_snapshot():
    recorder = Recorder(normalize_config({"endpoint": "/c", "recordingMode": "on-error"}), "s" * 32,
                        buffering=True, buffer_max_chars=4000)
    recorder.start()
    recorder.observe([meta(ts=1), full(PAGE, ts=2)] + [change(t) for t in range(10, 200)])
    assert recorder.buffer is not None and recorder.buffer.chars <= 4000
    result = recorder.observe([error(300)])
    assert result["actions"] == ["snapshot", "flush"]  # nothing replayable was left: start afresh
    assert recorder.take_batch() is None
    recorder.observe([change(301), meta(ts=302), full(PAGE, ts=303)])
    assert [e["type"] for e in sent_events(recorder)] == [4, 2]


def test_an_oversized_snapshot_asks_again_at_most_once_per_interval():
    buffer = EventBuffer(60_000, max_chars=10)
    buffer.push(EventType.META, "{}", 0)
    buffer.push(EventType.FULL_SNAPSHOT, "x" * 100, 1)
    assert buffer.segments == [] and buffer.snapshot_due()
    buffer.push(EventType.INCREMENTAL_SNAPSHOT, "{}", 2)
    assert not buffer.snapshot_due()


def test_core_sampling_of_on_error_sessions_and_the_trigger_updates_the_session():
    core = Core()
    core.configure(json.dumps({"endpoint": "/c", "recordingMode": "on-error", "sampleRate": 10, "errorSampleRate": 50}))
    facts = json.dumps({"href": "https://x.example/", "now": 1000})
    assert json.loads(core.gate(facts, sample_draw=5))["session"]["buffer"] is False  # recorded from its start
    assert json.loads(core.gate(facts, sample_draw=40))["session"]["buffer"] is True
    # 10 + 90 x 50% = 55: a draw of 60 records nothing.
    assert json.loads(core.gate(facts, sample_draw=60))["record"] is False
    core.gate(facts, sample_draw=40)
    assert json.loads(core.start())["buffering"] is True
    core.observe(json.dumps([meta(ts=1), full(PAGE, ts=2)]))
    assert core.take_batch() is None
    answer = json.loads(core.observe(json.dumps([error(3)])))
    assert answer["session"]["buffer"] is False and "flush" in answer["actions"]
    assert core.take_batch() is not None


def test_on_error_mode_defaults_sample_rate_to_zero_and_always_mode_ignores_the_error_rate():
    config = normalize_config({"endpoint": "/c", "recordingMode": "on-error"})
    assert config.sample_rate == 0 and config.buffered_rate == 100
    assert normalize_config({"endpoint": "/c", "errorSampleRate": 50, "sampleRate": 20}).buffered_rate == 20


def test_the_core_says_when_nothing_can_be_taken_because_the_buffer_holds_it():
    """Issue 27, item 7: a flush before a trigger is told "buffered", not "empty"."""
    recorder = buffered()
    assert recorder.take_batch(close=True) is None and not recorder.buffered
    recorder.observe([meta(ts=1000), full(PAGE, ts=1001), change(2000)])
    assert recorder.take_batch(close=True) is None and recorder.buffered
    recorder.observe([error(3000)])
    assert sent_events(recorder) and not recorder.buffered
    core = Core()
    core.configure(json.dumps({"endpoint": "/c", "recordingMode": "on-error", "consent": "not-required"}))
    assert core.buffered() is False
