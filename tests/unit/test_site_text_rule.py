"""The site-text rule in the one text masker: under mask, a text node (an <option>'s text too) and
the placeholder, title, alt, aria-label, aria-description and label attributes whose whole text is
in the list are recorded in clear, and a template's filled slots are masked to a fixed length.
It never loosens anything else: input values, forced secrets, block, typed regions, echoes of
typed values, scripts, textareas, other attributes, URLs. Asserted on the bytes of the batch."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.helpers import document, el, full, input_event, meta, mutation, parts, text
from veil.api import Core
from veil.config import normalize_config
from veil.contract import ACTION_TAG, KEY_TAG
from veil.levels import Level
from veil.masking import MASKED_VALUE as M, mask_attribute, text_for_level
from veil.recorder import Recorder
from veil.sitetext import SLOT_MASK, SiteText

SITE = SiteText(["Place order", "Search orders", "Germany", "France", "Your cart", "Delivery note", "Company logo",
                 "Country", "Checkout", "Terms of sale"],
                [("Welcome back, ", "!")])


def started(level="mask", site=SITE, page=None, sliced=False):
    recorder = Recorder(normalize_config({"endpoint": "/c", "defaultPrivacy": level}), session="s" * 32, site=site)
    recorder.start()
    node = page or shop()
    recorder.observe([meta(), *(parts(node) if sliced else [full(node)])])
    return recorder


def wire(recorder) -> str:
    batch = recorder.take_batch()
    return gzip.decompress(batch).decode() if batch else ""


def shop():
    return document(
        el("h1", {"title": "Your cart"}, text("Checkout", node_id=11), node_id=10),
        el("p", {}, text("Welcome back, Zqada Lovelace!", node_id=21), node_id=20),
        el("label", {}, text("Delivery note", node_id=31), node_id=30),
        el("input", {"id": "note", "placeholder": "Search orders", "value": "Place order"}, node_id=32),
        el("select", {"id": "country"}, el("option", {"value": "de"}, text("Germany", node_id=42), node_id=41),
           el("option", {"value": "zq"}, text("Zqland", node_id=44), node_id=43), node_id=40),
        el("img", {"alt": "Company logo", "src": "/logo.png?u=zqada"}, node_id=50),
        el("input", {"type": "password", "placeholder": "Search orders", "value": "Place order"}, node_id=51),
        el("div", {"data-veil": "block"}, el("p", {}, text("Place order", node_id=62), node_id=61), node_id=60),
        el("div", {"contenteditable": "true"}, el("p", {}, text("Place order", node_id=72), node_id=71), node_id=70),
        el("textarea", {}, text("Place order", node_id=81), node_id=80),
        el("button", {"aria-label": "Place order", "data-note": "Place order"}, text("Place order", node_id=91), node_id=90),
        el("p", {}, text("Zqada Lovelace", node_id=101), node_id=100),
        el("a", {"href": "/terms?u=zqada", "title": "Terms of sale"}, text("Terms of sale", node_id=111), node_id=110),
        el("script", {}, text("var s = 'Place order'", node_id=121), node_id=120),
    )


@pytest.mark.parametrize("sliced", [False, True])
def test_site_strings_are_shown_and_everything_else_masked_in_a_snapshot(sliced):
    sent = wire(started(sliced=sliced))
    for shown in ['"textContent":"Checkout"', '"title":"Your cart"', '"textContent":"Delivery note"',
                  '"placeholder":"Search orders"', '"textContent":"Germany"', '"alt":"Company logo"',
                  '"aria-label":"Place order"', '"title":"Terms of sale"', '"textContent":"Terms of sale"']:
        assert shown in sent, shown
    assert f'"textContent":"Welcome back, {SLOT_MASK}!"' in sent  # the slot at a fixed length, not the name's
    assert "zq" not in sent.lower()
    assert '"textContent":"***** ********"' in sent  # a visitor value: masked as without a list
    assert '"textContent":"******"' in sent  # an option the list does not know


def test_never_an_input_value_a_secret_a_block_a_typed_region_a_textarea_or_a_script():
    sent = wire(started())
    assert sent.count('"Place order"') == 2  # the button's aria-label and its text, nothing else
    assert sent.count('"textContent":"Place order"') == 1
    assert f'"value":"{M}"' in sent  # both fields' values
    assert '"placeholder":"****** ******"' in sent  # the password field's placeholder: a forced secret
    assert '"data-note":"***** *****"' in sent  # an attribute the rule does not cover
    assert '"textContent":"***** *****"' in sent  # the contenteditable's text
    assert "var s" not in sent


def test_the_same_page_without_a_list_shows_none_of_it():
    sent = wire(started(site=None))
    for word in ("Checkout", "Germany", "Place order", "Search orders", "Company logo", "Welcome"):
        assert word not in sent


@pytest.mark.parametrize("level", ["mask-user-input", "allow"])
def test_other_levels_are_unchanged_by_a_list(level):
    with_list, without = wire(started(level)), wire(started(level, site=None))
    assert json.loads(with_list)["events"] == json.loads(without)["events"]


def test_the_visitor_typing_a_site_string_stays_masked_as_typed_and_so_does_its_echo():
    recorder = started()
    assert '"textContent":"Place order"' in wire(recorder)  # before the visitor typed it
    recorder.observe([input_event(32, "Place order"),
                      mutation(ts=5, texts=[{"id": 101, "value": "Place order"}],
                               attributes=[{"id": 100, "attributes": {"title": "Place order"}}])])
    sent = wire(recorder)
    assert "Place order" not in sent
    assert f'"text":"{M}"' in sent and f'"value":"{M}"' in sent and f'"title":"{M}"' in sent
    # The echo memory now holds it: the page's own button text is masked in a later snapshot too.
    recorder.observe([meta(ts=10), full(shop(), ts=11)])
    assert '"textContent":"Place order"' not in wire(recorder)


def test_mutations_are_judged_by_the_same_rule():
    recorder = started()
    wire(recorder)
    recorder.observe([mutation(
        ts=5,
        texts=[{"id": 101, "value": "Germany"}, {"id": 21, "value": "Welcome back, Zqgrace!"}],
        attributes=[{"id": 90, "attributes": {"title": "Your cart", "aria-label": "Zqgrace"}}],
        adds=[{"parentId": 30, "nextId": None, "node": el("span", {"title": "Country"}, text("France", node_id=131), node_id=130)}],
    )])
    sent = wire(recorder)
    assert '"value":"Germany"' in sent and f'"value":"Welcome back, {SLOT_MASK}!"' in sent
    assert '"title":"Your cart"' in sent and '"aria-label":"*******"' in sent
    assert '"title":"Country"' in sent and '"textContent":"France"' in sent
    assert "zq" not in sent.lower()
    # Written in the contenteditable: typed by the visitor, never site text (and remembered as typed).
    recorder.observe([mutation(
        ts=6,
        texts=[{"id": 72, "value": "Checkout"}],
        adds=[{"parentId": 71, "nextId": None, "node": el("b", {"title": "Country"}, text("Delivery note", node_id=141), node_id=140)}],
    )])
    sent = wire(recorder)
    assert "Checkout" not in sent and "Delivery note" not in sent and "Country" not in sent
    assert '"value":"********"' in sent and '"title":"*******"' in sent and '"textContent":"******** ****"' in sent


def test_a_typing_surface_shows_no_site_text():
    page = document(el("div", {"class": "editor"},
                       el("div", {}, el("textarea", {}, node_id=12), node_id=11),
                       el("div", {"class": "lines"}, el("div", {}, text("Checkout", node_id=15), node_id=14), node_id=13),
                       node_id=10))
    recorder = started(page=page)
    assert '"textContent":"Checkout"' in wire(recorder)  # before anyone typed: the page's own words
    recorder.observe([{"type": 5, "data": {"tag": KEY_TAG, "payload": {"key": "a", "id": 12, "hidden": True}}, "timestamp": 5},
                      mutation(ts=6, texts=[{"id": 15, "value": "Place order"}])])
    recorder.observe([meta(ts=10), full(page, ts=11)])
    sent = wire(recorder)
    assert "Place order" not in sent and '"textContent":"Checkout"' not in sent


def test_action_names_follow_the_rule_but_never_for_a_field_or_a_typed_region():
    recorder = started()
    wire(recorder)
    recorder.observe([
        {"type": 5, "data": {"tag": ACTION_TAG, "payload": {"id": 90, "name": "Place order"}}, "timestamp": 5},
        {"type": 5, "data": {"tag": ACTION_TAG, "payload": {"id": 100, "name": "Zqada Lovelace"}}, "timestamp": 6},
        {"type": 5, "data": {"tag": ACTION_TAG, "payload": {"id": 32, "name": "Place order"}}, "timestamp": 7},
        {"type": 5, "data": {"tag": ACTION_TAG, "payload": {"id": 70, "name": "Place order"}}, "timestamp": 8},
        {"type": 5, "data": {"tag": ACTION_TAG, "payload": {"id": 60, "name": "Place order"}}, "timestamp": 9},
    ])
    names = [e["data"]["payload"]["name"] for e in json.loads(wire(recorder))["events"] if e["type"] == 5]
    assert names == ["Place order", "***** ********", M, "***** *****", ""]


def test_echoes_of_typed_values_are_masked_inside_shown_site_text():
    site = SiteText(["Send as Zqsender"])  # a list built from a rendered page: the echo still wins
    recorder = started(site=site, page=document(el("input", {}, node_id=10), el("p", {}, text("", node_id=21), node_id=20)))
    wire(recorder)
    recorder.observe([input_event(10, "Zqsender"), mutation(ts=5, texts=[{"id": 21, "value": "Send as Zqsender"}])])
    sent = wire(recorder)
    assert "zqsender" not in sent.lower() and f'"value":"Send as {M}"' in sent


def test_the_text_masker_and_attribute_predicate_directly():
    assert text_for_level("Germany", Level.MASK, "option", site=SITE) == "Germany"
    assert text_for_level("Germany", Level.MASK, "option", site=SITE, typed=True) == "*******"
    assert text_for_level("Germany", Level.MASK, "option", site=SITE, secret=True) == "*******"
    assert text_for_level("Germany", Level.BLOCK, "option", site=SITE) == ""
    assert text_for_level("Germany", Level.MASK, "textarea", site=SITE) == M
    assert text_for_level("Germany", Level.MASK, "script", site=SITE) == ""
    assert text_for_level("p { content: 'Germany' }", Level.MASK, "style", site=SITE) == text_for_level("p { content: 'Germany' }", Level.MASK, "style")
    assert mask_attribute("input", "placeholder", "Search orders", {}, Level.MASK, False, site=SITE) == "Search orders"
    assert mask_attribute("input", "placeholder", "Search orders", {}, Level.MASK, True, site=SITE) == "****** ******"
    assert mask_attribute("input", "value", "Search orders", {}, Level.MASK, False, site=SITE) == M
    assert mask_attribute("option", "value", "Germany", {}, Level.MASK, False, site=SITE) == "*******"
    assert mask_attribute("a", "href", "/Germany?u=1", {}, Level.MASK, False, site=SITE) == "/Germany?u=***"
    assert mask_attribute("div", "title", "Germany", {}, Level.BLOCK, False, site=SITE) is None


def test_core_loads_inline_and_fetched_lists_and_explain_names_the_rule():
    from veil import sitetext

    data = json.dumps(sitetext.document(["Place order"], [("Welcome back, ", "!")])).encode()
    core = Core()
    config = {"endpoint": "/c", "allowText": ["Checkout"], "allowTextUrl": "/list.json", "allowTextIntegrity": sitetext.integrity_of(data)}
    assert json.loads(core.configure(json.dumps(config)))["allowTextUrl"] == "/list.json"
    assert json.loads(core.site_text(data + b"\n")) == {"ok": False, "reason": sitetext.SiteTextError(
        "the list does not match allowTextIntegrity (it changed since its hash was taken: rebuild or update the hash)").args[0]}
    assert core.site.strings == {"Checkout"}  # a refused list adds nothing; the inline one stays
    assert json.loads(core.site_text(None, "the list was not fetched within 5000 ms"))["ok"] is False
    assert json.loads(core.site_text(data)) == {"ok": True, "strings": 1, "templates": 1}
    assert core.site.strings == {"Checkout", "Place order"}

    def explain(chain):
        return json.loads(core.explain(json.dumps(chain)))

    button = explain([{"tag": "button", "attributes": {}, "text": ["Place order"], "content": {"title": "Checkout", "alt": "Zqada"}}])
    assert button["text"] == {"rule": "site text", "shown": "clear"}
    assert button["content"] == {"title": {"rule": "site text", "shown": "clear"}, "alt": {"rule": "level mask", "shown": "masked"}}
    assert "Place order" not in json.dumps(button) and "Zqada" not in json.dumps(button)  # rules, never text
    assert explain([{"tag": "p", "attributes": {}, "text": ["Welcome back, Ada!"]}])["text"] == {"rule": "site text", "shown": "template"}
    assert explain([{"tag": "div", "attributes": {"contenteditable": "true"}}, {"tag": "p", "attributes": {}, "text": ["Checkout"]}])[
        "text"] == {"rule": "typed", "shown": "masked"}
    assert explain([{"tag": "div", "attributes": {"data-veil": "block"}}, {"tag": "p", "attributes": {}, "text": ["Checkout"]}])[
        "text"] == {"rule": "block", "shown": "none"}
    assert explain([{"tag": "input", "attributes": {"type": "password"}, "content": {"placeholder": "Checkout"}}])["content"][
        "placeholder"]["rule"] == "forced secret"
    core.echoes.remember("Checkout")
    assert explain([{"tag": "h1", "attributes": {}, "text": ["Checkout"]}])["text"] == {"rule": "echo of a typed value", "shown": "masked"}


def test_a_recording_started_before_the_list_arrived_keeps_what_it_had():
    # The worker hands the list over before it answers configure, so a recording never starts
    # before it; a list loaded later applies from the next recording (never halfway through one).
    from veil import sitetext

    data = json.dumps(sitetext.document(["Checkout"], [])).encode()
    core = Core()
    core.configure(json.dumps({"endpoint": "/c", "consent": "not-required", "allowTextUrl": "/l.json",
                               "allowTextIntegrity": sitetext.integrity_of(data)}))
    core.gate(json.dumps({"href": "https://shop.example/", "now": 1}))
    core.start()
    core.site_text(data)
    core.observe(json.dumps([meta(), full(shop())]))
    assert "Checkout" not in gzip.decompress(core.take_batch()).decode()
