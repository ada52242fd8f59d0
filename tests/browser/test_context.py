"""Debugging context in Chromium: record on error (buffer mode), error events, frustration signals.

Buffer mode must send nothing at all before its trigger (every request the context made is
inspected), then exactly the buffer, starting from a full snapshot, then the rest of the session.
Error messages quote what the visitor typed: under the default level it never leaves.
"""

from __future__ import annotations

import json
import urllib.request

from tests.browser.conftest import OPERATOR_TOKEN, inject_veil, wait_recording

PAGE = "/test-assets/context.html"


def to_collector(capture, servers):
    return [u for u in capture.requests if u.startswith(servers.collector_url)]


def stored(servers, session):
    request = urllib.request.Request(f"{servers.collector_url}/v1/sessions/{session}/events",
                                     headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def custom(events, tag):
    return [e["data"]["payload"] for e in events if e["type"] == 5 and e["data"]["tag"] == tag]


def start_buffered(page, servers):
    page.goto(servers.site_url + PAGE)
    page.wait_for_load_state("load")
    assert inject_veil(page, servers, {"recordingMode": "on-error"}) == {"recording": True}
    wait_recording(page)


def test_buffer_mode_sends_nothing_until_capture_then_the_buffer_then_the_rest(page, servers, capture):
    start_buffered(page, servers)
    page.fill("#dob", "zq-typed-1985")
    page.click("#works")
    page.evaluate("() => Veil.flush()")
    page.wait_for_timeout(300)
    assert to_collector(capture, servers) == [] and capture.bodies == [], "nothing leaves before a trigger"

    assert page.evaluate("() => Veil.capture('checkout failed for ada@example.com')") == {"captured": True}
    page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0", timeout=15_000)
    first = capture.batches()[0]
    assert first["seq"] == 0 and [e["type"] for e in first["events"][:2]] == [4, 2], "the buffer starts from a full snapshot"
    (captured,) = custom(capture.events(), "veil:error")
    assert captured["kind"] == "capture" and captured["type"] == "capture"
    assert captured["message"] == "******** ****** *** ***************"
    assert any(e["type"] == 3 and e["data"].get("source") == 5 for e in first["events"]), "the buffer holds what came before"

    page.click("#works")  # recording goes on after the trigger
    sent_before = len(capture.bodies)
    page.evaluate("() => Veil.flush()")
    assert len(capture.bodies) > sent_before
    capture.assert_not_sent("zq-typed-1985", "ada@example.com")

    events = stored(servers, first["session"])
    assert [e["type"] for e in events[:2]] == [4, 2], "the stored replay starts with a full snapshot"


def test_an_uncaught_error_sends_the_buffer_with_its_message_masked(page, servers, capture):
    start_buffered(page, servers)
    page.fill("#dob", "zq-1985-02-03")
    page.wait_for_timeout(200)
    page.evaluate("() => Veil.flush()")
    assert to_collector(capture, servers) == []
    page.click("#fail")  # throws TypeError("Invalid date provided: zq-1985-02-03")
    page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0", timeout=15_000)
    page.click("#reject")
    page.wait_for_timeout(200)
    page.evaluate("() => Veil.flush()")
    errors = custom(capture.events(), "veil:error")
    assert [(e["kind"], e["type"]) for e in errors] == [("error", "TypeError"), ("unhandledrejection", "RangeError")]
    assert errors[0]["message"] == "******* **** ********* *************"
    assert errors[0]["frames"] and errors[0]["frames"][0]["fn"] in ("HTMLButtonElement.onclick", "onclick")
    capture.assert_not_sent("zq-1985-02-03", "Invalid date", "zq-reject-secret")
    assert capture.batches()[0]["events"][0]["type"] == 4
    # The rest of the session records from its start: a new page of it is not buffered.
    assert page.evaluate("() => JSON.parse(sessionStorage.getItem('veil:session') || 'null')")["buffer"] is False


def test_a_stop_discards_the_buffer_unsent(page, servers, capture):
    start_buffered(page, servers)
    page.click("#works")
    page.evaluate("() => Veil.stop()")
    page.evaluate("() => Veil.capture('after stop')")
    page.wait_for_timeout(300)
    assert to_collector(capture, servers) == []


def test_rage_dead_and_error_clicks_are_marked(page, servers, capture):
    page.goto(servers.site_url + PAGE)
    page.wait_for_load_state("load")
    inject_veil(page, servers, {"consent": "not-required"})
    wait_recording(page)
    for _ in range(4):
        page.click("#dead", delay=10)
    page.wait_for_timeout(2300)  # the dead-click window
    page.mouse.move(5, 5)
    page.mouse.move(30, 30)
    page.click("#fail")
    page.wait_for_timeout(300)
    page.evaluate("() => Veil.flush()")
    kinds = [s["kind"] for s in custom(capture.events(), "veil:frustration")]
    assert "rage" in kinds and "dead" in kinds and "error" in kinds, kinds
    rage = next(s for s in custom(capture.events(), "veil:frustration") if s["kind"] == "rage")
    assert rage["clicks"] >= 3 and rage["id"] > 0


# Issue 27, item 6: a rage burst is closed only by a later event or the tick, so one the visitor ends
# by leaving (or the site by flushing) must be closed then, and leave with the last batch.

def rage_on_dead_button(page):
    for _ in range(4):
        page.click("#dead", delay=10)
    page.wait_for_timeout(600)  # the clicks' hand-over is masked, and the standby copy has the burst


def test_a_rage_burst_then_leaving_the_page_is_stored(page, servers, capture):
    page.goto(servers.site_url + PAGE)
    page.wait_for_load_state("load")
    inject_veil(page, servers, {"consent": "not-required"})
    wait_recording(page)
    session = page.evaluate("JSON.parse(sessionStorage.getItem('veil:session')).id")
    page.evaluate("() => Veil.flush()")
    rage_on_dead_button(page)
    page.goto(servers.site_url + "/test-assets/context.html?left")  # within a second of the last click
    page.wait_for_timeout(1000)
    rages = [s for s in custom(stored(servers, session), "veil:frustration") if s["kind"] == "rage"]
    assert len(rages) == 1 and rages[0]["clicks"] == 4 and rages[0]["id"] > 0, rages


def test_veil_flush_sends_a_rage_burst_still_open(page, servers, capture):
    page.goto(servers.site_url + PAGE)
    page.wait_for_load_state("load")
    inject_veil(page, servers, {"consent": "not-required"})
    wait_recording(page)
    page.evaluate("() => Veil.flush()")
    rage_on_dead_button(page)
    assert page.evaluate("() => Veil.flush()")["sent"] is True
    rages = [s for s in custom(capture.events(), "veil:frustration") if s["kind"] == "rage"]
    assert [r["clicks"] for r in rages] == [4]
    session = capture.batches()[0]["session"]
    assert [s["clicks"] for s in custom(stored(servers, session), "veil:frustration") if s["kind"] == "rage"] == [4]


def test_a_flush_before_the_trigger_says_the_events_are_buffered(page, servers, capture):
    """Issue 27, item 7: in on-error mode the buffer holds what was observed; a flush says so."""
    start_buffered(page, servers)
    page.click("#works")
    page.wait_for_timeout(300)
    assert page.evaluate("() => Veil.flush()") == {"sent": False, "reason": "buffered"}
    assert to_collector(capture, servers) == [], "and nothing left"


def post_batch(servers, session, events):
    import gzip

    body = gzip.compress(json.dumps({"session": session, "view": "00112233aabbccdd", "seq": 0, "events": events}).encode())
    request = urllib.request.Request(servers.endpoint, data=body, method="POST", headers={
        "Content-Type": "application/json", "Content-Encoding": "gzip", "X-Veil-Token": "demo-client-token"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_the_viewer_shows_every_context_channel_jumps_to_it_and_lists_sessions_by_it(context, servers):
    session = "c0ffee" + "0" * 26
    doc = {"type": 0, "id": 1, "childNodes": [{"type": 2, "id": 2, "tagName": "html", "attributes": {}, "childNodes": [
        {"type": 2, "id": 3, "tagName": "body", "attributes": {}, "childNodes": [{"type": 3, "id": 4, "textContent": "****"}]}]}]}

    def custom(ts, tag, payload):
        return {"type": 5, "data": {"tag": tag, "payload": payload}, "timestamp": ts}

    t0 = 1_700_000_000_000
    post_batch(servers, session, [
        {"type": 4, "data": {"href": "https://shop.example/", "width": 800, "height": 600}, "timestamp": t0},
        {"type": 2, "data": {"node": doc, "initialOffset": {"top": 0, "left": 0}}, "timestamp": t0 + 1},
        custom(t0 + 2000, "veil:console", {"level": "warn", "message": "**** *******"}),
        custom(t0 + 3000, "veil:network", {"initiator": "fetch", "method": "POST", "url": "https://api.example/pay?token=***",
                                           "status": 500, "durationMs": 120, "requestBytes": 20, "responseBytes": 30}),
        custom(t0 + 4000, "veil:error", {"kind": "error", "type": "TypeError", "message": "******* ****",
                                         "frames": [{"fn": "pay", "file": "https://shop.example/app.js", "line": 3, "col": 9}]}),
        custom(t0 + 5000, "veil:frustration", {"kind": "rage", "id": 3, "x": 10, "y": 20, "clicks": 4}),
        custom(t0 + 6000, "veil:frustration", {"kind": "dead", "id": 3, "x": 10, "y": 20}),
        {"type": 3, "data": {"source": 3, "id": 1, "x": 0, "y": 0}, "timestamp": t0 + 10_000},
    ])
    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda e: errors.append(str(e)))
    viewer.goto(f"{servers.collector_url}/viewer/#session={session}&token={OPERATOR_TOKEN}")
    viewer.wait_for_function("s => window.veilViewer && window.veilViewer.session === s", arg=session, timeout=15_000)
    lines = viewer.locator("#context li .line").all_inner_texts()
    assert lines == ["**** *******", "POST https://api.example/pay?token=*** → 500 · 120 ms · ↑20 B ↓30 B",
                     "TypeError: ******* ****", "rage click ×4 on <body>", "dead click on <body>"]
    assert viewer.locator("#marks .mark").count() == 3  # the error and both frustration signals
    viewer.locator("#context li.error .jump").click()
    assert viewer.evaluate("window.veilViewer.jumpedTo") == 4000
    viewer.locator("#channels button[data-channel=network]").click()
    assert viewer.locator("#context li:not([hidden])").count() == 1
    row = viewer.locator(f"#sessions tr[data-session='{session}'] td")
    assert row.nth(5).inner_text() == "1" and row.nth(6).inner_text() == "2"
    viewer.check("#only-errors")
    viewer.wait_for_function("() => [...document.querySelectorAll('#sessions tbody tr')].every(r => r.children[5].textContent !== '0')")
    assert errors == []
