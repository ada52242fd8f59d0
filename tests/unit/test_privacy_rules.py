"""One test per privacy rule added with the full engine (leak classes across snapshot and mutations)."""

import json

from tests.helpers import record, sent_events as batch_events, document, el, full, input_event, meta, mutation, text, walk
from veil.events import NAVIGATION_TAG
from veil.masking import MASKED_VALUE




def nodes_of(events):
    return {n["id"]: n for n in walk(events[1]["data"]["node"])}


def test_images_and_media_become_sized_placeholders_under_mask():
    page = document(
        el("img", {"src": "/u/ada.png", "srcset": "/u/ada@2x.png 2x", "alt": "Ada", "class": "avatar"}, node_id=10, veilSize=[40, 30]),
        el("video", {"poster": "/p.png", "src": "/v.mp4"}, el("track", {"src": "/captions.vtt"}, node_id=12), node_id=11, veilSize=[320, 240]),
        el("canvas", {"rr_dataURL": "data:image/png;base64,AAAA"}, node_id=13, veilSize=[10, 10]),
        el("object", {"data": "/doc.pdf"}, node_id=14), el("embed", {"src": "/x.swf"}, node_id=15),
    )
    nodes = nodes_of(batch_events(record([meta(), full(page)])))
    assert nodes[10]["attributes"] == {"alt": "***", "class": "avatar veil-placeholder", "rr_width": "40px", "rr_height": "30px"}
    assert nodes[11]["attributes"] == {"class": "veil-placeholder", "rr_width": "320px", "rr_height": "240px"}
    assert nodes[12]["attributes"] == {"class": "veil-placeholder"}
    assert nodes[13]["attributes"] == {"class": "veil-placeholder", "rr_width": "10px", "rr_height": "10px"}
    assert nodes[14]["attributes"] == {"class": "veil-placeholder"} and nodes[15]["attributes"] == {"class": "veil-placeholder"}


def test_images_are_recorded_with_scrubbed_urls_under_allow():
    page = document(el("img", {"src": "/u/a.png?sig=abc"}, node_id=10, veilSize=[1, 1]))
    nodes = nodes_of(batch_events(record([meta(), full(page)], defaultPrivacy="allow")))
    assert nodes[10]["attributes"] == {"src": "/u/a.png?sig=***"}


def test_media_src_set_by_mutation_is_dropped_under_mask():
    recorder = record([meta(), full(document(el("img", {}, node_id=10)))])
    batch_events(recorder)
    recorder.observe([mutation(attributes=[{"id": 10, "attributes": {"src": "/u/ada.png"}, "current": {}, "veilMatch": []}])])
    assert all(e["data"]["attributes"] == [] for e in batch_events(recorder))  # nothing left: no event at all


def test_textarea_text_is_user_input_even_under_mask_user_input():
    page = document(el("textarea", {}, text("Dear Ada", node_id=11), node_id=10))
    nodes = nodes_of(batch_events(record([meta(), full(page)], defaultPrivacy="mask-user-input")))
    assert nodes[11]["textContent"] == MASKED_VALUE


def test_allowed_text_and_attributes_are_scrubbed_of_pii():
    page = document(el("p", {"title": "mail ada@example.com"}, text("call +44 20 7946 0958 now", node_id=11), node_id=10))
    nodes = nodes_of(batch_events(record([meta(), full(page)], defaultPrivacy="allow")))
    assert nodes[11]["textContent"] == "call *** ** **** **** now"
    assert nodes[10]["attributes"]["title"] == "mail ***************"


def test_scrub_patterns_false_keeps_allowed_text_verbatim_but_urls_stay_scrubbed():
    page = document(el("a", {"href": "/u/ada@example.com"}, text("ada@example.com", node_id=11), node_id=10))
    nodes = nodes_of(batch_events(record([meta(), full(page)], defaultPrivacy="allow", scrubPatterns=False)))
    assert nodes[11]["textContent"] == "ada@example.com"
    assert nodes[10]["attributes"]["href"] == "/u/***"


def test_comments_are_recorded_only_under_allow():
    comment = {"type": 5, "id": 11, "textContent": " build 42 for ada "}
    page = document(el("div", {}, comment, node_id=10))
    assert nodes_of(batch_events(record([meta(), full(page)])))[11]["textContent"] == ""
    assert nodes_of(batch_events(record([meta(), full(page)], defaultPrivacy="allow")))[11]["textContent"] == " build 42 for ada "


