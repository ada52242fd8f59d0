"""The replay viewer in Chromium: a recorded demo session plays to the end, masked, in the form's
layout, and nothing the recording carried can run. The screenshot is kept in test-artifacts/."""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS, OPERATOR_TOKEN, wait_recording

HOSTILE = """() => {
  const img = document.createElement('img');
  img.setAttribute('src', '/does-not-exist.png');
  img.setAttribute('onerror', 'window.top.__pwned = "onerror"');
  document.body.appendChild(img);
  const script = document.createElement('script');
  script.textContent = 'window.top.__pwned = "script"';
  document.body.appendChild(script);
  window.__pwned = undefined;  // the live page ran them; only the replay matters here
}"""


def test_viewer_plays_the_masked_session_to_the_end_and_runs_nothing(page, servers, capture, context):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.fill("#name", "Grace Hopper")
    page.fill("#email", "grace@navy.example")
    page.evaluate(HOSTILE)
    page.mouse.move(200, 200)
    page.mouse.click(200, 200)
    page.evaluate("() => Veil.flush()")
    session = capture.batches()[0]["session"]

    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda e: errors.append(str(e)))
    viewer.goto(f"{servers.collector_url}/viewer/#session={session}&token={OPERATOR_TOKEN}")
    viewer.wait_for_function("s => window.veilViewer && window.veilViewer.session === s", arg=session, timeout=15_000)
    assert "token" not in viewer.url, "the operator token must leave the address bar"
    viewer.evaluate("""() => {
        const p = window.veilViewer.player;
        p.goto(p.getMetaData().totalTime, false);
    }""")
    viewer.wait_for_timeout(500)
    frame = viewer.frame_locator(".rr-player iframe")
    body_text = frame.locator("body").inner_text()
    assert "Grace" not in body_text and "Margaret" not in body_text
    assert "Acme Outdoor Supply" in body_text  # the demo's own words (its site-text list)
    assert "****" in body_text
    assert frame.locator("#name").count() == 1 and frame.locator("#checkout").count() == 1
    assert frame.locator("#name").get_attribute("value") in ("********", None)
    assert frame.locator("input").evaluate_all("els => els.map(e => e.value)").count("Grace Hopper") == 0
    assert frame.locator("img.veil-placeholder, img").count() >= 1
    assert viewer.evaluate("window.__pwned") is None, "a recorded script or handler ran in the viewer"
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    viewer.screenshot(path=str(ARTIFACTS / "viewer.png"), full_page=True)
    assert (ARTIFACTS / "viewer.png").stat().st_size > 10_000


def test_viewer_without_the_operator_token_shows_no_data(context, servers):
    viewer = context.new_page()
    viewer.goto(f"{servers.collector_url}/viewer/")
    viewer.wait_for_selector("#login:not([hidden])")
    viewer.fill("#token", "wrong")
    viewer.click("#login button")
    viewer.wait_for_function("() => document.getElementById('login-error').textContent.length > 0")
    assert viewer.is_hidden("#main")


def _post_visit(servers, events) -> str:
    import gzip
    import json
    import secrets

    import httpx2

    from examples.demo.servers import DEMO_TOKEN

    session = secrets.token_hex(16)
    body = gzip.compress(json.dumps({"session": session, "view": "0123456789abcdef", "seq": 0, "events": events}).encode())
    answer = httpx2.post(servers.endpoint, content=body, timeout=10,
                         headers={"Content-Encoding": "gzip", "X-Veil-Token": DEMO_TOKEN})
    assert answer.status_code == 200, answer.text
    return session


META = {"type": 4, "data": {"href": "http://site.example/", "width": 800, "height": 600}, "timestamp": 1000}
HTML = {"type": 2, "id": 2, "tagName": "html", "attributes": {}, "childNodes": [
    {"type": 2, "id": 3, "tagName": "body", "attributes": {}, "childNodes": [{"type": 3, "id": 4, "textContent": "**** ****"}]}]}


def _full(node, ts=1001):
    return {"type": 2, "data": {"node": node, "initialOffset": {"top": 0, "left": 0}}, "timestamp": ts}


def test_a_malformed_snapshot_is_explained_and_the_list_and_other_replays_keep_working(context, servers):
    good = _post_visit(servers, [META, _full({"type": 0, "id": 1, "childNodes": [HTML]})])
    # Valid JSON of rrweb's shape, which the collector stores, but rrweb's rebuild throws on it:
    # a document without its list of children.
    broken = _post_visit(servers, [META, _full({"type": 0, "id": 1})])
    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda e: errors.append(str(e)))
    viewer.goto(f"{servers.collector_url}/viewer/#session={broken}&token={OPERATOR_TOKEN}")
    viewer.wait_for_function("s => window.veilViewer && window.veilViewer.session === s", arg=broken, timeout=15_000)
    viewer.wait_for_timeout(500)  # the player would throw on its first frame
    message = viewer.locator("#player .unplayable")
    assert message.is_visible()
    assert "cannot be replayed" in message.inner_text() and "full snapshot at 0:00.0" in message.inner_text()
    assert "cannot be played" in viewer.inner_text("#playing")
    assert errors == [], "the player was handed a snapshot it throws on"
    viewer.click(f"#sessions tbody tr[data-session='{good}']")
    viewer.wait_for_function("s => window.veilViewer.session === s && window.veilViewer.player", arg=good, timeout=15_000)
    assert viewer.locator("#player .unplayable").count() == 0
    frame = viewer.frame_locator(".rr-player iframe")
    assert "**** ****" in frame.locator("body").inner_text()
    assert viewer.locator(f"#sessions tbody tr[data-session='{broken}']").count() == 1, "the list keeps it"
    assert errors == []


def test_an_error_the_player_throws_while_replaying_is_explained_too(context, servers):
    # An incremental event the player chokes on only once it replays it (on a timer: no caller).
    click = {"type": 3, "data": {"source": 2, "type": "not-a-kind", "id": 3, "x": 1, "y": 1}, "timestamp": 1200}
    chokes = _post_visit(servers, [META, _full({"type": 0, "id": 1, "childNodes": [HTML]}), click])
    viewer = context.new_page()
    viewer.goto(f"{servers.collector_url}/viewer/#session={chokes}&token={OPERATOR_TOKEN}")
    viewer.wait_for_selector("#player .unplayable", timeout=15_000)
    assert "the player stopped on it" in viewer.inner_text("#player .unplayable")
    assert viewer.evaluate("window.veilViewer.player") is None
