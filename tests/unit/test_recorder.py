"""The recorder state machine, driven with raw events as the shim sends them."""

import gzip
import json

from tests.helpers import document, el, full, input_event, meta, mutation, parts, text, walk
from veil.config import normalize_config
from veil.masking import MASKED_VALUE
from veil.recorder import Recorder


def make(**config):
    recorder = Recorder(normalize_config({"endpoint": "/c", **config}), session="s" * 32)
    recorder.start()
    return recorder


def sent(recorder):
    batch = recorder.take_batch()
    assert batch is not None
    return json.loads(gzip.decompress(batch))


def page():
    return document(
        el("h1", {"title": "Hello Ada"}, text("Welcome back, Ada", node_id=11), node_id=10),
        el("input", {"type": "email", "value": "ada@example.com", "placeholder": "you@mail"}, node_id=12),
        el("input", {"type": "password", "value": "hunter2"}, node_id=13),
        el("div", {"data-veil": "block", "class": "ssn", "rr_width": "10px", "rr_height": "5px"}, text("123-45-6789"), node_id=14),
        el("p", {"data-veil": "allow"}, text("Public footer", node_id=16), node_id=15),
    )


def test_full_snapshot_is_masked_and_framed_as_a_batch():
    recorder = make()
    result = recorder.observe([meta("https://x.example/a?email=ada@example.com"), full(page())])
    assert result == {"actions": [], "snapshots": 1}
    batch = sent(recorder)
    assert batch["session"] == "s" * 32 and batch["seq"] == 0
    raw = json.dumps(batch)
    for secret in ("Ada", "ada@example.com", "hunter2", "123-45-6789", "you@mail", "ssn"):
        assert secret not in raw
    assert "Public footer" in raw
    nodes = {n["id"]: n for n in walk(batch["events"][1]["data"]["node"])}
    assert nodes[11]["textContent"] == "******* ***** ***"
    assert nodes[12]["attributes"]["value"] == MASKED_VALUE
    assert nodes[14] == {"id": 14, "type": 2, "tagName": "div", "attributes": {"class": "veil-placeholder", "rr_width": "10px", "rr_height": "5px"}, "childNodes": []}
    assert batch["events"][0]["data"]["href"] == "https://x.example/a?email=***"


def test_sequence_numbers_increase_and_empty_queue_gives_nothing():
    recorder = make()
    recorder.observe([meta(), full(page())])
    assert sent(recorder)["seq"] == 0
    assert recorder.take_batch() is None
    recorder.observe([input_event(12, "x")])
    assert sent(recorder)["seq"] == 1


def test_input_values_are_masked_by_the_field_level():
    recorder = make(defaultPrivacy="allow")
    recorder.observe([meta(), full(page()), input_event(12, "typed by ada"), input_event(13, "hunter3")])
    events = sent(recorder)["events"]
    assert events[2]["data"]["text"] == "typed by ada"
    assert events[3]["data"]["text"] == MASKED_VALUE


def test_mutations_are_masked_like_the_snapshot():
    recorder = make()
    recorder.observe([meta(), full(page())])
    sent(recorder)
    recorder.observe(
        [
            mutation(
                adds=[{"parentId": 5, "nextId": None, "node": el("span", {"aria-label": "Ada's card"}, text("Card 4111"), node_id=30)}],
                texts=[{"id": 11, "value": "Goodbye Ada"}, {"id": 16, "value": "Still public"}],
                attributes=[{"id": 10, "attributes": {"title": "Ada", "class": "big"}, "current": {"class": "big"}, "veilMatch": []}],
            )
        ]
    )
    data = sent(recorder)["events"][0]["data"]
    assert data["adds"][0]["node"]["attributes"] == {"aria-label": "***** ****"}
    assert data["adds"][0]["node"]["childNodes"] == []
    assert data["adds"][1] == {"parentId": 30, "nextId": None, "node": {"id": data["adds"][1]["node"]["id"], "type": 3, "textContent": "**** ****"}}
    assert data["texts"] == [{"id": 11, "value": "******* ***"}, {"id": 16, "value": "Still public"}]
    assert data["attributes"] == [{"id": 10, "attributes": {"title": "***", "class": "big"}}]


def test_nothing_is_recorded_under_block_through_mutations():
    recorder = make()
    recorder.observe([meta(), full(page())])
    sent(recorder)
    recorder.observe([mutation(adds=[{"parentId": 14, "nextId": None, "node": text("987-65-4321")}], attributes=[{"id": 14, "attributes": {"title": "x"}}])])
    assert recorder.take_batch() is None, "nothing left of the mutation: no event (tests/unit/test_empty_mutation.py)"


