"""Site text in Chromium: with the list `python -m veil.allowlist` built from the page's own files,
the default level shows the page's words and nothing the visitor typed or the server filled in.

Judged on what the collector stored (decompressed, read back through its operator API): every
static string is shown, every planted secret (they start with zq) and typed value is absent and its
masked form present, a template's filled slot is masked to a fixed length, the visitor typing a
static string stays masked as typed (and so does its echo), and a list that cannot be used shows
nothing more, is counted in stats() and reported through Veil.on("error").
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import inject_veil, wait_recording
from tests.browser.test_context import stored
from veil import sitetext
from veil.masking import MASKED_VALUE as M

PAGE = "/test-assets/sitetext.html"
LIST = "/test-assets/sitetext-list.json"
# The page's static UI strings: its text nodes and content attributes, and its select's options.
STATIC = ["Checkout", "Your account", "Checkout steps", "Cart", "Shipping", "Payment", "Company logo", "Name", "Order",
          "Delivery note", "Anything we should know?", "Country", "Germany", "France", "Italy", "Place order"]
PLANTED = ["zqada", "lovelace", "zq-4417", "zqorder", "zqada@example.com"]
TYPED_NOTE = "Place order"  # the visitor types a static string into a field the page echoes
TYPED_REVIEW = "Place order zqreview"


def list_integrity(servers) -> str:
    with urllib.request.urlopen(servers.site_url + LIST, timeout=10) as response:
        return sitetext.integrity_of(response.read())


def record(page, servers, config: dict) -> str:
    page.goto(servers.site_url + PAGE)
    page.wait_for_selector("body[data-loaded=yes]")
    page.evaluate("() => { window.veilErrors = []; }")
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("() => Veil.on('error', (e) => window.veilErrors.push(e))")
    assert inject_veil(page, servers, config) == {"recording": True}
    wait_recording(page)
    page.fill("#note", TYPED_NOTE)
    page.focus("#editor")
    page.keyboard.press("End")
    page.keyboard.type(" " + TYPED_REVIEW, delay=2)
    page.wait_for_timeout(200)
    page.evaluate("() => Veil.flush()")
    page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0", timeout=15_000)
    session = page.evaluate("() => JSON.parse(sessionStorage.getItem('veil:session')).id")
    return json.dumps(stored(servers, session), ensure_ascii=False, separators=(",", ":"))


def texts(stored_json: str) -> list[str]:
    """Every text node's text and every mutation's text value in what was stored."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            if value.get("type") == 3 and isinstance(value.get("textContent"), str):
                found.append(value["textContent"])
            for key, item in value.items():
                if key == "texts" and isinstance(item, list):
                    found.extend(t["value"] for t in item if isinstance(t, dict) and isinstance(t.get("value"), str))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(stored_json))
    return found


def test_the_sites_own_words_are_shown_and_nothing_the_visitor_typed_or_was_sent(page, servers, capture):
    wire = record(page, servers, {"allowTextUrl": LIST, "allowTextIntegrity": list_integrity(servers)})
    folded = wire.lower()
    recorded = texts(wire)
    for text in ["Checkout", "Cart", "Shipping", "Payment", "Name", "Order", "Delivery note", "Country", "Germany", "France", "Italy",
                 "Place order"]:
        assert text in recorded, f"{text!r} was not shown"
    for name, value in [("title", "Your account"), ("aria-label", "Checkout steps"), ("alt", "Company logo"),
                        ("placeholder", "Anything we should know?")]:
        assert f'"{name}":"{value}"' in wire, f"{name}={value!r} was not shown"
    # The server filled these in for this visitor: masked, a template's slot to a fixed length.
    for secret in PLANTED:
        assert secret not in folded, f"{secret} left the page"
    assert f"Welcome back, {M}!" in recorded
    assert f"You have {M} items in your cart" in recorded
    assert "***** ********" in recorded  # the name cell, masked as today
    # What the visitor typed: the field's value, its echo and the editable region, all masked,
    # though the note is a static string of the list.
    assert "zqreview" not in folded
    inputs = [e["data"] for e in json.loads(wire) if e["type"] == 3 and e["data"].get("source") == 5]
    assert inputs and all(i["text"] in ("", M) for i in inputs)
    assert M in recorded, "the echo of the typed note was not recorded masked"
    assert recorded.count("Place order") == 1, "only the button's own text is shown: not the echo, the block or the editor"
    assert any(t.startswith("***** *****") for t in recorded), "the editable region was not masked"
    # A forced secret's placeholder and anything under block: never shown.
    assert "Your password" not in wire and "Terms of sale" not in wire
    assert '"placeholder":"**** ********"' in wire
    assert page.evaluate("() => Veil.stats().siteTextEntries") > 0
    assert page.evaluate("() => Veil.stats().siteTextFailures") == 0
    assert capture.page_errors == []


def test_veil_explain_names_the_rule_site_text(page, servers):
    page.goto(servers.site_url + PAGE)
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": servers.endpoint, "allowTextUrl": LIST, "allowTextIntegrity": list_integrity(servers)})
    button = page.evaluate("() => Veil.explain(document.getElementById('order'))")
    assert button["text"] == {"rule": "site text", "shown": "clear"}
    assert button["content"] == {"title": {"rule": "site text", "shown": "clear"}}
    assert any("site text" in reason for reason in button["reasons"])
    assert page.evaluate("() => Veil.explain(document.getElementById('name-cell'))")["text"] == {"rule": "level mask", "shown": "masked"}
    assert page.evaluate("() => Veil.explain(document.getElementById('welcome'))")["text"] == {"rule": "site text", "shown": "template"}
    assert page.evaluate("() => Veil.explain(document.getElementById('password'))")["content"]["placeholder"]["rule"] == "forced secret"


@pytest.mark.parametrize("case", ["wrong integrity", "missing file", "too large"])
def test_a_list_that_cannot_be_used_shows_nothing_more_and_is_reported(case, page, servers, capture):
    right = list_integrity(servers)
    config = {
        "wrong integrity": {"allowTextUrl": LIST, "allowTextIntegrity": sitetext.integrity_of(b"another list")},
        "missing file": {"allowTextUrl": "/test-assets/no-such-list.json", "allowTextIntegrity": right},
        "too large": {"allowTextUrl": "/test-assets/sitetext-huge.json", "allowTextIntegrity": right},
    }[case]
    wire = record(page, servers, config)
    recorded = texts(wire)
    for text in STATIC:
        assert text not in recorded and f'"{text}"' not in wire, f"{text!r} was shown although the list was not used ({case})"
    for secret in PLANTED:
        assert secret not in wire.lower()
    assert "******** ****" in recorded  # "Delivery note", masked as without a list
    assert page.evaluate("() => Veil.stats().siteTextFailures") == 1
    assert page.evaluate("() => Veil.stats().siteTextEntries") == 0
    errors = page.evaluate("() => window.veilErrors")
    assert [e["where"] for e in errors] == ["site-text"]
    assert "allowTextUrl" in errors[0]["message"]
    assert capture.page_errors == []
