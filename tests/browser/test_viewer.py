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
