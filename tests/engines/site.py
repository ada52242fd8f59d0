"""A test's own site for the engine tests: its pages, dist/ and the real collector on one origin,
on a fresh port (so each test's storage, caches and HTTP cache start empty in every engine), with
what a test cannot ask the browser in every engine recorded on the server instead.

Rules: every HTML page the site serves (its own pages, the test assets, the collector's viewer)
starts with /test-errors.js, which keeps the page's uncaught errors, unhandled rejections and CSP
violations in ``window.__pageErrors``; every request is logged (``requests``), so "not one request
reached the endpoint" is judged where the request would arrive. ``host`` is "localhost" by default
(a secure context in every engine, as an HTTPS site is); "127.0.0.1" is not one in WebKitGTK.

With VEIL_TRACE_WORKERS=1 in the environment, every Veil worker (the page's and the snapshot
maker) is served with WORKER_TRACE first: it reports its start, fetches, WebAssembly
instantiation, messages, console warnings and errors, and a heartbeat every 5 s, to /trace/, which
appends them, timed, to /tmp/veil-worker-trace/<port>.log (the port is in a timed-out wait's
report). A diagnosis tool for boots that never end (docs/browsers.md); it serves the workers
uncompressed and uncached, so every view boots plain.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route

from examples.demo.servers import DistFiles, _ThreadedServer, free_port
from veil_collector.app import CollectorSettings, create_app

TOKEN = "demo-client-token"
OPERATOR = "engines-operator-token"
ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "tests" / "browser" / "assets"
RRWEB = ROOT / "node_modules" / "rrweb" / "dist" / "rrweb.umd.cjs"  # served as /test-assets/rrweb.umd.js
ERRORS_JS = """(function () {
  var errors = window.__pageErrors = [];
  window.addEventListener("error", function (e) { errors.push("error: " + (e.message || e.type)); });
  window.addEventListener("unhandledrejection", function (e) { errors.push("unhandled rejection: " + (e.reason && e.reason.stack || e.reason)); });
  document.addEventListener("securitypolicyviolation", function (e) { errors.push("csp: " + e.violatedDirective + " " + e.blockedURI); });
})();
"""
ERRORS_TAG = b'<script src="/test-errors.js"></script>'


def veil_page(title: str, body: str, config: dict[str, Any] | None = None, head: str = "") -> str:
    """A page that loads veil.js by a script tag and calls Veil.init (consent not required)."""
    cfg = {"endpoint": "/v1/batches", "clientToken": TOKEN, "consent": "not-required", **(config or {})}
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
            f'<h1 data-veil="allow">{title}</h1>{body}'
            f'<script src="/static/veil/veil.js"></script><script>Veil.init({json.dumps(cfg)})</script></body></html>')


class ErrorCatcher:
    """ASGI middleware: /test-errors.js first in every text/html response's document."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def buffered(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html") or headers.get(b"content-encoding"):
                    start["passthrough"] = True
                    await send(message)
                    return
                start.update(message)
                return
            if start.get("passthrough"):
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(body)
            lower = html.lower()
            at = lower.find(b"<head>")
            at = at + len(b"<head>") if at >= 0 else (lower.find(b">", lower.find(b"<html")) + 1 if b"<html" in lower else 0)
            html = html[:at] + ERRORS_TAG + html[at:]
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(html)).encode()))
            await send({"type": "http.response.start", "status": start["status"], "headers": headers})
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, buffered)


class RequestLog:
    """ASGI middleware: (method, path) of every request, in arrival order."""

    def __init__(self, app: Any, log: list[tuple[str, str]]) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.log.append((scope["method"], scope["path"]))
        await self.app(scope, receive, send)


# A worker's trace (VEIL_TRACE_WORKERS): each line is a GET of /trace/<worker>/<ms since its start>/<what>.
WORKER_TRACE = """{ const send = self.fetch.bind(self); const started = performance.now();
  const worker = (self.name || 'worker') + '-' + Math.random().toString(36).slice(2, 6);
  const trace = (what) => send('/trace/' + worker + '/' + Math.round(performance.now() - started) + '/'
    + encodeURIComponent(String(what).slice(0, 300))).catch(() => {});
  self.fetch = (url, options) => { const name = String((url && url.url) || url).split('/').pop(); trace('fetch ' + name);
    const answer = send(url, options); answer.then((r) => trace('fetched ' + name + ' ' + r.status), (e) => trace('fetch failed ' + name + ' ' + e)); return answer; };
  const instantiate = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = (source, imports) => { trace('instantiating'); const done = instantiate.call(WebAssembly, source, imports);
    done.then(() => trace('instantiated'), (e) => trace('instantiation failed ' + e)); return done; };
  const warn = console.warn; console.warn = (...args) => { trace('warn ' + args.map(String).join(' | ')); warn(...args); };
  const error = console.error; console.error = (...args) => { trace('error ' + args.map(String).join(' | ')); error(...args); };
  self.addEventListener('error', (e) => trace('uncaught ' + e.message));
  self.addEventListener('unhandledrejection', (e) => trace('rejection ' + ((e.reason && e.reason.stack) || e.reason)));
  const post = self.postMessage.bind(self); self.postMessage = (message, transfer) => { trace('post ' + JSON.stringify(message).slice(0, 120)); return post(message, transfer); };
  self.addEventListener('message', (e) => trace('got ' + JSON.stringify(e.data).slice(0, 80)));
  setInterval(() => trace('alive'), 5000);
  trace('start'); }
"""
TRACE_DIR = Path("/tmp/veil-worker-trace")