def test_removes_forget_the_subtree():
    recorder = make()
    recorder.observe([meta(), full(page())])
    recorder.observe([mutation(removes=[{"parentId": 5, "id": 10}]), input_event(11, "x")])
    events = sent(recorder)["events"]
    assert events[2]["data"]["removes"] == [{"parentId": 5, "id": 10}]
    assert len(events) == 3  # the input on a removed node was dropped
    assert recorder.counters.dropped == 1


def test_level_change_by_attribute_asks_for_a_new_snapshot():
    recorder = make()
    recorder.observe([meta(), full(page())])
    result = recorder.observe([mutation(attributes=[{"id": 15, "attributes": {"data-veil": None}, "current": {"data-veil": None}, "veilMatch": []}])])
    assert result["actions"] == ["snapshot"]


def test_show_password_toggle_keeps_the_field_secret():
    recorder = make(defaultPrivacy="allow")
    recorder.observe([meta(), full(page())])
    recorder.observe(
        [
            mutation(attributes=[{"id": 13, "attributes": {"type": "text"}, "current": {"type": "text"}, "veilMatch": []}]),
            input_event(13, "hunter2"),
        ]
    )
    events = sent(recorder)["events"]
    assert "hunter2" not in json.dumps(events)
    # Not dropped: the typing left, as the fixed mask.
    assert [e["data"]["text"] for e in events if e["type"] == 3 and e["data"]["source"] == 5 and e["data"]["id"] == 13] == [MASKED_VALUE]


def test_malformed_events_are_dropped_and_counted_never_forwarded():
    recorder = make()
    recorder.observe([meta(), full(page())])
    sent(recorder)
    recorder.observe([{"type": 3, "data": {"source": 11, "payload": ["console secret"]}, "timestamp": 5}, {"type": 99}, "junk", {"type": 5, "data": {"tag": "x", "payload": "secret"}, "timestamp": 1}])
    assert recorder.take_batch() is None
    assert recorder.counters.dropped == 4


def test_incremental_events_before_a_snapshot_are_dropped():
    recorder = make()
    recorder.observe([input_event(12, "ada")])
    assert recorder.take_batch() is None


def test_stop_drops_unsent_data_and_ignores_later_observations():
    recorder = make()
    recorder.observe([meta(), full(page())])
    recorder.stop()
    assert recorder.take_batch() is None
    recorder.observe([meta(), full(page())])
    assert recorder.take_batch() is None


def test_flush_is_requested_when_the_queue_is_large():
    recorder = Recorder(normalize_config({"endpoint": "/c"}), session="s" * 32, flush_at_bytes=100)
    recorder.start()
    assert recorder.observe([meta(), full(page())])["actions"] == ["flush"]


def test_unknown_node_keys_never_leave():
    node = document(el("div", {}, node_id=40, secretKey="Ada"))
    recorder = make()
    recorder.observe([meta(), full(node)])
    events = sent(recorder)["events"]
    assert "secretKey" not in json.dumps(events)
    # Not dropped: the node itself left, with the keys the core knows.
    (div,) = [n for n in walk(events[1]["data"]["node"]) if n["id"] == 40]
    assert div == {"type": 2, "tagName": "div", "attributes": {}, "childNodes": [], "id": 40}


def test_added_subtrees_travel_as_one_add_per_node_in_replayable_order():
    recorder = make()
    recorder.observe([meta(), full(page())])
    sent(recorder)
    subtree = el("ul", {}, el("li", {}, text("a", node_id=52), node_id=51), el("li", {}, node_id=53), node_id=50)
    recorder.observe([mutation(adds=[{"parentId": 5, "nextId": 10, "node": subtree}])])
    adds = sent(recorder)["events"][0]["data"]["adds"]
    assert [(a["parentId"], a["nextId"], a["node"]["id"]) for a in adds] == [(5, 10, 50), (50, None, 53), (50, 53, 51), (51, None, 52)]
    assert all(a["node"].get("childNodes", []) == [] for a in adds)


def test_standby_batch_is_the_next_batch_and_commit_consumes_it():
    recorder = make()
    recorder.observe([meta(), full(page())])
    seq, count, data = recorder.standby_chunks(1 << 30)[0]
    assert (seq, count) == (0, 2)
    recorder.observe([input_event(12, "more")])
    assert recorder.commit_standby(seq, count)
    assert json.loads(gzip.decompress(data))["seq"] == 0
    rest = sent(recorder)
    assert rest["seq"] == 1 and len(rest["events"]) == 1


