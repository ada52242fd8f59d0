"""The demo page, recorded in real Chromium: what left the page, and how it replays."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.browser.conftest import replay, wait_recording
from tests.helpers import stored_events

TYPED = {
    "#name": "Ada Lovelace",
    "#email": "ada.lovelace@analytical.example",
    "#card": "4111 1111 1111 1111",
    "#message": "Leave it with Charles Babbage next door",
}
# What the server filled in for this visitor (examples/demo/servers.py DEMO_VISITOR), and what the
# site-text list must not show though the page carries it (a PII-like placeholder, a mailto: URL).
DISPLAYED = ["Margaret Hamilton", "A-7731-2290", "Wallaby Way", "Trail tent", "Sleeping bag", "$189.00",
             "you@example.com", "support@acme.example", "1234 5678"]
# The page's own words: its site-text list (examples/demo/veil-site-text.json) shows them.
SITE_TEXT = ["Acme Outdoor Supply", "Shipping and payment", "Full name", "Card number", "Place order", "Your basket",
             "Standard (5-7 days)", "Express (1-2 days)", "Jane Appleseed", "We send the receipt here", "Courier message",
             "Thank you, your order is confirmed."]


def fill_demo(page) -> None:
    for selector, value in TYPED.items():
        page.click(selector)
        page.keyboard.type(value, delay=5)
    page.select_option("#plan", "express")
    page.click("button[type=submit]")


def test_demo_records_masked_and_replays(page, servers, capture, context):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    fill_demo(page)
    page.wait_for_function("document.getElementById('thanks').textContent.length > 0")
    result = page.evaluate("() => Veil.flush()")
    assert result["sent"] is True and result["status"] == 200

    wire = capture.wire_text()
    assert capture.bodies, "nothing was sent"
    for secret in list(TYPED.values()) + DISPLAYED + ["express"]:
        assert secret not in wire, f"{secret!r} left the page"
    # A card number's groups as words: inside a timestamp or an id, "4111" is no leak.
    assert re.search(r"\b(4111|1111|Lovelace|Babbage)\b", wire) is None
    for word in SITE_TEXT:
        assert word in wire, f"{word!r}, the page's own words, was not shown"
    assert "Order #******** for ********." in wire and "Delivered to ********." in wire  # the template's slots

    events = capture.events()
    types = [e["type"] for e in events]
    assert types[:2] == [4, 2], "a meta event and a full snapshot come first"
    assert any(e["type"] == 3 and e["data"]["source"] == 5 for e in events), "input events were recorded"
    assert any(e["type"] == 3 and e["data"]["source"] == 2 for e in events), "clicks were recorded"

    # The collector stored exactly what was sent.
    session = capture.batches()[0]["session"]
    stored = stored_events(servers.collector_app.state.store, session)
    assert stored == events

    shown = replay(context, servers, events)
    assert shown["errors"] == []
    assert not [w for w in shown["warnings"] if "Node with id" in w or "not found" in w]
    html = shown["html"]
    for element_id in ("name", "email", "card", "plan", "message", "checkout"):
        assert f'id="{element_id}"' in html, f"#{element_id} missing from the replay"
    assert "****" in shown["text"]
    assert "Acme Outdoor Supply" in shown["text"] and "Place order" in shown["text"]  # the replay reads
    for secret in DISPLAYED[:5]:
        assert secret not in shown["text"]


def test_runtime_comes_only_from_dist_and_data_only_to_the_endpoint(page, servers, capture):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.evaluate("() => Veil.flush()")
    allowed = {urlsplit(servers.site_url).netloc, urlsplit(servers.collector_url).netloc}
    hosts = {urlsplit(url).netloc for url in capture.requests}
    assert hosts <= allowed, hosts
    collector_requests = [u for u in capture.requests if u.startswith(servers.collector_url)]
    assert collector_requests and all(u == servers.endpoint for u in collector_requests)
    veil_files = [u for u in capture.requests if "/static/veil/" in u]
    assert any(u.endswith(".wasm") for u in veil_files) and any(u.endswith("veil-0.1.0-py3-none-any.whl") for u in veil_files)


def test_status_and_start_result(page, servers):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    assert page.evaluate("() => Veil.start()") == {"recording": True}
    page.evaluate("() => Veil.stop()")
    assert page.evaluate("() => Veil.status") == "stopped"


def test_dom_changes_after_start_are_masked_and_replayed(page, servers, capture, context):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.evaluate(
        """() => {
            const p = document.createElement('p');
            p.id = 'late';
            p.title = 'Tooltip Grace Hopper';
            p.textContent = 'Late text for Grace Hopper';
            document.querySelector('aside').appendChild(p);
            document.querySelector('h1').textContent = 'Renamed Store Hopper';
            document.querySelector('#name').setAttribute('placeholder', 'Placeholder Hopper');
            document.querySelector('aside a').remove();
        }"""
    )
    page.evaluate("() => Veil.flush()")
    assert "Hopper" not in capture.wire_text()
    shown = replay(context, servers, capture.events())
    assert 'id="late"' in shown["html"]
    assert "Contact support" not in shown["text"] and "mailto" not in shown["html"]
    assert "**** **** *** ***** ******" in shown["text"], shown["html"][-3000:]
