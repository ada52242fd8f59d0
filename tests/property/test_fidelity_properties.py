"""Invariants of canvas frames and cross-origin iframes' recordings (hypothesis): a frame leaves
only where the one reduce records a canvas's pixels, and a parent never records a child's text
less masked than the child or its own level make it."""

from __future__ import annotations

import gzip
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import document, el, full, meta, record, sent_events, text
from veil.api import Core
from veil.levels import Level, element_overrides, resolve_level

OVERRIDES = [None, "allow", "mask", "mask-user-input", "block", "weird"]
LEVELS = ["mask", "mask-user-input", "allow"]
PNG = "iVBORw0KGgo="


def attrs(override):
    return {} if override is None else {"data-veil": override}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(LEVELS), st.lists(st.sampled_from(OVERRIDES), min_size=0, max_size=3), st.sampled_from(OVERRIDES))
def test_a_frame_leaves_exactly_where_the_reduce_records_the_canvas(default, ancestors, own):
    canvas = el("canvas", attrs(own), node_id=50)
    node = canvas
    for i, override in enumerate(reversed(ancestors)):
        node = el("div", attrs(override), node, node_id=60 + i)
    frame = {"type": 3, "timestamp": 10, "data": {"source": 9, "id": 50, "mime": "image/png", "base64": PNG, "width": 2, "height": 2}}
    recorder = record([meta(), full(document(node)), frame], defaultPrivacy=default)
    sent = [e for e in sent_events(recorder) if e["type"] == 3 and e["data"].get("source") == 9]
    level = Level(default)
    for override in [*ancestors, own]:
        level = resolve_level(level, element_overrides(attrs(override)))
    assert bool(sent) is (level in (Level.ALLOW, Level.MASK_USER_INPUT))


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abcdefghij XYZ", min_size=0, max_size=20), st.sampled_from(LEVELS),
       st.sampled_from(LEVELS), st.sampled_from(OVERRIDES))
def test_a_parent_never_records_a_childs_text_less_masked_than_either_side(tail, child_level, parent_level, iframe_override):
    words = "ZQ" + tail  # a marker no key or structure of an event contains
    child = record([meta(), full(document(el("p", {}, text(words), node_id=7)))], defaultPrivacy=child_level)
    child_events = sent_events(child)
    child_text = json.dumps(child_events)
    core = Core()
    core.configure(json.dumps({"endpoint": "/c", "consent": "not-required", "defaultPrivacy": parent_level}))
    core.gate(json.dumps({"href": "https://shop.example/", "now": 1}), sample_draw=0)
    core.start()
    core.observe(json.dumps([meta(ts=10), full(document(el("iframe", attrs(iframe_override), node_id=20)), ts=10)]))
    body = gzip.compress(json.dumps({"session": "c" * 32, "view": "0" * 16, "seq": 0, "events": child_events}).encode())
    core.child_events(20, body)
    batch = core.take_batch()
    parent_text = json.dumps(json.loads(gzip.decompress(batch))["events"]) if batch else ""
    iframe_level = resolve_level(Level(parent_level), element_overrides(attrs(iframe_override)))
    masked_by_child = "ZQ" not in child_text
    masked_by_parent = iframe_level in (Level.MASK, Level.BLOCK)
    assert masked_by_child is (child_level == "mask")
    if masked_by_child or masked_by_parent:
        assert "ZQ" not in parent_text
    if iframe_level is not Level.BLOCK:
        assert '"isAttachIframe": true' in parent_text  # the child's document is in the parent's recording
