"""The loader snippet (shim/loader.js, the README's recommended snippet): Veil never holds up the
page's load event, calls made before veil.js arrives are replayed in order with their promises
settled, and a veil.js that cannot be loaded rejects them all without an error in the page and
without a byte sent.

Pages are the demo page (it uses the loader), or pages with the real snippet (shim/loader.js and
the manifest's integrity of veil.js) served with the collector on one origin (test_visit's Site;
a Playwright route for the page would intercept the context's requests, keepalive POSTs included).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route

from veil_collector.app import CollectorSettings, create_app
from examples.demo.servers import DistFiles, _ThreadedServer, free_port

from tests.browser.conftest import BOOT_TIMEOUT_MS, wait_recording
from tests.browser.test_visit import TOKEN, Site
from tests.helpers import load_build

loader_snippet = load_build().loader_snippet

# Every request to dist/, in ms after the load event ended (negative: before it ended).
AFTER_LOAD = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return performance.getEntriesByType('resource').filter(r => r.name.includes('/static/veil/'))
    .map(r => [r.name.split('/static/veil/')[1], r.startTime - nav.loadEventEnd]);
}"""


CALLS = {
    # opt-in: only a replayed start(), after the replayed init(), records.
    "replayed": """
Veil.on("error", function (e) { log.push("error:" + e.where + ": " + e.message); });
Veil.init(config).then(function () { log.push("init"); }, function (e) { log.push("init failed: " + e.message); });
Veil.start().then(function (r) { log.push("start:" + r.recording); }, function (e) { log.push("start failed: " + e.message); });
""",
    # not-required: init() alone would record; the replayed stop() after it must keep it stopped.
    "stopped": """
config.consent = "not-required";
Veil.init(config).then(function () { log.push("init"); });
Veil.stop().then(function () { log.push("stop"); });
""",
    # opt-in: start() then stop(), both queued: the stop wins, nothing is sent.
    "start-then-stop": """
Veil.init(config).then(function () { log.push("init"); });
Veil.start().then(function () { log.push("start settled"); }, function () { log.push("start settled"); });
Veil.stop().then(function () { log.push("stop"); });
""",
    "wrong-integrity": """
Veil.on("error", function () { log.push("listener called"); });
Veil.init(config).catch(function (e) { log.push("init: " + e.message); });
Veil.start().catch(function (e) { log.push("start: " + e.message); });
""",
}
WRONG = "sha384-" + base64.b64encode(bytes(48)).decode()


