"""Veil.preview() in Chromium: the overlay shows what the core decided for each element and why,
nothing of it is ever recorded or sent (judged on what the collector stored), and preview(false)
leaves the page's DOM exactly as it was."""

from __future__ import annotations

import json
import urllib.request

from tests.browser.conftest import ARTIFACTS, OPERATOR_TOKEN, inject_veil, wait_recording

PAGE = "/test-assets/preview.html"
# Everything the overlay writes that a recording of it would carry.
OVERLAY_MARKS = ("veil-preview", "privacy preview", "Close preview", "Hover an element", "Replay shows", "typed value masked")
VERDICTS = """() => Veil.preview().then(r => ({counts: r.counts, drawn: r.drawn, truncated: r.truncated,
  verdicts: Object.fromEntries(r.verdicts.filter(v => v.element.id).map(v => [v.element.id, {kind: v.kind, rule: v.rule,
    shown: v.shown, clear: v.clear}]))}))"""
DOM = "() => document.documentElement.outerHTML.replaceAll(' style=\"\"', '')"  # Chromium's autofill adds empty styles


def stored(servers, session: str) -> list[dict]:
    request = urllib.request.Request(f"{servers.collector_url}/v1/sessions/{session}/events",
                                     headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def overlay(page, selector: str) -> str:
    return page.evaluate("s => { const h = document.querySelector('veil-preview'); return h ? [...h.shadowRoot.querySelectorAll(s)].map(e => e.textContent).join('|') : null }", selector)


def test_preview_shows_the_cores_verdicts_and_the_rule_behind_each(page, servers):
    page.goto(servers.site_url + PAGE)
    inject_veil(page, servers, {"consent": "not-required"})
    wait_recording(page)
    result = page.evaluate(VERDICTS)
    v = result["verdicts"]
    assert v["title"]["kind"] == "masked" and v["title"]["rule"] == "mask: default level mask"
    assert v["title"]["shown"] == ["**** ******* ******"]
    assert v["promise"]["kind"] == "clear" and v["promise"]["rule"] == 'allow: override allow on <section#about> (data-veil="allow")'
    assert v["promise"]["clear"] == [{"source": "text", "text": "Free shipping over 50 euros"}]
    assert v["name"]["kind"] == "typed" and v["name"]["rule"] == "typed value masked at mask: default level mask"
    assert v["pw"]["kind"] == "secret" and "forced secret" in v["pw"]["rule"]
    assert v["ssn"]["kind"] == "blocked" and "class veil-block" in v["ssn"]["rule"]
    assert "078-05" not in json.dumps(result) and "zq-hunter2" not in json.dumps(result)
    assert result["counts"]["blocked"] == 1 and result["drawn"] >= 7 and result["truncated"] is False
    # One box per drawn element, none of them taking the pointer; the legend does.
    assert page.evaluate("() => document.querySelector('veil-preview').shadowRoot.querySelectorAll('.box').length") == result["drawn"]
    styles = page.evaluate("""() => { const r = document.querySelector('veil-preview').shadowRoot;
      return [getComputedStyle(r.querySelector('.box')).pointerEvents, getComputedStyle(r.querySelector('.legend')).pointerEvents,
              getComputedStyle(document.querySelector('veil-preview')).pointerEvents] }""")
    assert styles == ["none", "auto", "none"]
    assert overlay(page, ".legend li .label") == "clear|masked|typed value masked|secret|blocked"
    # Hovering an element names the rule that decided it; the page's own elements keep the pointer.
    box = page.locator("#promise").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
    page.wait_for_function("() => !document.querySelector('veil-preview').shadowRoot.querySelector('.tip').hidden")
    tip = overlay(page, ".tip")
    assert "clear (level allow)" in tip and 'override allow on <section#about>' in tip and "Free shipping" in tip
    assert page.evaluate("(p) => document.elementFromPoint(p.x, p.y).id", {"x": box["x"] + 5, "y": box["y"] + box["height"] / 2}) == "promise"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "preview.png"))


def test_the_overlay_is_never_recorded_sends_nothing_and_leaves_no_trace(page, servers, capture):
    page.goto(servers.site_url + PAGE)
    inject_veil(page, servers, {"consent": "not-required"})
    wait_recording(page)
    page.evaluate("() => Veil.flush()")
    before = page.evaluate(DOM)
    sent_before = len(capture.bodies)
    collector_requests = len([u for u in capture.requests if u.startswith(servers.collector_url)])
    page.evaluate(VERDICTS)
    # While it is drawn: a fresh full snapshot, a page change, and a click on the legend's button.
    page.evaluate("() => document.getElementById('greeting').textContent = 'Order zq-placed'")
    page.wait_for_timeout(300)
    assert len([u for u in capture.requests if u.startswith(servers.collector_url)]) == collector_requests, "the preview sent something"
    page.locator("veil-preview").locator(".close").click()
    page.wait_for_function("() => !document.querySelector('veil-preview')")
    assert page.evaluate(DOM) == before.replace("Welcome back, Margaret", "Order zq-placed")
    page.evaluate("() => Veil.flush()")
    session = capture.batches()[0]["session"]
    events = stored(servers, session)
    text = json.dumps(events)
    for mark in OVERLAY_MARKS:
        assert mark not in text, f"{mark!r} of the overlay reached the collector"
    later = [e for batch in capture.batches()[sent_before:] for e in batch["events"]]
    assert later, "the page's change was recorded"
    clicks = [e for e in later if e["type"] == 3 and e["data"].get("source") == 2]
    assert clicks == [], "a click on the legend is not the page's"
    added = [a["node"] for e in later if e["type"] == 3 and e["data"].get("source") == 0 for a in e["data"]["adds"]]
    assert added == [{"type": 3, "textContent": "***** *********", "id": added[0]["id"]}], "only the page's own change, masked"


