"""Transport under faults, in Chromium: a collector that is down and comes back, a collector that
says 429 with Retry-After, and the authenticated proxy end to end."""

from __future__ import annotations

import time

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from veil_collector.app import CollectorSettings, create_app
from examples.demo.servers import _ThreadedServer, free_port
from veil_proxy.app import ProxySettings, create_proxy_app
from tests.browser.conftest import BOOT_TIMEOUT_MS
from tests.helpers import stored_events, stored_seqs

PAGE = "/test-assets/replay.html"


def start_recording(page, servers, endpoint, token="demo-client-token"):
    page.goto(servers.site_url + PAGE)
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": endpoint, "clientToken": token, "consent": "not-required"})
    page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)


def test_batches_survive_a_collector_outage_and_arrive_exactly_once(page, servers, tmp_path):
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/v1/batches"
    start_recording(page, servers, endpoint)  # nothing listens there yet
    for i in range(3):
        page.evaluate("i => document.body.append('change ' + i)", i)
        page.evaluate("() => Veil.flush()")
    assert page.evaluate("Veil.stats().queuedBatches") >= 1
    collector = create_app(CollectorSettings(db_path=tmp_path / "late.sqlite3", client_token="demo-client-token",
                                             allowed_origins=(servers.site_url,)))
    server = _ThreadedServer(collector, port)
    server.start()
    try:
        deadline = time.monotonic() + 30
        while page.evaluate("Veil.stats().queuedBatches") and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert page.evaluate("Veil.stats().queuedBatches") == 0, "the outbox never drained"
        page.evaluate("() => { document.body.append('after recovery'); return Veil.flush(); }")
        store = collector.state.store
        session = store.sessions()[0]["session"]
        rows = store.batch_count(session)
        events = stored_events(store, session)
        assert rows >= 2 and [e["type"] for e in events[:2]] == [4, 2]
        assert stored_seqs(store, session) == list(range(rows)), "every batch arrived, each once"
    finally:
        server.stop()


def test_429_retry_after_is_honoured(page, servers):
    attempts: list[float] = []

    async def ingest(request: Request) -> JSONResponse:
        await request.body()
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            return JSONResponse({"ok": False}, status_code=429, headers={"Retry-After": "2"})
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/v1/batches", ingest, methods=["POST"])],
                    middleware=[Middleware(CORSMiddleware, allow_origins=[servers.site_url], allow_methods=["POST"],
                                           allow_headers=["content-type", "content-encoding", "x-veil-token"],
                                           expose_headers=["Retry-After"])])
    port = free_port()
    server = _ThreadedServer(app, port)
    server.start()
    try:
        start_recording(page, servers, f"http://127.0.0.1:{port}/v1/batches")
        deadline = time.monotonic() + 15
        while len(attempts) < 2 and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert len(attempts) >= 2
        assert attempts[1] - attempts[0] >= 1.9, "retried before Retry-After elapsed"
        assert page.evaluate("Veil.stats().queuedBatches") == 0
    finally:
        server.stop()


REAL_TOKEN = "real-token-only-the-server-knows-3b9"
PLACEHOLDER = "public-placeholder"


def test_proxy_lets_signed_in_users_through_and_never_reveals_the_real_token(browser, dist, servers, tmp_path):
    collector = create_app(CollectorSettings(db_path=tmp_path / "proxied.sqlite3", client_token=REAL_TOKEN))
    collector_port = free_port()
    page_html = f"""<!doctype html><html><body><p>Account page for Ada</p>
      <script src="/static/veil/veil.js"></script>
      <script>Veil.init({{endpoint: "/v1/batches", clientToken: "{PLACEHOLDER}", consent: "not-required"}});</script>
      </body></html>"""

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(page_html)

    settings = ProxySettings(secret_key=b"s" * 32, collector_endpoint=f"http://127.0.0.1:{collector_port}/v1/batches",
                             real_token=REAL_TOKEN, placeholder_token=PLACEHOLDER, users={"ada": "lovelace"},
                             secure_cookie=False, extra_routes=[Route("/", home), Mount("/static/veil", StaticFiles(directory=dist))])
    site_port = free_port()
    servers_up = [_ThreadedServer(collector, collector_port), _ThreadedServer(create_proxy_app(settings), site_port)]
    for s in servers_up:
        s.start()
    site = f"http://127.0.0.1:{site_port}"
    try:
        # Not signed in: every batch is refused by the proxy and nothing reaches the collector.
        anonymous = browser.new_context()
        statuses: list[int] = []
        anonymous.on("response", lambda r: statuses.append(r.status) if r.url.endswith("/v1/batches") else None)
        page = anonymous.new_page()
        page.goto(site + "/")
        page.wait_for_function("window.Veil && Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
        page.evaluate("() => Veil.flush()")
        assert statuses and set(statuses) == {401}
        assert collector.state.store.totals()["batches"] == 0
        anonymous.close()

        # Signed in: batches go through, with the real token added by the server only.
        context = browser.new_context()
        bodies: list[str] = []

        def on_response(response):
            if response.url.startswith(site):
                bodies.append(str(response.headers))
                try:
                    bodies.append(response.text())
                except Exception:  # noqa: BLE001 - redirects and binary bodies have no text
                    pass

        context.on("response", on_response)
        login = context.request.post(site + "/login", form={"user": "ada", "password": "lovelace"}, max_redirects=0)
        assert login.status == 303
        page = context.new_page()
        page.goto(site + "/")
        page.wait_for_function("window.Veil && Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
        assert page.evaluate("() => Veil.flush()")["sent"] in (True, False)
        deadline = time.monotonic() + 10
        while collector.state.store.totals()["batches"] == 0 and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert collector.state.store.totals()["batches"] >= 1
        assert not any(REAL_TOKEN in b for b in bodies), "the real token reached the browser"
        assert REAL_TOKEN not in page.content()
        context.close()
    finally:
        for s in servers_up:
            s.stop()


def test_offline_holds_batches_and_online_sends_them(context, page, servers, capture):
    start_recording(page, servers, servers.endpoint)
    page.evaluate("() => Veil.flush()")
    sent_before = len(capture.bodies)
    context.set_offline(True)
    page.evaluate("() => document.body.append('while offline')")
    assert page.evaluate("() => Veil.flush()")["reason"] == "offline"
    assert page.evaluate("Veil.stats().queuedBatches") == 1
    assert len(capture.bodies) == sent_before
    context.set_offline(False)
    page.wait_for_function("() => Veil.stats().queuedBatches === 0", timeout=10_000)
    assert len(capture.bodies) == sent_before + 1
