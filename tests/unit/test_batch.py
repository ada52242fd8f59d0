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
    original = queue._body
    monkeypatch.setattr(queue, "_body", lambda *a, **k: encodes.append(1) or original(*a, **k))
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
    original = queue._body
    monkeypatch.setattr(queue, "_body", lambda events, *a, **k: encoded.append(sum(len(e or "") for e in events)) or original(events, *a, **k))
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


def test_a_large_event_is_never_compressed_whole_to_learn_it_cannot_leave_with_an_unloading_page(monkeypatch):
    """A first snapshot of a large page (here 2 MB of barely compressible text) is not a standby
    chunk: the keepalive budget could not carry it, and finding that out costs a fraction of
    compressing it."""
    import random
    import zlib

    rnd = random.Random(7)
    queue = BatchQueue("s" * 32)
    queue.push({"type": 4, "data": {"href": "/a"}, "timestamp": 1})
    queue.push({"type": 2, "data": {"node": "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(2_000_000))}, "timestamp": 2})
    queue.push({"type": 3, "data": {"source": 5, "id": 3, "text": "*"}, "timestamp": 3})
    fed: list[int] = []
    real = zlib.compressobj
    class Counting:
        def __init__(self, *a):
            self.inner = real(*a)
        def compress(self, data):
            fed.append(len(data))
            return self.inner.compress(data)
        def flush(self, *a):
            return self.inner.flush(*a)
    monkeypatch.setattr(zlib, "compressobj", Counting)
    chunks = queue.peek_chunks(48 * 1024, lone_max=60 * 1024)
    assert [e["type"] for e in events_of(chunks)] == [4]  # the meta event; nothing from the snapshot on
    assert sum(fed) < 600_000, sum(fed)  # a 2 MB event: a few probes' worth of compressing, not its whole
    assert len(queue.peek_chunks(48 * 1024)) == 3  # without a bound for a lone event: a chunk of its own, as before


def test_a_small_head_leaves_with_the_large_first_snapshot_after_it():
    queue = BatchQueue("s" * 32)
    queue.push({"type": 4, "data": {"href": "/a"}, "timestamp": 1})
    queue.push({"type": 2, "data": {"node": "x" * 2000}, "timestamp": 2})
    queue.push({"type": 3, "data": {"source": 5, "id": 3, "text": "*"}, "timestamp": 3})
    first = json.loads(gzip.decompress(queue.take(max_chars=1000)))
    assert [e["type"] for e in first["events"]] == [4, 2]  # not a batch (and a round trip) for the meta event alone
    assert [e["type"] for e in json.loads(gzip.decompress(queue.take(max_chars=1000)))["events"]] == [3]
    for _ in range(3):
        queue.push({"type": 3, "data": {"source": 5, "id": 3, "text": "y" * 9000}, "timestamp": 4})
    queue.push({"type": 2, "data": {"node": "x" * 2000}, "timestamp": 5})
    assert len(json.loads(gzip.decompress(queue.take(max_chars=20_000)))["events"]) == 2  # 18 KB of head: over the bound alone


def test_a_snapshot_compressed_while_it_was_assembled_leaves_as_the_same_text():
    """The first snapshot's JSON is compressed part by part as the walk goes (veil.deflate) and
    spliced into its batch: the batch inflates, in any gzip reader, to exactly the text a batch
    compressed at once holds."""
    import zlib

    from tests.helpers import meta
    from veil.api import Core

    core = Core()
    core.configure(json.dumps({"endpoint": "/c", "consent": "not-required"}))
    core.gate(json.dumps({"now": 1, "href": "https://x.invalid/"}))
    core.start()
    rows = [[0, 1, None, "CSS1Compat"], [2, 2, 1, "html", {}], [2, 3, 2, "body", {}]]
    rows += [[3, 4 + i, 3, f"text {i} \udfff caf\u00e9"] for i in range(3000)]
    parts = [rows[i:i + 500] for i in range(0, len(rows), 500)]
    events = [meta()] + [{"type": 2, "data": {"part": p, "done": i == len(parts) - 1, "initialOffset": {"top": 0, "left": 0}},
                         "timestamp": 2} for i, p in enumerate(parts)]
    core.observe(json.dumps(events))
    queue = core.recorder.queue
    assert len(queue._deflated) == 1  # the snapshot was compressed ahead
    plain = gzip.decompress(queue._encode(queue._events, dropped=0, level=9 if False else 6))
    batch = core.take_batch()
    assert gzip.decompress(batch) == plain
    assert zlib.decompressobj(31).decompress(batch) == plain
    body = json.loads(plain)
    assert [e["type"] for e in body["events"]] == [4, 2] and len(body["events"][1]["data"]["node"]["childNodes"][0]["childNodes"][0]["childNodes"]) == 3000
    assert not queue._deflated


def test_a_segment_that_does_not_match_its_text_is_never_spliced():
    from veil.deflate import Deflater

    queue = BatchQueue("s" * 32)
    wrong = Deflater(9)
    wrong.feed('{"type":2,"data":"txet"}')  # the same length
    queue.push('{"type":2,"data":"text"}', deflated=wrong.finish())
    assert json.loads(gzip.decompress(queue.take()))["events"] == [{"type": 2, "data": "text"}]
