"""Recording one page with Veil in Chromium, against a collector running in this process.

Rules: the page is opened as a visitor would open it (Debian's Chromium through Playwright, the
test suite's arguments), then Veil from ``dist`` is added to it and started with the given
config, its endpoint pointed at a throwaway collector (SQLite in a temporary directory, random
keys and tokens, loopback only). Veil's files and its endpoint are served under the page's own
origin (``ROUTE``, by Playwright's routing: a Worker must be same-origin, and the page's CSP is
bypassed for Veil's script only through Playwright), so any http(s) page can be previewed; a
local HTML file is served from its directory on loopback first. What is reported is read back
from the collector (decompressed, decrypted: what it stores), never from what the page sent.
Every wait has a timeout; every failure is a ``PreviewError`` with its exit status.
"""

from __future__ import annotations

import json
import mimetypes
import secrets
import socket
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
# As tests/browser/conftest.py launches it (a unit test keeps the two equal).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROUTE = "/__veil_preview__/"
VIEWPORT = {"width": 1280, "height": 800}
CONTENT_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
                 ".json": "application/json", ".zip": "application/zip", ".whl": "application/zip", ".ts": "text/plain"}

# The verdicts of Veil.preview, each with its element's path (tag#id from <html> down).
_PREVIEW = """() => Veil.preview().then(r => r.verdicts.map(v => {
  const parts = [];
  for (let el = v.element; el && el.nodeType === 1; el = el.parentElement || (el.getRootNode() && el.getRootNode().host) || null) {
    parts.unshift(el.id ? el.localName + '#' + el.id : el.localName);
  }
  return {path: parts.join(' > '), kind: v.kind, level: v.level, rule: v.rule, clear: v.clear, shown: v.shown};
}))"""
_INIT = """cfg => Veil.init(cfg).then(() => null, e => ({message: String(e && e.message || e), key: (e && e.key) || null}))"""


class PreviewError(Exception):
    """The preview could not be made; ``status`` is the command's exit status (2: bad input)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Recording:
    """What one preview run saw: the collector's stored events, Veil.preview's verdicts, the
    screenshots (the page, and the page with the preview drawn), and notes for the report."""

    url: str
    events: list[dict[str, Any]]
    verdicts: list[dict[str, Any]]
    page_png: bytes
    overlay_png: bytes
    started: dict[str, Any]
    notes: list[str] = field(default_factory=list)


class _Server:
    """An ASGI app on a free loopback port, in a thread of its own."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="auto"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise PreviewError(3, "a local server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _serve_dist(dist: Path, origin: str) -> Any:
    """A route handler answering ROUTE/<file> from ``dist`` (nothing outside it)."""
    root = dist.resolve()

    def handle(route: Any) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(route.request.url).path[len(ROUTE):])
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            route.fulfill(status=404, body="not found")
            return
        kind = CONTENT_TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        route.fulfill(status=200, path=str(target), headers={"Content-Type": kind, "Cache-Control": "no-store"})

    return handle


def _forward(collector: str) -> Any:
    """A route handler passing Veil's batches on to the collector (same-origin for the page)."""

    def handle(route: Any) -> None:
        route.fulfill(response=route.fetch(url=collector + "/v1/batches", timeout=30_000))

    return handle


