"""Interaction capture in real Chromium: real keystrokes, clicks, pointer, scroll and resize.

What leaves must show how the page was used, never what was typed: only named keys keep their
identity, character keys typed into fields are not recorded at all (tests/browser/test_echo.py
holds that their number cannot be read), and the replay shows the pointer moving and clicking and
the page scrolled.
"""

from __future__ import annotations

import re

from tests.browser.conftest import inject_veil, replay, wait_recording

NAMED = {"Enter", "Tab", "Escape", "Backspace", "Delete", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight",
         "Home", "End", "PageUp", "PageDown"}


def keys_sent(events):
    return [e["data"]["payload"] for e in events if e["type"] == 5 and e["data"]["tag"] == "veil:key"]


def test_keystrokes_are_redacted_everywhere_and_never_leak(page, servers, capture, context):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.click("#name")
    page.keyboard.type("zqinput", delay=5)
    page.keyboard.press("Backspace")
    page.keyboard.press("Tab")
    page.click("#message")
    page.keyboard.type("zqtextarea", delay=5)
    page.keyboard.press("Enter")
    page.click("#gift-note")
    page.keyboard.type("zqeditable", delay=5)
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.type("zqbody", delay=5)
    page.keyboard.press("Escape")
    page.evaluate("() => Veil.flush()")

    wire = capture.wire_text()
    for typed in ("zqinput", "zqinpu", "zqtextarea", "zqeditable", "zqbody"):
        assert typed not in wire
    keys = keys_sent(capture.events())
    assert keys, "no keystroke was recorded"
    assert {k["key"] for k in keys} <= NAMED | {"*", None}
    assert {"Backspace", "Enter", "Escape"} <= {k["key"] for k in keys}
    assert all(set(k) <= {"id", "key", "alt", "ctrl", "meta", "shift"} for k in keys), "code/keyCode must never leave"
    assert not re.search(r'"(code|keyCode|which|charCode)"', wire)
    # The contenteditable's text is masked in the mutations too.
    assert "zqeditable" not in wire


def test_secret_fields_and_blocked_regions_carry_no_key_identity(page, servers, capture):
    page.goto(f"{servers.site_url}/test-assets/adversarial.html")
    page.wait_for_load_state("load")
    inject_veil(page, servers, {"defaultPrivacy": "allow"})
    page.click("#pw")
    page.keyboard.type("zqsecret", delay=5)
    page.keyboard.press("Enter")
    page.click("[data-veil=block] input")
    page.keyboard.type("zqblocked", delay=5)
    page.keyboard.press("Enter")
    page.evaluate("() => Veil.flush()")
    keys = keys_sent(capture.events())
    # The typed characters left no event at all; each Enter left only the fact it happened.
    assert len(keys) == 2 and keys[1] == {"key": None}, keys
    assert set(keys[0]) == {"id", "key"} and keys[0]["key"] is None, keys
    wire = capture.wire_text()
    assert "zqsecret" not in wire and "zqblocked" not in wire
    # Clicks in the blocked region name the placeholder (or nothing), never the input inside it.
    actions = [e["data"]["payload"] for e in capture.events() if e["type"] == 5 and e["data"]["tag"] == "veil:action"]
    assert all("ZQBLOCK" not in a["name"] for a in actions)


def test_action_names_follow_the_target_level(page, servers, capture):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.click("button[type=submit]")
    page.evaluate("() => Veil.flush()")
    names = [e["data"]["payload"]["name"] for e in capture.events() if e["type"] == 5 and e["data"]["tag"] == "veil:action"]
    # "Place order" is in the demo's site-text list: shown at the default level, as the button's text is.
    assert "Place order" in names


def test_typing_a_word_sends_its_final_value_once(page, servers, capture):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.click("#name")
    page.keyboard.type("abcdefgh", delay=5)
    page.evaluate("() => Veil.flush()")
    inputs = [e for e in capture.events() if e["type"] == 3 and e["data"]["source"] == 5]
    assert len(inputs) == 1


def test_session_replays_with_pointer_clicks_and_scroll(page, servers, capture, context):
    page.set_viewport_size({"width": 900, "height": 600})
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.mouse.move(50, 50)
    page.mouse.move(400, 300, steps=20)
    page.mouse.click(400, 300)
    page.click("#email")
    page.keyboard.type("someone@example.com", delay=5)
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(300)
    page.set_viewport_size({"width": 700, "height": 500})
    page.mouse.move(321, 123, steps=5)
    page.wait_for_timeout(800)
    page.evaluate("() => Veil.flush()")

    events = capture.events()
    sources = [e["data"]["source"] for e in events if e["type"] == 3]
    assert {1, 2, 3, 4, 5} <= set(sources)
    moves = [p for e in events if e["type"] == 3 and e["data"]["source"] == 1 for p in e["data"]["positions"]]
    assert 2 <= len(moves) < 40, "pointer paths are thinned, not dropped"
    assert "someone@example.com" not in capture.wire_text()

    shown = replay(context, servers, events)
    assert shown["errors"] == []
    assert shown["mouse"] == {"left": 321, "top": 123}
    assert shown["scrollTop"] > 0