def test_a_full_snapshot_taken_while_the_preview_is_drawn_holds_nothing_of_it(page, servers, capture):
    page.goto(servers.site_url + PAGE)
    page.evaluate("() => document.title")
    inject_veil(page, servers, {"consent": "not-required"})
    wait_recording(page)
    page.evaluate(VERDICTS)
    # A new recording (stop, start) walks the page afresh with the overlay in it.
    page.evaluate("() => Veil.stop().then(() => Veil.start())")
    wait_recording(page)
    page.evaluate("() => Veil.flush()")
    assert page.evaluate("() => !!document.querySelector('veil-preview')")
    snapshots = [e for e in capture.events() if e["type"] == 2]
    assert len(snapshots) >= 2
    text = capture.sent_text()
    for mark in OVERLAY_MARKS:
        assert mark not in text, mark
    page.evaluate("() => Veil.preview(false)")
    assert page.evaluate("() => document.querySelector('veil-preview')") is None


def test_preview_false_removes_a_preview_still_being_prepared(page, servers):
    page.goto(servers.site_url + PAGE)
    inject_veil(page, servers, {"consent": "not-required"})
    wait_recording(page)
    before = page.evaluate(DOM)
    result = page.evaluate("() => { const drawing = Veil.preview(); return Veil.preview(false).then(() => drawing) }")
    assert result["shown"] is False and result["verdicts"] == []
    page.wait_for_timeout(300)
    assert page.evaluate(DOM) == before


def test_veil_preview_in_the_url_draws_it_under_debug_only(page, servers):
    page.goto(servers.site_url + PAGE + "?veil-preview")
    inject_veil(page, servers, {"consent": "not-required", "debug": True})
    page.wait_for_function("() => { const h = document.querySelector('veil-preview'); return h && h.shadowRoot.querySelectorAll('.box').length > 5 }",
                           timeout=30_000)
    other = page.context.new_page()
    other.goto(servers.site_url + PAGE + "?veil-preview")
    inject_veil(other, servers, {"consent": "not-required"})
    wait_recording(other)
    other.wait_for_timeout(500)
    assert other.evaluate("() => document.querySelector('veil-preview')") is None
    assert other.evaluate("() => Veil.preview(false).then(r => r.shown)") is False


def test_preview_needs_init(page, servers):
    page.goto(servers.site_url + PAGE)
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    error = page.evaluate("() => Veil.preview().then(() => 'drawn', e => e.message)")
    assert error == "Veil.preview: call Veil.init(config) first"


def test_preview_names_site_text_from_the_pages_list_and_masks_what_the_server_filled_in(page, servers):
    from tests.browser.test_site_text import list_integrity

    page.goto(servers.site_url + "/test-assets/sitetext.html")
    page.wait_for_selector("body[data-loaded=yes]")
    inject_veil(page, servers, {"consent": "not-required", "allowTextUrl": "/test-assets/sitetext-list.json",
                                "allowTextIntegrity": list_integrity(servers)})
    wait_recording(page)
    verdicts = """() => Veil.preview().then(r => r.verdicts.map(v => ({id: v.element.id, tag: v.element.localName,
      kind: v.kind, rule: v.rule, shown: v.shown, clear: v.clear})))"""
    before = {v["id"]: v for v in page.evaluate(verdicts) if v["id"]}
    assert before["order"]["kind"] == "clear" and before["order"]["rule"] == "site text"
    # The visitor types a site string: what was typed, and from then on its echoes, stay masked.
    page.fill("#note", "Place order")
    page.wait_for_timeout(200)
    result = page.evaluate(verdicts)
    by_id = {v["id"]: v for v in result if v["id"]}
    h1 = next(v for v in result if v["tag"] == "h1")
    assert h1["kind"] == "clear" and h1["rule"] == "site text"
    assert {"source": "title", "text": "Your account"} in h1["clear"]
    assert by_id["welcome"]["kind"] == "masked" and by_id["welcome"]["rule"].startswith("site text (a template: its filled slots masked)")
    assert by_id["welcome"]["shown"] == ["Welcome back, ********!"]
    assert by_id["name-cell"]["kind"] == "masked" and by_id["name-cell"]["rule"] == "mask: default level mask"
    assert by_id["note"]["kind"] == "typed", "the visitor typing a site string is still what the visitor typed"
    assert by_id["order"]["kind"] == "masked" and by_id["order"]["rule"].startswith("echo of a typed value masked")
    assert by_id["echo"]["kind"] == "masked" and by_id["echo"]["rule"].startswith("echo of a typed value masked")
    assert by_id["password"]["kind"] == "secret"
    text = json.dumps(result)
    assert "zqada" not in text.lower() and "ZQ-4417" not in text
    # The legend and the hover speak of the same rule.
    assert "site text" in overlay(page, ".legend p")
    box = page.locator("h1").bounding_box()
    page.mouse.move(box["x"] + 3, box["y"] + 3)
    page.wait_for_function("() => !document.querySelector('veil-preview').shadowRoot.querySelector('.tip').hidden")
    assert "Rule: site text" in overlay(page, ".tip")
