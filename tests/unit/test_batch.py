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