def _get(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def stored_events(collector: str, token: str) -> list[dict[str, Any]]:
    """Every event the collector stores, visit by visit in the order they began."""
    sessions = sorted(_get(collector + "/v1/sessions", token), key=lambda s: s.get("start") or 0)
    events: list[dict[str, Any]] = []
    for visit in sessions:
        events.extend(_get(f"{collector}/v1/sessions/{urllib.parse.quote(visit['session'])}/events", token))
    return events


def _playwright_error(err: Exception) -> str:
    return (str(err).strip().splitlines() or ["unknown error"])[0]


def record_page(url: str, config: dict[str, Any], dist: Path, *, browser: Any = None, chromium: str | None = CHROMIUM,
                settle_ms: int = 1000, timeout_s: float = 120.0) -> Recording:
    """Open ``url`` (an http(s) URL, or a local HTML file), record it with Veil as ``config`` says,
    draw Veil.preview, and read back what the collector stored. ``browser``: a Playwright
    Chromium browser to use (one is launched, and closed, when None)."""
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    from veil_collector.app import CollectorSettings, create_app

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="veil-preview-")))
        local = Path(url) if "://" not in url else None
        if local is not None:
            site = stack.enter_context(_Server(Starlette(routes=[Mount("/", StaticFiles(directory=local.resolve().parent))])))
            url = f"{site.url}/{urllib.parse.quote(local.name)}"
        origin = _origin(url)
        client_token, operator_token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        collector = stack.enter_context(_Server(create_app(CollectorSettings(
            db_path=tmp / "collector.sqlite3", client_token=client_token, allowed_origins=(origin,),
            operator_token=operator_token, session_secret=secrets.token_bytes(32), master_key=secrets.token_bytes(32)))))
        if browser is None:
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
            try:
                browser = playwright.chromium.launch(executable_path=chromium if chromium and Path(chromium).exists() else None,
                                                     args=CHROMIUM_ARGS)
            except Exception as err:  # noqa: BLE001 - any launch failure is reported as such
                raise PreviewError(3, f"cannot start Chromium: {_playwright_error(err)}") from None
            stack.callback(browser.close)
        context = browser.new_context(bypass_csp=True, viewport=VIEWPORT)
        stack.callback(context.close)
        # The routes registered last are asked first: the endpoint, then Veil's files.
        context.route(origin + ROUTE + "**", _serve_dist(dist, origin))
        context.route(origin + ROUTE + "v1/batches", _forward(collector.url))
        page = context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        try:
            response = page.goto(url, wait_until="load", timeout=min(timeout_s, 60) * 1000)
        except Exception as err:  # noqa: BLE001 - Playwright's own error names the cause
            raise PreviewError(2, f"cannot open {url}: {_playwright_error(err)}") from None
        if response is not None and response.status >= 400:
            raise PreviewError(2, f"{url} answered HTTP {response.status}")
        if page.evaluate("() => Boolean(window.Veil)"):
            raise PreviewError(2, f"{url} loads Veil itself: preview the page without its Veil snippet (veil.preview adds Veil with your --config)")
        try:
            page.add_script_tag(url=origin + ROUTE + "veil.js")
            failed = page.evaluate(_INIT, {**config, "endpoint": origin + ROUTE + "v1/batches", "clientToken": client_token})
            if failed:
                raise PreviewError(2, f"config: {failed['message']}")
            # Veil's script tag is not the page's: gone before recording starts (as the loader snippet's).
            page.evaluate(f"() => document.querySelectorAll('script[src*=\"{ROUTE}\"]').forEach(s => s.remove())")
            started: dict[str, Any] = page.evaluate("() => Veil.start()")
            notes = []
            if not started.get("recording"):
                notes.append(f"Veil did not record this page ({started.get('reason')}): nothing leaves it.")
            page.wait_for_timeout(settle_ms)
            page_png = page.screenshot()
            verdicts: list[dict[str, Any]] = page.evaluate(_PREVIEW) if started.get("recording") else []
            overlay_png = page.screenshot()
            page.evaluate("() => Veil.preview(false)")
            flushed = page.evaluate("() => Veil.flush()")
        except PreviewError:
            raise
        except Exception as err:  # noqa: BLE001 - a page or Veil failure ends the run with its message
            raise PreviewError(3, f"recording {url} failed: {_playwright_error(err)}") from None
        if started.get("recording") and not flushed.get("sent"):
            raise PreviewError(3, f"Veil could not deliver its batches to the local collector: {flushed}")
        events = stored_events(collector.url, operator_token)
        return Recording(url, events, verdicts, page_png, overlay_png, started, notes)
    raise AssertionError("unreachable")  # mypy: ExitStack may swallow exceptions