def test_stale_standby_commit_is_refused():
    recorder = make()
    recorder.observe([meta(), full(page())])
    seq, count, _ = recorder.standby_chunks(1 << 30)[0]
    sent(recorder)
    assert not recorder.commit_standby(seq, count)


def test_standby_chunks_fit_the_keepalive_budget_and_commit_in_order():
    import random

    rnd = random.Random(1)
    recorder = make(defaultPrivacy="allow")
    recorder.observe([meta(), full(page())])
    noisy = [mutation(ts=10 + i, texts=[{"id": 16, "value": "".join(rnd.choice("abcdefghijklmnop") for _ in range(3000))}]) for i in range(40)]
    recorder.observe(noisy)
    chunks = recorder.standby_chunks(16 * 1024)
    assert len(chunks) > 1
    assert all(len(data) <= 16 * 1024 for _, _, data in chunks)
    assert [seq for seq, _, _ in chunks] == list(range(len(chunks)))
    decoded = [json.loads(gzip.decompress(data)) for _, _, data in chunks]
    assert sum(len(b["events"]) for b in decoded) == 42
    for seq, count, _ in chunks:
        assert recorder.commit_standby(seq, count)
    assert recorder.take_batch() is None


def test_dropped_batches_are_reported_in_the_next_batch():
    recorder = make()
    recorder.observe([meta(), full(page())])
    assert json.loads(gzip.decompress(recorder.take_batch(dropped=3)))["dropped"] == 3


# ---- full snapshots in parts (the shim's time-sliced walk) ---------------------------------------


def test_a_snapshot_in_parts_is_emitted_once_whole_with_its_last_part():
    whole = make()
    whole.observe([meta(), full(page())])
    sliced = make()
    sliced.queue.view = whole.queue.view  # two page views; the comparison is of their events
    snapshot_parts = parts(page(), size=2)
    results = [sliced.observe([part]) for part in [meta(), *snapshot_parts]]
    assert [r["snapshots"] for r in results] == [0] * len(snapshot_parts) + [1]
    # Byte for byte: the parts are written as JSON directly, in the same key order.
    assert gzip.decompress(sliced.take_batch()) == gzip.decompress(whole.take_batch())


def test_a_part_that_fails_drops_the_whole_snapshot_and_asks_for_a_new_one():
    recorder = make()
    broken = parts(page(), size=2)
    broken[1]["data"]["part"][0][0] = 99  # a node type rrweb-snapshot never makes
    results = [recorder.observe([part]) for part in [meta(), *broken]]
    assert results[-1]["actions"] == ["snapshot"] and all(r["snapshots"] == 0 for r in results)
    assert recorder.counters.dropped == 1
    events = sent(recorder)["events"]
    assert [e["type"] for e in events] == [4]  # the meta event only: no partial snapshot leaves
    # Nothing can attach to a snapshot that never was: incremental events are dropped until one is.
    recorder.observe([input_event(12, "x")])
    assert recorder.counters.dropped == 2
    recorder.observe(parts(page()))
    assert [e["type"] for e in sent(recorder)["events"]] == [2]


def test_a_page_whose_snapshots_keep_failing_is_not_asked_again_forever():
    recorder = make()
    asked = 0
    for _ in range(6):
        broken = parts(page(), size=50)
        broken[0]["data"]["part"][3][0] = 99
        asked += recorder.observe(broken)["actions"].count("snapshot")
    assert asked == 3


def test_a_snapshot_part_cannot_carry_a_node_twice_or_an_orphan():
    for mangle in ("duplicate", "orphan"):
        recorder = make()
        snapshot_parts = parts(page(), size=100)
        rows = snapshot_parts[0]["data"]["part"]
        if mangle == "duplicate":
            rows.append(list(rows[-1]))
        else:
            rows.append([3, 999, 12345, "Ada"])
        result = recorder.observe([meta(), *snapshot_parts])
        assert result["snapshots"] == 0 and result["actions"] == ["snapshot"]
        assert "Ada" not in json.dumps(sent(recorder))


