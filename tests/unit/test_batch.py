"""The batch queue's standby chunks: ready-to-send copies for an unloading page."""

import gzip
import json

from veil.batch import BatchQueue


def events_of(chunks):
    return [e for _, _, data in chunks for e in json.loads(gzip.decompress(data))["events"]]


def test_standby_chunks_are_encoded_again_only_when_the_queue_changed(monkeypatch):
    queue = BatchQueue("s" * 32)
    queue.push({"type": 4, "data": {"href": "/a"}, "timestamp": 1})
    encodes = []
    original = queue._encode
    monkeypatch.setattr(queue, "_encode", lambda *a, **k: encodes.append(1) or original(*a, **k))
    first = queue.peek_chunks(48 * 1024)
    assert queue.peek_chunks(48 * 1024) is first and len(encodes) == 1  # nothing new: no work
    queue.push({"type": 3, "data": {"source": 5, "id": 3, "text": "*"}, "timestamp": 2}, coalesce_key=("input", 3))
    second = queue.peek_chunks(48 * 1024)
    assert len(encodes) == 2 and [e["type"] for e in events_of(second)] == [4, 3]
    queue.push({"type": 3, "data": {"source": 5, "id": 3, "text": "**"}, "timestamp": 3}, coalesce_key=("input", 3))
    assert [e["data"].get("text") for e in events_of(queue.peek_chunks(48 * 1024))] == [None, "**"]
    seq, count, _ = queue.peek_chunks(48 * 1024)[0]
    assert queue.commit(seq, count)
    assert queue.peek_chunks(48 * 1024) == []
    queue.push({"type": 4, "data": {"href": "/b"}, "timestamp": 4})
    assert [c[0] for c in queue.peek_chunks(48 * 1024)] == [seq + 1]
    assert queue.take() is not None and queue.peek_chunks(48 * 1024) == []


def test_a_lone_surrogate_in_kept_text_leaves_as_a_json_escape_and_the_queue_keeps_flowing():
    # A page can hold a lone UTF-16 surrogate (a class name, an allowed text); JSON.stringify hands
    # it over escaped, and it must not make every later batch unencodable.
    queue = BatchQueue("s" * 32)
    queue.push({"type": 3, "data": {"source": 0, "attributes": [{"id": 5, "attributes": {"class": "a\ud800b"}}]}, "timestamp": 1})
    batch = queue.take()
    assert batch is not None and b"a\\ud800b" in gzip.decompress(batch)
    assert json.loads(gzip.decompress(batch))["events"][0]["data"]["attributes"][0]["attributes"]["class"] == "a\ud800b"
    queue.push({"type": 4, "data": {"href": "/next"}, "timestamp": 2})
    assert json.loads(gzip.decompress(queue.take()))["events"][0]["data"]["href"] == "/next"
    queue.push({"type": 4, "data": {"href": "/\udfff"}, "timestamp": 3})
    assert [json.loads(gzip.decompress(d))["events"][0]["data"]["href"] for _, _, d in queue.peek_chunks(48 * 1024)] == ["/\udfff"]


def test_every_page_view_frames_its_batches_with_its_own_view_id():
    # Each page view of a visit starts its own queue at seq 0: the view id keeps their batches apart.
    first, second = BatchQueue("s" * 32), BatchQueue("s" * 32)
    assert first.view != second.view
    for queue in (first, second):
        queue.push({"type": 4, "data": {"href": "/"}, "timestamp": 1})
    frames = [json.loads(gzip.decompress(q.take())) for q in (first, second)]
    assert [(f["session"], f["seq"]) for f in frames] == [("s" * 32, 0)] * 2
    assert [f["view"] for f in frames] == [first.view, second.view]
    first.push({"type": 4, "data": {"href": "/"}, "timestamp": 2})
    assert all(json.loads(gzip.decompress(d))["view"] == first.view for _, _, d in first.peek_chunks(48 * 1024))


def noisy(i: int, size: int = 3000) -> dict:
    # Incompressible text, so gzipped sizes grow with the events and chunks must be cut.
    rnd = __import__("random").Random(i)
    return {"type": 3, "data": {"source": 0, "texts": [{"id": i, "value": "".join(rnd.choice("abcdefghijklmnop") for _ in range(size))}]}, "timestamp": i}


def test_a_batch_is_cut_at_its_size_bound_and_the_rest_follows_in_the_next():
    queue = BatchQueue("s" * 32)
    for i in range(10):
        queue.push(noisy(i))
    first = json.loads(gzip.decompress(queue.take(max_chars=10_000)))
    assert [e["timestamp"] for e in first["events"]] == [0, 1, 2] and len(queue) == 7
    rest = json.loads(gzip.decompress(queue.take(max_chars=1_000_000)))
    assert (first["seq"], rest["seq"]) == (0, 1)
    assert [e["timestamp"] for e in rest["events"]] == list(range(3, 10)) and queue.take() is None
    # A single event over the bound leaves alone rather than never.
    queue.push(noisy(99, size=20_000))
    assert len(json.loads(gzip.decompress(queue.take(max_chars=10_000)))["events"]) == 1


def test_an_event_no_collector_would_accept_is_refused_not_queued():
    from veil.batch import MAX_EVENT_CHARS

    queue = BatchQueue("s" * 32)
    assert not queue.push('{"type":2,"data":"' + "x" * MAX_EVENT_CHARS + '"}')
    assert len(queue) == 0 and queue.pending_bytes == 0 and queue.take() is None


def test_standby_work_per_hand_over_is_in_proportion_to_what_is_new(monkeypatch):
    queue = BatchQueue("s" * 32)
    limit = 8 * 1024
    for i in range(120):  # a backlog of ~360 KB: dozens of sealed chunks
        queue.push(noisy(i))
        queue.peek_chunks(limit)
    sealed = len(queue.peek_chunks(limit))
    assert sealed > 20
    encoded: list[int] = []
    original = queue._encode
    monkeypatch.setattr(queue, "_encode", lambda events, *a, **k: encoded.append(sum(len(e or "") for e in events)) or original(events, *a, **k))
    queue.push(noisy(500))
    chunks = queue.peek_chunks(limit)
    # Only the open chunk (a few events) was encoded again, not the backlog.
    assert 0 < sum(encoded) < 20 * 3100, encoded  # the backlog is 120 * 3100
    assert [e["timestamp"] for e in events_of(chunks)] == list(range(120)) + [500]
    assert [seq for seq, _, _ in chunks] == list(range(len(chunks)))
    assert all(len(data) <= limit for _, _, data in chunks)
    # Committing sent chunks keeps the rest sealed: the next peek encodes nothing old again.
    for seq, count, _ in chunks[:3]:
        assert queue.commit(seq, count)
    encoded.clear()
    after = queue.peek_chunks(limit)
    assert [c[2] for c in after[:-1]] == [c[2] for c in chunks[3:-1]] and sum(encoded) < 20 * 3100
    assert [e["timestamp"] for e in events_of(after)] == [e["timestamp"] for e in events_of(chunks[3:])]