def loader_page(calls: str, integrity: str) -> str:
    """A page that inlines the loader, then runs ``calls`` at once (before veil.js can have
    arrived), noting what window.Veil answered then."""
    config = {"endpoint": "/v1/batches", "clientToken": TOKEN, "consent": "opt-in"}
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>loader</title></head><body>
<label for="name">Name</label><input id="name"><p>ZQLOADERTEXT</p>
<script>
{loader_snippet(integrity)}
window.log = [];
window.kept = Veil;
window.before = {{ status: Veil.status, version: Veil.version, stats: JSON.stringify(Veil.stats()) }};
var config = {json.dumps(config)};
{calls}
</script></body></html>"""


@pytest.fixture(scope="module")
def site(dist, tmp_path_factory):
    """The loader pages, dist/ and the real collector on one origin (tests/browser/test_visit.py)."""
    integrity = json.loads((dist / "manifest.json").read_text())["files"]["veil.js"]["sha384"]
    pages = {name: loader_page(calls, WRONG if name == "wrong-integrity" else integrity) for name, calls in CALLS.items()}
    with Site(dist, tmp_path_factory.mktemp("loader") / "loader.sqlite3", pages) as running:
        yield running


def sent(capture) -> list[str]:
    return [u for u in capture.requests if "/v1/" in u]


def test_the_demo_page_requests_nothing_of_veil_before_its_load_event_ended(page, servers):
    # A load event that takes a while (a slow load listener): veil.js must wait for its end, not race it.
    page.add_init_script("window.addEventListener('load', () => { const t = performance.now(); while (performance.now() - t < 300); });")
    page.goto(servers.site_url + "/")
    assert page.evaluate("Veil.status") == "loading"  # the stub: veil.js is not there yet
    wait_recording(page)
    requests = page.evaluate(AFTER_LOAD)
    assert any(name == "veil.js" for name, _ in requests), requests
    assert any(name.endswith("veil-observer.mjs") for name, _ in requests), requests
    early = [(name, round(ms, 1)) for name, ms in requests if ms < 0]
    assert early == [], f"requested before the load event ended: {early}"
    assert page.evaluate("document.querySelectorAll('script[src]').length") == 0, "the loader's script element stayed"


def test_init_on_and_start_called_before_veil_js_arrived_are_replayed_in_order_and_a_batch_is_stored(page, site, capture):
    page.goto(site.url + "/pages/replayed")
    assert page.evaluate("before") == {"status": "loading", "version": None, "stats": "{}"}
    wait_recording(page)  # opt-in: only the replayed start() (after the replayed init) records
    page.wait_for_function("log.length >= 2", timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("log") == ["init", "start:true"]
    # The reference kept from before forwards to the real, frozen Veil.
    assert page.evaluate("[kept !== Veil, kept.status, kept.version === Veil.version, Object.isFrozen(Veil)]") == [
        True, "recording", True, True]
    page.fill("#name", "Loaderword")
    assert page.evaluate("() => Veil.flush()")["sent"] is True
    session = page.evaluate("JSON.parse(sessionStorage.getItem('veil:session')).id")
    events = site.get(f"/v1/sessions/{session}/events")
    assert any(e["type"] == 2 for e in events), "the full snapshot is stored"
    text = json.dumps(events)
    assert "ZQLOADERTEXT" not in text and "Loaderword" not in text
    assert capture.page_errors == []


def test_a_stop_queued_after_init_is_replayed_after_it_and_nothing_is_recorded_or_sent(page, site, capture):
    page.goto(site.url + "/pages/stopped")
    page.wait_for_function("log.length >= 2", timeout=BOOT_TIMEOUT_MS)
    assert sorted(page.evaluate("log")) == ["init", "stop"]
    page.wait_for_timeout(300)
    page.evaluate("() => Veil.flush()")
    assert page.evaluate("Veil.status") == "stopped"
    assert sent(capture) == []
    assert capture.page_errors == []


def test_a_stop_queued_after_start_wins_and_nothing_is_sent(page, site, capture):
    page.goto(site.url + "/pages/start-then-stop")
    page.wait_for_function("log.length >= 3", timeout=BOOT_TIMEOUT_MS)
    page.wait_for_timeout(300)
    page.evaluate("() => Veil.flush()")
    assert page.evaluate("Veil.status") == "stopped"
    assert sent(capture) == []


def test_a_wrong_integrity_rejects_every_queued_call_sends_nothing_and_throws_nothing(page, site, capture):
    page.goto(site.url + "/pages/wrong-integrity")
    page.wait_for_function("Veil.status === 'failed'", timeout=10_000)
    page.wait_for_function("log.length >= 2")
    message = "Veil: /static/veil/veil.js did not load (network error, integrity mismatch, or not veil.js)"
    assert page.evaluate("log") == ["init: " + message, "start: " + message]
    # Calls after the failure reject too; stats() and on() stay harmless.
    later: dict[str, Any] = page.evaluate("""() => Veil.flush().then(() => 'resolved', e => e.message)
        .then(flushed => ({ flushed, stats: JSON.stringify(Veil.stats()), version: Veil.version }))""")
    assert later == {"flushed": message, "stats": "{}", "version": None}
    page.wait_for_timeout(300)
    assert [u for u in capture.requests if "/static/veil/" in u] == [site.url + "/static/veil/veil.js"]
    assert sent(capture) == []
    assert capture.page_errors == []


def test_the_loader_records_under_a_strict_csp_that_allows_its_inline_script_by_hash(browser, dist, tmp_path):
    integrity = json.loads((dist / "manifest.json").read_text())["files"]["veil.js"]["sha384"]
    config = json.dumps({"endpoint": "/v1/batches", "clientToken": TOKEN, "consent": "not-required"})
    script = "\n" + loader_snippet(integrity) + f"Veil.init({config});\n"
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    # The README's policy, with the inline script's hash: no 'unsafe-inline', no 'unsafe-eval'.
    csp = f"script-src 'self' 'wasm-unsafe-eval' 'sha256-{digest}'; worker-src 'self'; connect-src 'self'"
    html = f"<!doctype html><html><body><p>Hello</p><script>{script}</script></body></html>"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    collector = create_app(CollectorSettings(db_path=tmp_path / "csp.sqlite3", client_token=TOKEN, allowed_origins=(url,)))

    async def page_route(request: Request) -> HTMLResponse:
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})

    server = _ThreadedServer(Starlette(routes=[Route("/page", page_route), Mount("/static/veil", DistFiles(directory=dist)),
                                               Mount("/", collector)]), port)
    server.start()
    context = browser.new_context()
    try:
        violations: list[str] = []
        page = context.new_page()
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(url + "/page")
        # A function, not a string: Playwright evaluates strings with eval, which this policy forbids.
        page.wait_for_function("() => window.Veil && Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
        flushed = page.evaluate("() => Veil.flush()")
        assert collector.state.store.totals()["batches"] >= 1, flushed
        assert violations == []
    finally:
        context.close()
        server.stop()
