"""A mutation with nothing left to record after masking is not sent: rrweb's recorder never emits
an empty one, and rrweb's Replayer, given one right after the full snapshot, lost a later
insertRule into an adopted stylesheet (found by the WebKit engine tests)."""

from __future__ import annotations

from tests.helpers import document, el, full, meta, mutation, record, sent_events, text


def test_a_mutation_whose_every_change_is_dropped_is_not_sent():
    page = document(el("div", {"data-veil": "block"}, text("hidden"), node_id=10), el("p", {}, text("shown"), node_id=11))
    unknown_parent = {"parentId": 999, "nextId": None, "node": el("iframe", {}, node_id=50)}
    under_block = {"parentId": 10, "nextId": None, "node": text("more", node_id=51)}
    recorder = record([meta(), full(page), mutation(adds=[unknown_parent, under_block], removes=[{"parentId": 999, "id": 998}])])
    events = sent_events(recorder)
    assert [e["type"] for e in events] == [4, 2]


def test_a_mutation_with_one_recorded_change_is_sent():
    page = document(el("p", {}, text("shown", node_id=12), node_id=11))
    recorder = record([meta(), full(page), mutation(texts=[{"id": 12, "value": "changed"}],
                                                    adds=[{"parentId": 999, "nextId": None, "node": el("i", {}, node_id=52)}])])
    events = sent_events(recorder)
    assert [e["type"] for e in events] == [4, 2, 3]
    assert events[2]["data"]["texts"] == [{"id": 12, "value": "*******"}] and events[2]["data"]["adds"] == []
