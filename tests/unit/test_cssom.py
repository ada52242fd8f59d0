"""CSSOM events (rrweb sources 8, 13, 15) through the core: rebuilt in rrweb's shape, their CSS
masked by the level of the sheet's owner or adopting host, nothing recorded under block."""

from __future__ import annotations

import json

from tests.helpers import document, el, full, meta, record, sent_events
from veil.cssom import PLACEHOLDER_RULE


def page():
    return document(
        el("p", {}, node_id=10),
        el("div", {"data-veil": "block", "rr_width": "1px", "rr_height": "1px"}, node_id=11),
        el("x-card", {"data-veil": "allow"}, node_id=12, isShadowHost=True),
        head=(el("style", {"_cssText": "p { color: red }"}, node_id=20),),
    )


def cssom(source, ts=5, **data):
    return {"type": 3, "data": {"source": source, **data}, "timestamp": ts}


def recorded(*events, **config):
    recorder = record([meta(), full(page()), *events], **config)
    out = [e["data"] for e in sent_events(recorder) if e["type"] == 3]
    return out, recorder.counters.dropped


def test_rule_insertion_and_deletion_on_a_style_element_are_masked_by_its_level():
    out, dropped = recorded(cssom(8, id=20, adds=[{"rule": 'p::before { content: "Ada"; background: url(/a.png?t=Ada) }', "index": 1}],
                                  removes=[{"index": 0}], extra="never sent"))
    assert dropped == 0
    assert out == [{"source": 8, "id": 20, "adds": [{"rule": 'p::before { content: "***"; background: url(/a.png?t=***) }', "index": 1}],
                    "removes": [{"index": 0}]}]


def test_a_rule_the_masker_drops_becomes_a_placeholder_so_indices_line_up():
    out, dropped = recorded(cssom(8, id=20, adds=[{"rule": 'p { content: "Ada', "index": 0}]))
    assert out[0]["adds"] == [{"rule": PLACEHOLDER_RULE, "index": 0}] and "Ada" not in json.dumps(out)
    assert dropped == 1  # counted


def test_constructed_sheets_take_the_level_of_the_host_that_adopts_them():
    adopt_doc = cssom(15, id=1, styleIds=[1], styles=[{"styleId": 1, "rules": [{"rule": ':root { --who: "Ada" }', "index": 0}]}])
    adopt_card = cssom(15, id=12, styleIds=[2], styles=[{"styleId": 2, "rules": [{"rule": 'p::before { content: "Hi" }', "index": 0}]}])
    replace = cssom(8, styleId=1, replaceSync='b::after { content: "Bob" }')
    declare = cssom(13, styleId=2, index=[0], set={"property": "content", "value": '"Eve"', "priority": "important"})
    remove = cssom(13, styleId=2, index=[0], remove={"property": "color"})
    out, dropped = recorded(adopt_doc, adopt_card, replace, declare, remove)
    assert dropped == 0
    assert out[0] == {"source": 15, "id": 1, "styleIds": [1], "styles": [{"styleId": 1, "rules": [{"rule": ':root { --who: "***" }', "index": 0}]}]}
    assert out[1]["styles"][0]["rules"][0]["rule"] == 'p::before { content: "Hi" }'  # the host is allowed: kept as written
    assert out[2] == {"source": 8, "styleId": 1, "replaceSync": 'b::after { content: "***" }'}
    assert out[3] == {"source": 13, "styleId": 2, "index": [0], "set": {"property": "content", "value": '"Eve"', "priority": "important"}}
    assert out[4] == {"source": 13, "styleId": 2, "index": [0], "remove": {"property": "color"}}


def test_nothing_of_a_blocked_host_or_a_sheet_the_replay_lacks_is_recorded():
    blocked = cssom(15, id=11, styleIds=[7], styles=[{"styleId": 7, "rules": [{"rule": 'p { content: "Ada" }', "index": 0}]}])
    later = cssom(8, styleId=7, adds=[{"rule": 'p { content: "Ada" }', "index": 0}])  # only ever adopted by the blocked host
    unknown = cssom(13, styleId=99, index=[0], set={"property": "color", "value": "red"})
    out, dropped = recorded(blocked, later, unknown)
    assert out == [] and dropped == 0


def test_a_sheet_adopted_by_a_stricter_host_is_masked_at_the_stricter_level_from_then_on():
    shared = [{"styleId": 3, "rules": [{"rule": "p { color: red }", "index": 0}]}]
    events = [cssom(15, id=12, styleIds=[3], styles=shared), cssom(15, id=1, styleIds=[3]),
              cssom(8, styleId=3, adds=[{"rule": 'p::after { content: "Ada" }', "index": 1}])]
    out, _ = recorded(*events)
    assert out[2]["adds"][0]["rule"] == 'p::after { content: "***" }'


def test_a_full_snapshot_forgets_constructed_sheets_as_the_replay_does():
    adopt = cssom(15, id=1, styleIds=[1], styles=[{"styleId": 1, "rules": []}])
    out, _ = recorded(adopt, full(page(), ts=6), cssom(8, ts=7, styleId=1, replaceSync="p { color: red }"))
    assert [d["source"] for d in out] == [15]


def test_malformed_or_unknown_cssom_events_are_dropped_and_counted():
    bad = [cssom(8, id=999, adds=[{"rule": "p {}", "index": 0}]),  # a node the replay does not have
           cssom(8, id=20, adds=[{"rule": 42, "index": 0}]),
           cssom(8, id=20, removes=[{"index": -1}]),
           cssom(13, id=20, set={"property": "color", "value": "red"}),  # no index
           cssom(15, id=1, styleIds=["1"])]
    out, dropped = recorded(*bad)
    assert out == [] and dropped == len(bad)


def test_style_attribute_mutations_go_through_the_css_masker():
    mutation = {"type": 3, "timestamp": 5, "data": {"source": 0, "texts": [], "removes": [], "adds": [],
                                                    "attributes": [{"id": 10, "attributes": {"style": "background: url(/p.png?token=Ada); --n: 'Ada'"}}]}}
    out, _ = recorded(mutation)
    assert out[0]["attributes"] == [{"id": 10, "attributes": {"style": 'background: url(/p.png?token=***); --n: "***"'}}]
