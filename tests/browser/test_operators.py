"""Operators in the real viewer (Chromium): search, the click map, the digest, share links.

What a support or product team relies on: they find visits by what happened in them; they see
where many visitors clicked on a page, drawn over that page as stored (masked), with nothing
recorded running; they read a visit as a timeline; they send a colleague a link that opens that
one visit, until it expires or is revoked, and every open of it is recorded and shown. The click
map's screenshot is kept in test-artifacts/ (and is the README's, docs/clickmap.png).
"""

from __future__ import annotations

import gzip
import json
import secrets
import time

import httpx2
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import ARTIFACTS, OPERATOR_TOKEN, wait_recording
from tests.browser.test_demo_recording import DISPLAYED as SERVER_FILLED

T0 = 1_777_000_000_000


def post_visit(servers, events, view="0123456789abcdef") -> str:
    from examples.demo.servers import DEMO_TOKEN

    session = secrets.token_hex(16)
    body = gzip.compress(json.dumps({"session": session, "view": view, "seq": 0, "events": events}).encode())
    answer = httpx2.post(servers.endpoint, content=body, timeout=10,
                         headers={"Content-Encoding": "gzip", "X-Veil-Token": DEMO_TOKEN})
    assert answer.status_code == 200, answer.text
    return session


def crafted(prefix: str, paths: list[str], *, error: bool = False) -> list[dict]:
    events: list[dict] = []
    for i, path in enumerate(paths):
        at = T0 + i * 5000
        events += [
            {"type": 4, "data": {"href": f"https://shop.example{prefix}{path}", "width": 800, "height": 600}, "timestamp": at},
            {"type": 2, "data": {"node": {"type": 0, "id": 1, "childNodes": [
                {"type": 2, "id": 2, "tagName": "html", "attributes": {}, "childNodes": [
                    {"type": 2, "id": 3, "tagName": "body", "attributes": {}, "childNodes": [
                        {"type": 2, "id": 4, "tagName": "button", "attributes": {}, "childNodes": [
                            {"type": 3, "id": 5, "textContent": "Pay"}]}]}]}]},
                "initialOffset": {"top": 0, "left": 0}}, "timestamp": at + 1},
            {"type": 3, "data": {"source": 2, "type": 2, "id": 5, "x": 20, "y": 20}, "timestamp": at + 1000},
        ]
    if error:
        events.append({"type": 5, "data": {"tag": "veil:error", "payload": {"kind": "error", "type": "TypeError",
                                                                         "message": "*** is not a function"}},
                       "timestamp": T0 + len(paths) * 5000})
    return events


def open_viewer(context, servers, fragment=""):
    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda e: errors.append(str(e)))
    viewer.goto(f"{servers.collector_url}/viewer/#token={OPERATOR_TOKEN}" + (f"&{fragment}" if fragment else ""))
    viewer.wait_for_selector("#main:not([hidden])", timeout=15_000)
    return viewer, errors


def listed(viewer) -> list[str]:
    return viewer.eval_on_selector_all("#sessions tbody tr", "rows => rows.map(r => r.dataset.session)")


def test_search_in_the_viewer_finds_visits_by_their_pages_and_says_what_is_wrong(context, servers):
    prefix = "/op" + secrets.token_hex(4)
    bought = post_visit(servers, crafted(prefix, ["/cart", "/checkout", "/thank-you"]))
    left = post_visit(servers, crafted(prefix, ["/cart", "/checkout"], error=True))
    post_visit(servers, crafted(prefix, ["/home"]))
    viewer, errors = open_viewer(context, servers)
    viewer.fill("#search-visited", prefix + "/checkout")
    viewer.fill("#search-not-visited", prefix + "/thank-you")
    viewer.click("#search button[type=submit]")
    viewer.wait_for_function("s => [...document.querySelectorAll('#sessions tbody tr')].map(r => r.dataset.session).join() === s",
                             arg=left, timeout=15_000)
    viewer.fill("#search-not-visited", "")
    viewer.click("#search button[type=submit]")
    viewer.wait_for_function("() => document.querySelectorAll('#sessions tbody tr').length === 2", timeout=15_000)
    assert set(listed(viewer)) == {bought, left}
    viewer.fill("#search-visited", "checkout")  # not a path pattern
    viewer.click("#search button[type=submit]")
    viewer.wait_for_function("() => document.getElementById('search-error').textContent.length > 0", timeout=15_000)
    assert "starts with '/'" in viewer.inner_text("#search-error")
    assert set(listed(viewer)) == {bought, left}, "the list keeps what it showed"
    assert errors == []


def test_the_digest_in_the_viewer_reads_the_visit_and_jumps_the_replay(context, servers):
    session = post_visit(servers, crafted("/digest" + secrets.token_hex(3), ["/checkout"], error=True))
    viewer, errors = open_viewer(context, servers, f"session={session}")
    viewer.wait_for_function("s => window.veilViewer && window.veilViewer.session === s && window.veilViewer.digest > 0",
                             arg=session, timeout=15_000)
    lines = viewer.eval_on_selector_all("#digest li .line", "els => els.map(e => e.textContent)")
    assert lines[1] == "clicked button 'Pay'" and lines[2] == "error 'TypeError': '*** is not a function'"
    assert "1 click, 1 error" in viewer.inner_text("#digest-header")
    viewer.click("#digest li:nth-child(3) button")
    assert viewer.evaluate("window.veilViewer.jumpedTo") == 5000
    assert errors == []


