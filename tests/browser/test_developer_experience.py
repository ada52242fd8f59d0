"""Developer experience in Chromium: the documented CSP, SRI, the ES-module entry, debug output,
Veil.explain, and errors that never break the host page."""

from __future__ import annotations

import json
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from veil_collector.app import CollectorSettings, create_app
from examples.demo.servers import DEMO_TOKEN, _ThreadedServer, free_port
from tests.browser.conftest import BOOT_TIMEOUT_MS, wait_recording

PAGE = "/test-assets/replay.html"


def csp_for(collector_origin: str) -> str:
    """Exactly the policy the README documents (with the demo collector's origin)."""
    return f"script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self' {collector_origin}"


def test_veil_records_under_the_documented_csp_with_sri_and_the_module_entry(browser, dist, tmp_path):
    manifest = json.loads((dist / "manifest.json").read_text())
    integrity = manifest["files"]["veil.js"]["sha384"]
    site_port, collector_port = free_port(), free_port()
    site, collector_url = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{collector_port}"
    collector = create_app(CollectorSettings(db_path=tmp_path / "csp.sqlite3", client_token=DEMO_TOKEN, allowed_origins=(site,)))
    init_js = f"""Veil.init({{endpoint: "{collector_url}/v1/batches", clientToken: "{DEMO_TOKEN}", consent: "not-required"}});"""
    module_js = "import Veil from '/static/veil/veil.mjs'; window.moduleVeil = Veil;"
    pages = {
        "/classic": f"""<!doctype html><p>Hello</p><script src="/static/veil/veil.js" integrity="{integrity}" crossorigin="anonymous"></script>
                        <script src="/init.js"></script>""",
        "/module": """<!doctype html><p>Hello</p><script type="module" src="/module.js"></script>""",
    }

    async def page_route(request: Request) -> HTMLResponse:
        return HTMLResponse(pages[request.url.path], headers={"Content-Security-Policy": csp_for(collector_url)})

    async def script(request: Request) -> Response:
        body = init_js if request.url.path == "/init.js" else module_js
        return Response(body, media_type="text/javascript")

    app = Starlette(routes=[Route("/classic", page_route), Route("/module", page_route), Route("/init.js", script),
                            Route("/module.js", script), Mount("/static/veil", StaticFiles(directory=dist))])
    running = [_ThreadedServer(collector, collector_port), _ThreadedServer(app, site_port)]
    for server in running:
        server.start()
    try:
        context = browser.new_context()
        violations: list[str] = []
        page = context.new_page()
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(site + "/classic")
        page.wait_for_function("() => window.Veil && Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
        page.evaluate("() => Veil.flush()")
        assert collector.state.store.totals()["batches"] >= 1
        assert violations == []
        module_page = context.new_page()
        module_page.goto(site + "/module")
        module_page.wait_for_function("() => window.moduleVeil && window.moduleVeil === window.Veil", timeout=10_000)
        context.close()
    finally:
        for server in running:
            server.stop()


def load(page, servers):
    page.goto(servers.site_url + PAGE)
    page.evaluate("""() => {
        window.clicks = 0;
        const b = document.createElement('button');
        b.id = 'own'; b.textContent = 'page button';
        b.onclick = () => { window.clicks += 1; };
        document.body.appendChild(b);
    }""")
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("() => { window.veilErrors = []; Veil.on('error', e => window.veilErrors.push(e)); }")


def page_still_works(page, capture):
    page.click("#own")
    assert page.evaluate("window.clicks") == 1
    assert capture.page_errors == []


def test_a_worker_that_fails_to_load_is_reported_and_spares_the_page(context, page, servers, capture):
    context.route("**/veil-worker.mjs", lambda route: route.fulfill(status=404, body="gone"))
    load(page, servers)
    message = page.evaluate("cfg => Veil.init(cfg).then(() => null, e => e.message)", {"endpoint": servers.endpoint})
    assert message and "worker" in message
    assert page.evaluate("window.veilErrors.map(e => e.where)") == ["worker"]
    page_still_works(page, capture)


def test_a_worker_that_never_answers_is_ended_at_its_deadline_and_the_page_says_failed(context, page, servers, capture):
    stalled: list = []

    def stall(route) -> None:  # never answered: the worker's boot never ends
        stalled.append(route)

    context.route("**/pyodide.asm.wasm", stall)
    try:
        page.clock.install()  # the page's timers only: the deadline passes without waiting 150 s
        load(page, servers)
        page.evaluate("cfg => { Veil.init(cfg).then(() => { window.initOutcome = 'booted'; }, (e) => { window.initOutcome = e.message; }); }",
                      {"endpoint": servers.endpoint, "consent": "not-required"})
        page.wait_for_function("() => Veil.status === 'loading'")
        deadline = time.monotonic() + 30
        while not stalled and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert stalled, "the worker asked for Pyodide's wasm"
        page.clock.run_for(149_000)
        assert page.evaluate("[Veil.status, window.initOutcome ?? null]") == ["loading", None], "a slow boot is not a hung one"
        page.clock.run_for(2_000)
        page.wait_for_function("() => window.initOutcome !== undefined && Veil.status !== 'loading'")
        assert page.evaluate("window.initOutcome") == 'Veil: the worker said nothing for 150 s while "configure" waited for its answer'
        assert page.evaluate("Veil.status") == "failed"
        assert page.evaluate("Veil.stats().workerTimeouts") == 1
        assert page.evaluate("window.veilErrors.map(e => e.where)") == ["worker"]
        page_still_works(page, capture)
    finally:
        context.unroute("**/pyodide.asm.wasm")


def test_an_unreachable_endpoint_is_reported_and_spares_the_page(page, servers, capture):
    load(page, servers)
    dead = f"http://127.0.0.1:{free_port()}/v1/batches"
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": dead, "consent": "not-required"})
    page.wait_for_function("() => Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
    page.evaluate("() => Veil.flush()")
    deadline = time.monotonic() + 15
    while not page.evaluate("window.veilErrors.length") and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert "transport" in page.evaluate("window.veilErrors.map(e => e.where)")
    page_still_works(page, capture)


def test_a_bad_config_is_reported_and_spares_the_page(page, servers, capture):
    load(page, servers)
    key = page.evaluate("() => Veil.init({endpoint: '/c', sampleRate: 'all'}).then(() => null, e => e.key)")
    assert key == "sampleRate"
    assert page.evaluate("window.veilErrors.map(e => e.where)") == ["config"]
    page_still_works(page, capture)


def test_debug_prints_decisions_but_never_content(page, servers, capture):
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(servers.site_url + "/")
    wait_recording(page)  # the demo page's own Veil, without debug
    # Leave only once the first batch's answer (it carries the session's write key) has arrived:
    # a page that unloads before it never learns the key, and the session's later batches are refused.
    page.wait_for_function("() => Veil.stats().batchesSent > 0", timeout=BOOT_TIMEOUT_MS)
    load(page, servers)
    # A second page load with debug on:
    page.goto(servers.site_url + PAGE)
    page.evaluate("() => { document.body.insertAdjacentHTML('beforeend', '<input id=q><p>ZQDEBUGTEXT</p>'); }")
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": servers.endpoint, "clientToken": "demo-client-token",
                                            "consent": "not-required", "debug": True})
    page.wait_for_function("() => Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
    page.fill("#q", "zqtypedindebug")
    page.evaluate("() => Veil.flush()")
    explanation = page.evaluate("() => Veil.explain(document.getElementById('q'))")
    assert explanation["level"] == "mask" and explanation["secret"] is False
    veil_lines = [m for m in messages if m.startswith("[veil]")]
    assert any("gate: record" in m for m in veil_lines)
    assert any("batch of" in m for m in veil_lines) and any("delivery: ok" in m for m in veil_lines)
    assert any("explain: mask" in m for m in veil_lines)
    assert not any("ZQDEBUGTEXT" in m or "zqtypedindebug" in m for m in messages)


def test_explain_reports_forced_secrets_and_overrides(page, servers):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    card = page.evaluate("() => Veil.explain(document.getElementById('card'))")
    assert card["level"] == "mask" and card["secret"] is True
    assert any("forced secret" in r for r in card["reasons"])
