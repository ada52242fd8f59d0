"""The viewer speaks in words, through the real viewer: clicks and rage clicks name their target
by its accessible name as recorded in clear, else by role and tag, never by a node id alone; the
name is read from what the collector stored, so a masked name is never shown."""

from __future__ import annotations

from tests.browser.conftest import OPERATOR_TOKEN, inject_veil, wait_recording

PAGE = "/test-assets/preview.html"


def test_context_entries_name_their_target_from_the_stored_replay(page, servers, capture, context):
    page.goto(servers.site_url + PAGE)
    inject_veil(page, servers, {"consent": "not-required", "allowText": ["Place order"]})
    wait_recording(page)
    for _ in range(3):
        page.click("#place", delay=10)  # site text, recorded in clear: named
    page.wait_for_timeout(1200)
    for _ in range(3):
        page.click("#title", delay=10)  # masked: its role and tag
    page.wait_for_timeout(1200)
    page.click("#name")
    page.wait_for_timeout(300)
    page.evaluate("() => Veil.flush()")
    session = capture.batches()[0]["session"]

    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda e: errors.append(str(e)))
    viewer.goto(f"{servers.collector_url}/viewer/#session={session}&token={OPERATOR_TOKEN}")
    viewer.wait_for_function("s => window.veilViewer && window.veilViewer.session === s", arg=session, timeout=15_000)
    lines = viewer.locator("#context li .line").all_inner_texts()
    assert "rage click ×3 on button 'Place order'" in lines, lines
    assert "rage click ×3 on heading <h1>" in lines, lines
    assert "click on button 'Place order'" in lines and "click on textbox <input>" in lines, lines
    assert not [line for line in lines if "node" in line], "never a node id alone"
    assert all("Acme" not in line and "Grace" not in line and "Full name" not in line for line in lines), lines
    viewer.locator("#channels button[data-channel=click]").click()
    assert viewer.locator("#context li:not([hidden])").count() == 7
    assert errors == []
