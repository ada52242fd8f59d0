"""Cross-origin iframes (veil.frames): a child's masked batch becomes part of the parent's
recording, masked again by the parent, never less masked than the child made it."""

import gzip
import json

import pytest

from tests.helpers import document, el, full, meta, mutation, record, sent_events, text
from veil import frames
from veil.api import Core
from veil.frames import ID_STRIDE


def child_batch(*events, extra=None):
    body = {"session": "c" * 32, "view": "0" * 16, "seq": 0, "events": list(events), **(extra or {})}
    return gzip.compress(json.dumps(body).encode())


def child_page(*body, ts=5):
    """What a child's core sends: meta, then its (masked) full snapshot."""
    return [meta("https://widget.example/", ts=ts), full(document(*body), ts=ts)]


def parent(privacy="allow", iframe_attrs=None, **config):
    core = Core()
    assert json.loads(core.configure(json.dumps({"endpoint": "/c", "consent": "not-required", "defaultPrivacy": privacy,
                                                 "iframeOrigins": ["https://widget.example"], **config})))["ok"]
    core.gate(json.dumps({"href": "https://shop.example/", "now": 1}), sample_draw=0)
    core.start()
    core.observe(json.dumps([meta(ts=10), full(document(el("iframe", iframe_attrs or {}, node_id=20)), ts=10)]))
    return core


def events_of(core):
    batch = core.take_batch()
    return json.loads(gzip.decompress(batch))["events"] if batch else []


def attach_of(events):
    return [e for e in events if e["type"] == 3 and e["data"]["source"] == 0 and e["data"].get("isAttachIframe")]


def test_a_child_snapshot_attaches_its_document_to_the_iframe_with_ids_of_its_own():
    core = parent()
    events_of(core)
    answer = json.loads(core.child_events(20, child_batch(*child_page(el("p", {}, text("Hello"), node_id=7)))))
    assert answer["accepted"] is True and answer["needSnapshot"] is False
    (attach,) = attach_of(events_of(core))
    add = attach["data"]["adds"][0]
    assert add["parentId"] == 20 and add["node"]["type"] == 0 and add["node"]["id"] == ID_STRIDE + 1
    ids = [n["id"] for n in _walk(add["node"])]
    assert all(i > ID_STRIDE for i in ids) and ID_STRIDE + 7 in ids
    assert all(n.get("rootId") == ID_STRIDE + 1 for n in _walk(add["node"]) if n["type"] != 0)
    assert "Hello" in json.dumps(attach)
    assert attach["timestamp"] >= 10  # never before the parent's own snapshot


def test_the_parent_never_lowers_the_childs_masking_and_masks_under_its_own_level():
    core = parent(privacy="allow")
    core.child_events(20, child_batch(*child_page(el("p", {}, text("*****"), node_id=7))))  # masked by the child
    assert "*****" in json.dumps(events_of(core))
    strict = parent(privacy="mask")  # the parent masks the iframe: the child's clear text is masked too
    strict.child_events(20, child_batch(*child_page(el("p", {}, text("Hello"), node_id=7))))
    sent = json.dumps(events_of(strict))
    assert "Hello" not in sent and "*****" in sent


def test_a_blocked_or_unknown_iframe_takes_nothing_of_its_child():
    core = parent(iframe_attrs={"data-veil": "block"})
    events_of(core)
    answer = json.loads(core.child_events(20, child_batch(*child_page(el("p", {}, text("Hello"))))))
    assert answer["accepted"] is False and events_of(core) == []
    for bad_id in (5, 999):  # the document, a node the parent does not have
        assert json.loads(parent().child_events(bad_id, child_batch(*child_page())))["accepted"] is False


@pytest.mark.parametrize("body", [b"not gzip", gzip.compress(b"not json", mtime=0), gzip.compress(b'{"events": 3}', mtime=0), gzip.compress(b"[]", mtime=0)])
def test_an_unreadable_batch_is_dropped_and_counted(body):
    core = parent()
    events_of(core)
    answer = json.loads(core.child_events(20, body))
    assert answer["accepted"] is False and answer["dropped"] == 1 and events_of(core) == []


def test_a_batch_that_inflates_past_the_bound_is_refused():
    bomb = gzip.compress(b'{"events": ["' + b"A" * (frames.MAX_BATCH_BYTES + 10) + b'"]}')
    with pytest.raises(frames.Rejected, match="too large"):
        frames.read_batch(bomb)


