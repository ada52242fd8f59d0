"""Veil.preview's verdicts: what the replay will show of each element and the rule behind it, as
recording's own masking decides it (veil.verdicts, Core.preview)."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers import document, el, flat_rows, text
from veil.api import Core
from veil.config import normalize_config
from veil.echo import Echoes
from veil.verdicts import KINDS, judge


def verdicts(body: list[dict[str, Any]], echoes: Echoes | None = None, **config: Any) -> dict[int, dict[str, Any]]:
    out = judge(normalize_config({"endpoint": "/c", **config}), flat_rows(document(*body)), echoes)
    assert not out["truncated"]
    return {v["id"]: v for v in out["verdicts"]}


def test_each_kind_with_the_rule_that_decided_it():
    found = verdicts([
        el("h1", {}, text("Acme Outdoor"), node_id=10),
        el("section", {"id": "about", "data-veil": "allow"}, el("p", {}, text("We sell tents"), node_id=12), node_id=11),
        el("input", {"id": "email", "type": "email"}, node_id=13),
        el("input", {"id": "pw", "type": "password", "value": "hunter2"}, node_id=14),
        el("div", {"class": "veil-block"}, el("p", {}, text("inside"), node_id=16), node_id=15),
        el("div", {}, node_id=17),
    ])
    assert found[10]["kind"] == "masked" and found[10]["rule"] == "mask: default level mask"
    assert found[10]["shown"] == ["**** *******"] and found[10]["clear"] == []
    assert found[12]["kind"] == "clear"
    assert found[12]["rule"] == 'allow: override allow on <section#about> (data-veil="allow")'
    assert found[12]["clear"] == [{"source": "text", "text": "We sell tents"}]
    assert found[13]["kind"] == "typed" and "typed value masked at mask" in found[13]["rule"]
    assert found[14]["kind"] == "secret" and found[14]["rule"] == 'forced secret: <input#pw> type="password"'
    assert "hunter2" not in json.dumps(found[14])
    assert found[15]["kind"] == "blocked" and "block" in found[15]["rule"] and "veil-block" in found[15]["rule"]
    assert 16 not in found, "nothing inside a blocked element is read"
    assert 17 not in found, "an element with no content of its own gets no verdict"
    assert {v["kind"] for v in found.values()} <= set(KINDS)


def test_content_attributes_and_typed_values_at_each_level():
    found = verdicts([
        el("img", {"alt": "Ada's avatar", "src": "/a.png"}, node_id=10),
        el("input", {"placeholder": "Your name", "value": "Ada"}, node_id=11),
        el("input", {"type": "submit", "value": "Place order"}, node_id=12),
        el("div", {"data-veil": "mask-user-input"}, el("label", {"title": "Name"}, text("Name"), node_id=14),
           el("input", {"value": "Ada"}, node_id=15), node_id=13),
    ])
    assert found[10]["kind"] == "masked" and found[10]["shown"] == ["***** ******"]
    assert found[11]["kind"] == "typed" and found[11]["shown"] == ["**** ****"]
    assert "Ada" not in json.dumps(found[11]["shown"]) and "Ada" not in json.dumps(found[11]["clear"])
    assert found[12]["kind"] == "masked" and found[12]["rule"] == "mask: default level mask", "a button's value is user input"
    assert found[14]["kind"] == "clear" and found[14]["clear"] == [{"source": "text", "text": "Name"}, {"source": "title", "text": "Name"}]
    assert found[14]["rule"].startswith("mask-user-input: override mask-user-input on <div>")
    assert found[15]["kind"] == "typed" and "mask-user-input" in found[15]["rule"]


def test_allow_level_records_typed_values_and_the_pii_scrubber_still_masks():
    found = verdicts([el("input", {"value": "Ada"}, node_id=10), el("p", {}, text("mail ada@example.com"), node_id=11),
                      el("input", {}, node_id=12)], defaultPrivacy="allow")
    assert found[10]["kind"] == "clear" and {"source": "value", "text": "Ada"} in found[10]["clear"]
    assert found[11]["kind"] == "masked" and found[11]["rule"].startswith("PII scrubber")
    assert "ada@example.com" not in json.dumps(found[11]["shown"])
    assert found[12]["kind"] == "clear", "an empty field at allow: what the visitor types will be recorded"


def test_selector_overrides_name_the_config_list_and_block_sticks():
    body = [el("main", {}, el("p", {"class": "note"}, text("Free shipping"), node_id=11), node_id=10, veilMatch=["allow"]),
            el("aside", {"data-veil": "block"}, node_id=12)]
    found = verdicts(body, allowSelectors=["main"])
    assert found[11]["kind"] == "clear" and "allowSelectors" in found[11]["rule"] and "<main>" in found[11]["rule"]
    assert found[12]["kind"] == "blocked"


def test_echoes_of_typed_values_are_named():
    echoes = Echoes()
    echoes.remember("zqsecretvalue")
    found = verdicts([el("p", {}, text("Hello zqsecretvalue"), node_id=10)], echoes=echoes, defaultPrivacy="allow")
    assert found[10]["kind"] == "masked" and found[10]["rule"].startswith("echo of a typed value")
    assert "zqsecretvalue" not in json.dumps(found[10])


def test_a_verdict_is_clear_only_when_the_recording_writes_exactly_what_the_page_has():
    found = verdicts([el("p", {}, text("Welcome"), node_id=10)], defaultPrivacy="mask-user-input")
    assert found[10]["kind"] == "clear" and found[10]["shown"] == ["Welcome"]


def test_core_preview_answers_errors_as_values_and_needs_a_config():
    core = Core()
    assert json.loads(core.preview("[]")) == {"ok": False, "reason": "not configured"}
    core.configure(json.dumps({"endpoint": "/c"}))
    assert json.loads(core.preview("not json"))["ok"] is False
    assert json.loads(core.preview("[[2, 1, null, \"p\", {}]]"))["ok"] is False
    answer = json.loads(core.preview(json.dumps(flat_rows(document(el("h1", {}, text("Hi"), node_id=10))))))
    assert answer["ok"] is True and answer["verdicts"][0]["kind"] == "masked"
    assert core.recorder is None, "a preview records nothing"


def test_site_text_is_the_rule_for_the_sites_own_words_at_mask_and_slots_stay_masked():
    from veil.sitetext import SiteText

    site = SiteText(["Acme Outdoor Supply", "Full name", "Place order"], [("Welcome back, ", "!")])
    rows = flat_rows(document(
        el("h1", {}, text("Acme Outdoor Supply"), node_id=10),
        el("label", {"title": "Full name"}, text("Full name"), node_id=11),
        el("p", {}, text("Welcome back, Margaret!"), node_id=12),
        el("input", {"value": "Place order"}, node_id=13),
        el("div", {"class": "veil-block"}, text("Place order"), node_id=14),
        el("input", {"type": "password", "value": "Place order"}, node_id=15),
    ))
    found = {v["id"]: v for v in judge(normalize_config({"endpoint": "/c"}), rows, None, site)["verdicts"]}
    assert found[10]["kind"] == "clear" and found[10]["rule"] == "site text"
    assert found[11]["rule"] == "site text" and found[11]["clear"] == [{"source": "text", "text": "Full name"}, {"source": "title", "text": "Full name"}]
    assert found[12]["kind"] == "masked" and found[12]["rule"].startswith("site text (a template: its filled slots masked)")
    assert found[12]["shown"] == ["Welcome back, ********!"] and "Margaret" not in json.dumps(found[12])
    assert found[13]["kind"] == "typed", "what the visitor typed stays masked even when it equals a site string"
    assert found[14]["kind"] == "blocked" and found[15]["kind"] == "secret"
    # Without the list, the same page is masked by the default level.
    plain = {v["id"]: v for v in judge(normalize_config({"endpoint": "/c"}), rows)["verdicts"]}
    assert plain[10]["kind"] == "masked" and plain[10]["rule"] == "mask: default level mask"


def test_core_preview_uses_the_pages_site_text_list():
    core = Core()
    core.configure(json.dumps({"endpoint": "/c", "allowText": ["Acme Outdoor Supply"]}))
    answer = json.loads(core.preview(json.dumps(flat_rows(document(el("h1", {}, text("Acme Outdoor Supply"), node_id=10))))))
    assert answer["verdicts"][0]["rule"] == "site text" and answer["verdicts"][0]["kind"] == "clear"