def _record_clicks(context, servers, rage: bool) -> None:
    page = context.new_page()
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.click("button[type=submit]")
    page.click("#email")
    page.mouse.click(300, 40)  # the header
    if rage:
        for _ in range(4):
            page.mouse.click(200, 40)
        page.mouse.click(700, 300)  # a click elsewhere ends the burst: the rage click is judged
    page.evaluate("() => Veil.flush()")
    page.close()


def test_the_click_map_draws_many_visits_clicks_over_the_stored_page_masked_and_inert(context, servers):
    for rage in (False, False, True):
        _record_clicks(context, servers, rage)
    viewer, errors = open_viewer(context, servers)
    viewer.fill("#clickmap-page", "/")
    viewer.click("#clickmap-form button[type=submit]")
    # (Other tests record on this page too: at least this test's clicks, some of them in view.)
    viewer.wait_for_function("() => window.veilViewer && window.veilViewer.clickmap && window.veilViewer.clickmap.points >= 15 "
                             "&& window.veilViewer.clickmap.drawn >= 3", timeout=30_000)
    summary = viewer.inner_text("#clickmap-summary")
    assert "clicks from" in summary and "drawn on / as a" in summary
    frame = viewer.frame_locator("#clickmap iframe")
    text = frame.locator("body").inner_text()
    # Drawn as stored: the site's own words (its site-text list) read, what the server filled in for
    # this visitor masked.
    assert "Acme Outdoor Supply" in text and "****" in text
    assert not [word for word in SERVER_FILLED if word in text], "the page is drawn as stored: masked"
    assert viewer.locator("#clickmap .click-dot.rage").count() >= 1
    assert viewer.evaluate("window.__pwned") is None
    assert viewer.locator("#clickmap-targets tbody tr").count() >= 1
    sandbox = viewer.eval_on_selector("#clickmap iframe", "f => f.getAttribute('sandbox')")
    assert "allow-scripts" not in (sandbox or ""), "the replayed page runs no script"
    before = viewer.evaluate("window.veilViewer.clickmap.scrollY")
    viewer.locator("#clickmap").scroll_into_view_if_needed()
    assert _wheel_until(viewer, 300, "y => window.veilViewer.clickmap.scrollY > y", before), "the wheel scrolls the map"
    assert _wheel_until(viewer, -300, "() => window.veilViewer.clickmap.scrollY === 0"), "and back"
    ARTIFACTS.mkdir(exist_ok=True)
    viewer.locator("#clickmap-panel").screenshot(path=str(ARTIFACTS / "clickmap.png"))
    assert errors == []


def _wheel_until(viewer, delta, condition, arg=None, seconds=20):
    """Wheel over the map until ``condition`` holds; the page may still be settling after a scroll
    into view (the layer's box moves), so each try aims at where the layer is now."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        viewer.mouse.move(*_centre(viewer, "#clickmap .clickmap-layer"))
        viewer.mouse.wheel(0, delta)
        try:
            viewer.wait_for_function(condition, arg=arg, timeout=2_000)
            return True
        except PlaywrightTimeout:
            continue
    return False


def _centre(page, selector):
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 200)


def _open_link(browser, url):
    """A colleague's browser: no operator token, only the link."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("() => window.veilViewer !== undefined", timeout=15_000)
    return context, page, errors


def test_a_share_link_opens_one_visit_is_audited_and_stops_when_revoked_or_expired(context, browser, servers):
    session = post_visit(servers, crafted("/share" + secrets.token_hex(3), ["/checkout"]))
    viewer, errors = open_viewer(context, servers, f"session={session}")
    viewer.wait_for_selector("#sharing:not([hidden])", timeout=15_000)
    viewer.click("#share-form button[type=submit]")
    viewer.wait_for_selector("#share-url:not([hidden])", timeout=15_000)
    url = viewer.input_value("#share-url")
    assert "#share=" in url and "token" not in url

    colleague, shared, shared_errors = _open_link(browser, url)
    shared.wait_for_function("s => window.veilViewer.session === s && window.veilViewer.player", arg=session, timeout=15_000)
    assert "share=" not in shared.url, "the link's token leaves the address bar"
    assert shared.is_visible("#shared-banner") and "view only, this visit only" in shared.inner_text("#shared-banner")
    assert shared.is_hidden("#visits-section") and shared.is_hidden("#clickmap-panel")
    shared.wait_for_function("() => window.veilViewer.digest > 0", timeout=15_000)
    assert shared_errors == []
    colleague.close()

    viewer.reload()
    viewer.wait_for_function("() => document.querySelectorAll('#viewers li').length > 0 && "
                             "document.getElementById('viewers').textContent.includes('share link')", timeout=15_000)
    assert "opened it through a share link" in viewer.inner_text("#viewers")

    viewer.wait_for_selector("#share-links tbody button.revoke", timeout=15_000)
    viewer.click("#share-links tbody button.revoke")
    viewer.wait_for_function("() => !document.querySelector('#share-links tbody button.revoke')", timeout=15_000)
    colleague, refused, _ = _open_link(browser, url)
    refused.wait_for_selector(".shared-refused", timeout=15_000)
    assert "this share link was revoked" in refused.inner_text(".shared-refused")
    colleague.close()

    answer = httpx2.post(f"{servers.collector_url}/v1/sessions/{session}/shares", json={"hours": 1},
                         headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"}, timeout=10).json()
    storage = servers.collector_app.state.collector.storage
    storage._change("UPDATE share_links SET expires_at = ? WHERE id = ?", (time.time() - 1, answer["id"]))
    colleague, expired, _ = _open_link(browser, servers.collector_url + answer["url"])
    expired.wait_for_selector(".shared-refused", timeout=15_000)
    assert "this share link has expired" in expired.inner_text(".shared-refused")
    colleague.close()
    assert errors == []