def test_a_snapshot_row_out_of_document_order_or_misshapen_drops_the_snapshot():
    # Parts are written as JSON as they arrive, so a node can only join a parent still open.
    mangles = {
        "after its parent's subtree": lambda rows: rows.append([3, 998, 10, "Ada"]),  # h1 (10) closed by then
        "element without attributes": lambda rows: rows.append([2, 998, 5, "div"]),
        "rare fields not an object": lambda rows: rows.append([3, 998, 5, "Ada", ["isShadow"]]),
        "id not an integer": lambda rows: rows.append([3, "998", 5, "Ada"]),
        "not a row": lambda rows: rows.append({"type": 3, "id": 998, "parentId": 5, "textContent": "Ada"}),
    }
    for name, mangle in mangles.items():
        recorder = make()
        snapshot_parts = parts(page(), size=100)
        mangle(snapshot_parts[0]["data"]["part"])
        result = recorder.observe([meta(), *snapshot_parts])
        assert result["snapshots"] == 0 and result["actions"] == ["snapshot"], name
        assert recorder.counters.dropped == 1, name
        assert "Ada" not in json.dumps(sent(recorder)), name


def test_rows_under_a_blocked_element_are_dropped_as_never_recorded():
    recorder = make()
    snapshot_parts = parts(page(), size=100)
    snapshot_parts[0]["data"]["part"].append([3, 998, 14, "123-45-6789"])  # under the block placeholder
    assert recorder.observe([meta(), *snapshot_parts])["snapshots"] == 1
    assert "123-45-6789" not in json.dumps(sent(recorder))


def test_snapshot_nodes_keep_rrwebs_key_order_with_the_id_last():
    # gzip matches the long runs of near-identical nodes only if the unique id does not lead.
    recorder = make()
    recorder.observe([meta(), full(page())])
    node = sent(recorder)["events"][1]["data"]["node"]
    html = node["childNodes"][1]
    assert list(node)[0] == "type" and list(node)[-1] == "id"
    assert list(html) == ["type", "tagName", "attributes", "childNodes", "id"]
    text_node = html["childNodes"][1]["childNodes"][0]["childNodes"][0]
    assert list(text_node) == ["type", "textContent", "id"]


# ---- bounds: lost batches, resync, batch size ----------------------------------------------------


def test_after_lost_batches_nothing_is_queued_until_a_fresh_full_snapshot_which_reports_the_gap():
    recorder = make()
    recorder.observe([meta(), full(page())])
    assert json.loads(gzip.decompress(recorder.take_batch()))["seq"] == 0
    recorder.observe([mutation(ts=5, texts=[{"id": 16, "value": "pending"}])])
    # The host's outbox overflowed and dropped 2 batches: what the worker holds follows the gap.
    assert recorder.resync() == 1
    recorder.observe([input_event(12, "typed after the gap", ts=6)])  # refers to the lost state
    assert recorder.take_batch() is None, "nothing queued before the fresh snapshot"
    recorder.observe([meta(ts=7), full(page(), ts=8), input_event(12, "x", ts=9)])
    batch = json.loads(gzip.decompress(recorder.take_batch(dropped=2)))
    assert [e["type"] for e in batch["events"]] == [4, 2, 3]
    # seq 1 was spent by the discarded events: 2 lost by the host + 1 discarded here.
    assert (batch["seq"], batch["dropped"]) == (2, 3) and recorder.last_reported == 3
    assert recorder.counters.dropped == 0, "a gap is reported as lost batches, not as masking faults"


def test_a_snapshot_taken_without_a_new_meta_event_gets_the_last_one_first():
    # The snapshot walk may have begun (its meta event sent) before the resync came.
    recorder = make()
    recorder.observe([meta(), full(page())])
    recorder.take_batch()
    assert recorder.resync() == 0
    recorder.observe([full(page(), ts=8)])
    events = sent(recorder)["events"]
    assert [e["type"] for e in events] == [4, 2] and events[0]["data"]["width"] == 800


def test_the_worker_holds_at_most_one_batch_and_a_large_backlog_leaves_in_bounded_batches():
    from veil.batch import BATCH_MAX_CHARS

    recorder = make()
    recorder.observe([meta(), full(page())])
    # Text under the default mask (node 11): masked, so the scrubber has no work.
    noisy = [mutation(ts=10 + i, texts=[{"id": 11, "value": "w" * 100_000}]) for i in range(30)]
    result = recorder.observe(noisy)
    assert "flush" in result["actions"], "the host is told to take a batch once one is ready"
    sizes = []
    while (batch := recorder.take_batch()) is not None:
        sizes.append(len(gzip.decompress(batch)))
        assert recorder.has_more == (len(recorder.queue) > 0)
    assert len(sizes) >= 3 and max(sizes) <= BATCH_MAX_CHARS + 1024
    # A resync discards everything the worker holds, however much, as one lost batch.
    recorder.observe(noisy)
    assert len(recorder.queue) == 30 and recorder.resync() == 30 and len(recorder.queue) == 0