def test_spa_navigation_is_a_scrubbed_custom_event():
    events = batch_events(record([meta(), full(document()), {"type": 5, "data": {"tag": NAVIGATION_TAG, "payload": {"href": "https://x/u/ada@x.com?t=1#f"}}, "timestamp": 9}]))
    assert events[2]["data"] == {"tag": NAVIGATION_TAG, "payload": {"href": "https://x/u/***?t=***#***"}}


def test_other_custom_and_plugin_events_are_dropped():
    recorder = record([meta(), full(document()), {"type": 5, "data": {"tag": "log", "payload": {"msg": "ada"}}, "timestamp": 9}, {"type": 6, "data": {"plugin": "rrweb/console@1", "payload": {}}, "timestamp": 9}])
    assert len(batch_events(recorder)) == 2 and recorder.counters.dropped == 2


def test_secret_stays_secret_across_a_new_full_snapshot():
    page = document(el("input", {"type": "password", "value": "x"}, node_id=10))
    recorder = record([meta(), full(page)], defaultPrivacy="allow")
    toggled = document(el("input", {"type": "text", "value": "hunter2"}, node_id=10))
    recorder.observe([meta(), full(toggled), input_event(10, "hunter2")])
    events = batch_events(recorder)
    assert "hunter2" not in json.dumps(events)
    # Not dropped: the field and its typing left, masked.
    assert [e["data"]["text"] for e in events if e["type"] == 3 and e["data"].get("source") == 5] == [MASKED_VALUE]


def test_becoming_a_password_by_attribute_asks_for_a_snapshot():
    recorder = record([meta(), full(document(el("input", {"type": "text"}, node_id=10)))], defaultPrivacy="allow")
    result = recorder.observe([mutation(attributes=[{"id": 10, "attributes": {"type": "password"}, "current": {"type": "password"}, "veilMatch": []}])])
    assert result["actions"] == ["snapshot"]
    recorder.observe([input_event(10, "hunter2")])
    events = batch_events(recorder)
    assert "hunter2" not in json.dumps(events)
    assert [e["data"]["text"] for e in events if e["type"] == 3 and e["data"].get("source") == 5] == [MASKED_VALUE]


def test_selector_flag_change_on_a_descendant_asks_for_a_snapshot():
    page = document(el("div", {}, el("p", {}, text("Ada"), node_id=11), node_id=10))
    recorder = record([meta(), full(page)], defaultPrivacy="allow")
    result = recorder.observe([mutation(attributes=[{"id": 11, "attributes": {}, "current": {}, "veilMatch": ["mask"]}])])
    assert result["actions"] == ["snapshot"]


def test_block_placeholder_carries_no_id_class_or_children_whatever_the_default():
    page = document(el("section", {"class": "veil-block profile", "id": "ada"}, text("Ada"), node_id=10, veilSize=[5, 6]))
    for level in ("mask", "mask-user-input", "allow"):
        node = nodes_of(batch_events(record([meta(), full(page)], defaultPrivacy=level)))[10]
        assert node["attributes"] == {"class": "veil-placeholder", "rr_width": "5px", "rr_height": "6px"} and node["childNodes"] == []


def test_iframe_document_is_attached_whole_and_masked():
    iframe_doc = {"type": 0, "id": 20, "childNodes": [el("html", {}, el("body", {}, text("Ada in a frame", node_id=23), node_id=22), node_id=21, rootId=20)]}
    recorder = record([meta(), full(document(el("iframe", {"srcdoc": "<p>Ada</p>"}, node_id=10)))])
    nodes = nodes_of(batch_events(recorder))
    assert nodes[10]["attributes"]["srcdoc"] == "*" * len("<p>Ada</p>")
    recorder.observe([mutation(adds=[{"parentId": 10, "nextId": None, "node": iframe_doc}], isAttachIframe=True)])
    data = batch_events(recorder)[0]["data"]
    assert data["isAttachIframe"] is True and len(data["adds"]) == 1
    assert "Ada" not in json.dumps(data)
    assert data["adds"][0]["node"]["childNodes"][0]["rootId"] == 20


def test_input_in_an_allow_region_under_mask_default_is_recorded():
    page = document(el("div", {"data-veil": "allow"}, el("input", {"type": "search"}, node_id=11), node_id=10))
    recorder = record([meta(), full(page), input_event(11, "tents")])
    assert batch_events(recorder)[2]["data"]["text"] == "tents"


def test_unblocking_an_element_asks_for_a_snapshot():
    page = document(el("div", {"data-veil": "block"}, text("Ada"), node_id=10))
    recorder = record([meta(), full(page)])
    result = recorder.observe([mutation(attributes=[{"id": 10, "attributes": {"data-veil": "allow"}, "current": {"data-veil": "allow"}, "veilMatch": []}])])
    assert result["actions"] == ["snapshot"]