def test_incremental_events_move_into_the_childs_id_space_and_wait_for_its_snapshot():
    core = parent()
    events_of(core)
    early = mutation(ts=11, texts=[{"id": 7, "value": "before"}])
    answer = json.loads(core.child_events(20, child_batch(early)))
    assert answer["needSnapshot"] is True and events_of(core) == []
    core.child_events(20, child_batch(*child_page(el("p", {}, text("Hello", node_id=8), node_id=7)),
                                      mutation(ts=12, texts=[{"id": 8, "value": "World"}]),
                                      {"type": 3, "timestamp": 13, "data": {"source": 2, "type": 2, "id": 7, "x": 1, "y": 2}},
                                      {"type": 3, "timestamp": 14, "data": {"source": 4, "width": 5, "height": 5}},
                                      {"type": 5, "timestamp": 15, "data": {"tag": "veil:error", "payload": {}}}))
    sent = events_of(core)
    texts = [e for e in sent if e["type"] == 3 and e["data"]["source"] == 0 and e["data"]["texts"]]
    assert texts[0]["data"]["texts"] == [{"id": ID_STRIDE + 8, "value": "World"}]
    clicks = [e for e in sent if e["type"] == 3 and e["data"]["source"] == 2]
    assert clicks[0]["data"]["id"] == ID_STRIDE + 7
    assert not [e for e in sent if e["type"] in (4, 5) or (e["type"] == 3 and e["data"]["source"] == 4)]


def test_a_parent_snapshot_detaches_children_until_their_next_snapshot():
    core = parent()
    core.child_events(20, child_batch(*child_page(el("p", {}, text("Hello"), node_id=7))))
    events_of(core)
    core.observe(json.dumps([meta(ts=30), full(document(el("iframe", {}, node_id=20)), ts=30)]))
    answer = json.loads(core.child_events(20, child_batch(mutation(ts=31, texts=[{"id": 7, "value": "x"}]))))
    assert answer["needSnapshot"] is True
    assert not [e for e in events_of(core) if e["type"] == 3 and e["data"]["source"] == 0 and e["data"]["texts"]]
    answer = json.loads(core.child_events(20, child_batch(*child_page(el("p", {}, text("Again")), ts=25))))
    assert answer["needSnapshot"] is False
    (attach,) = attach_of(events_of(core))
    assert attach["timestamp"] == 30  # raised to the parent's snapshot


def test_two_iframes_get_disjoint_id_spaces():
    core = Core()
    core.configure(json.dumps({"endpoint": "/c", "consent": "not-required", "defaultPrivacy": "allow"}))
    core.gate(json.dumps({"href": "https://x/", "now": 1}), sample_draw=0)
    core.start()
    core.observe(json.dumps([meta(), full(document(el("iframe", {}, node_id=20), el("iframe", {}, node_id=21)))]))
    core.child_events(20, child_batch(*child_page()))
    core.child_events(21, child_batch(*child_page()))
    roots = [a["data"]["adds"][0]["node"]["id"] for a in attach_of(events_of(core))]
    assert roots == [ID_STRIDE + 1, 2 * ID_STRIDE + 1]


def test_child_ids_out_of_range_are_dropped():
    core = parent()
    events_of(core)
    core.child_events(20, child_batch(*child_page(el("p", {}, node_id=ID_STRIDE))))
    assert attach_of(events_of(core)) == []


def test_a_childs_canvas_frame_is_judged_again_by_the_parent():
    png = "iVBORw0KGgo="
    frame = {"type": 3, "timestamp": 20, "data": {"source": 9, "id": 7, "mime": "image/png", "base64": png, "width": 4, "height": 4}}
    child = record([meta(), full(document(el("canvas", {}, node_id=7)))] + [frame], defaultPrivacy="allow")
    child_events = sent_events(child)
    core = parent()
    core.child_events(20, child_batch(*child_events))
    sent = [e for e in events_of(core) if e["type"] == 3 and e["data"]["source"] == 9]
    assert sent and sent[0]["data"]["id"] == ID_STRIDE + 7
    masked_parent = parent(iframe_attrs={"data-veil": "mask"})
    masked_parent.child_events(20, child_batch(*child_events))
    assert png not in json.dumps(events_of(masked_parent))


def _walk(node):
    yield node
    for child in node.get("childNodes", []):
        yield from _walk(child)