def trace_line(port: int) -> Any:
    """The /trace/ route of the site on ``port``: each line appended, timed, to its log."""

    def traced(request: Request) -> Response:  # a plain function: Starlette runs it in a thread (file I/O)
        TRACE_DIR.mkdir(exist_ok=True)
        with (TRACE_DIR / f"{port}.log").open("a") as log:
            log.write(f"{time.time():.1f} {request.path_params['line']}\n")
        return Response(status_code=204)

    return traced


class WorkerPrefix:
    """ASGI app in front of dist/: the two workers' files served with ``prefix`` run first in them
    (a worker global taken away, as an engine without it would be), uncompressed."""

    def __init__(self, dist_app: Any, dist: Path, prefix: str) -> None:
        self.dist_app = dist_app
        self.dist = dist
        self.prefix = prefix

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        name = path.rsplit("/", 1)[-1]
        if scope["type"] == "http" and name in ("veil-worker.mjs", "veil-snapshot-worker.mjs"):
            relative = path.split("/static/veil/", 1)[-1]
            source = (self.dist / relative).read_text()
            response = Response(self.prefix + source, media_type="text/javascript", headers={"Cache-Control": "no-store"})
            await response(scope, receive, send)
            return
        await self.dist_app(scope, receive, send)


class Site:
    """Pages + dist/ + the real collector, on one origin of a fresh port."""

    def __init__(self, dist: Path, db: Path, pages: dict[str, str] | None = None, *, host: str = "localhost",
                 headers: dict[str, dict[str, str]] | None = None, worker_prefix: str = "",
                 seeds: dict[str, bytes] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        self.pages = dict(pages or {})
        self.requests: list[tuple[str, str]] = []
        self.csp_reports: list[Any] = []
        self.collector = create_app(CollectorSettings(db_path=db, client_token=TOKEN, allowed_origins=(self.url,),
                                                      operator_token=OPERATOR))
        self.store = self.collector.state.store
        page_headers = headers or {}
        seed_bodies = seeds or {}

        async def page(request: Request) -> HTMLResponse:
            if request.method == "POST":
                await request.body()  # the page's own form data: not Veil's business
            name = request.path_params["name"]
            if name not in self.pages:
                return HTMLResponse("no such page", status_code=404)
            return HTMLResponse(self.pages[name], headers=page_headers.get(name, {}))

        async def asset(request: Request) -> Response:
            name = request.path_params["name"]
            path = RRWEB if name == "rrweb.umd.js" else ASSETS / name
            if "/" in name or not path.is_file():
                return HTMLResponse("no such asset", status_code=404)
            if name.endswith(".html"):
                return HTMLResponse(path.read_text())
            return FileResponse(path, media_type="text/javascript" if name.endswith(".js") else None)

        async def errors_js(request: Request) -> Response:
            return Response(ERRORS_JS, media_type="text/javascript", headers={"Cache-Control": "no-store"})

        async def csp_report(request: Request) -> JSONResponse:
            self.csp_reports.append(json.loads(await request.body() or b"null"))
            return JSONResponse({"ok": True})

        async def seed(request: Request) -> Response:
            body = seed_bodies.get(request.path_params["name"])
            return Response(body, media_type="application/octet-stream") if body is not None else Response(status_code=404)

        dist_app: Any = DistFiles(directory=dist)
        if os.environ.get("VEIL_TRACE_WORKERS") and not worker_prefix:
            worker_prefix = WORKER_TRACE
        if worker_prefix:
            dist_app = WorkerPrefix(dist_app, dist, worker_prefix)
        app = Starlette(routes=[
            Route("/pages/{name}", page, methods=["GET", "POST"]),
            Route("/test-assets/{name}", asset),
            Route("/test-errors.js", errors_js),
            Route("/csp-report", csp_report, methods=["POST"]),
            Route("/seed/{name}", seed),
            Route("/trace/{line:path}", trace_line(self.port)),
            Mount("/static/veil", dist_app),
            Mount("/", self.collector),
        ])
        self.server = _ThreadedServer(RequestLog(ErrorCatcher(app), self.requests), self.port)

    def __enter__(self) -> Site:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def get(self, path: str) -> Any:
        """A read from the collector's API, as an operator."""
        request = urllib.request.Request(self.url.replace("localhost", "127.0.0.1") + path,
                                         headers={"Authorization": f"Bearer {OPERATOR}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def sessions(self) -> list[str]:
        return [s["session"] for s in self.get("/v1/sessions")]

    def only_session(self) -> str:
        sessions = self.sessions()
        assert len(sessions) == 1, sessions
        return sessions[0]

    def stored_events(self, session: str | None = None) -> list[dict[str, Any]]:
        """The events the collector stored for the session (the only one, by default), decrypted."""
        return self.get(f"/v1/sessions/{session or self.only_session()}/events")

    def stored_text(self) -> str:
        """Every stored event of every session, as one string to search for secrets."""
        return json.dumps([self.stored_events(s) for s in self.sessions()], ensure_ascii=False)

    def endpoint_requests(self) -> list[tuple[str, str]]:
        """Requests that reached the collector's API (/v1/...)."""
        return [(m, p) for m, p in self.requests if p.startswith("/v1/")]

    def requested(self, suffix: str) -> bool:
        return any(p.endswith(suffix) for _, p in self.requests)
