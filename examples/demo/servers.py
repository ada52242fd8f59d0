"""The demo's two servers, also used by the browser tests: a site serving the demo page and dist/
under /static/veil/, and the collector on its own origin (so CORS is exercised for real).

Rules: loopback only; both run in one background thread each, and stop when asked.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import NotModifiedResponse, StaticFiles

from veil_collector.app import CollectorSettings, create_app
from veil_collector.serving import server_config

DEMO_DIR = Path(__file__).resolve().parent
DEMO_TOKEN = "demo-client-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _ThreadedServer:
    def __init__(self, app, port: int) -> None:
        # server_config: the app's own forwarded-header rule is the only one (uvicorn's is off).
        self.server = uvicorn.Server(server_config(app, "127.0.0.1", port, lifespan="auto"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


CONSENT_DIR = DEMO_DIR.parent / "consent"

# dist/'s content-hashed directories never change under their name: cache them for a year.
IMMUTABLE = re.compile(r"^(pyodide|runtime)-[0-9a-f]{12}/")
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "no-cache"  # the entry files: always revalidated (ETag/Last-Modified give a 304)
CONTENT_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                 ".json": "application/json", ".zip": "application/zip", ".whl": "application/zip",
                 ".ts": "text/plain"}
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))  # preferred first


def accepted_encodings(header: str) -> set[str]:
    """The content codings an Accept-Encoding header allows (q=0 excludes; * allows any)."""
    accepted = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name.strip() and q > 0:
            accepted.add(name.strip().lower())
    if "*" in accepted:
        accepted |= {name for name, _ in PRECOMPRESSED}
    return accepted


class DistFiles(StaticFiles):
    """dist/ as a site should serve it: the precompressed .br/.gz sibling when the request accepts
    that coding (Content-Encoding, Vary: Accept-Encoding), the right Content-Type (application/wasm
    for WebAssembly.instantiateStreaming, text/javascript for modules), and Cache-Control:
    immutable for the content-hashed directories, no-cache (revalidate) for the entry files."""

    def file_response(self, full_path, stat_result: os.stat_result, scope, status_code: int = 200) -> Response:
        request_headers = Headers(scope=scope)
        full_path = os.fspath(full_path)
        rel = os.path.relpath(full_path, self.directory).replace(os.sep, "/")
        suffix = os.path.splitext(full_path)[1]
        media_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(full_path)[0] or "application/octet-stream"
        headers = {"Cache-Control": CACHE_IMMUTABLE if IMMUTABLE.match(rel) else CACHE_REVALIDATE,
                   "Vary": "Accept-Encoding"}
        served, served_stat = full_path, stat_result
        accepted = accepted_encodings(request_headers.get("accept-encoding", ""))
        for coding, extension in PRECOMPRESSED:
            if coding in accepted and os.path.isfile(full_path + extension):
                served, served_stat = full_path + extension, os.stat(full_path + extension)
                headers["Content-Encoding"] = coding
                break
        response = FileResponse(served, status_code=status_code, stat_result=served_stat, media_type=media_type,
                                headers=headers)
        if self.is_not_modified(response.headers, request_headers):
            return NotModifiedResponse(response.headers)
        return response


def veil_js_integrity(dist: Path) -> str:
    """veil.js's SRI value from dist/manifest.json, for the loader snippet ("" without a manifest:
    the snippet then loads veil.js without an integrity check)."""
    try:
        return json.loads((dist / "manifest.json").read_text())["files"]["veil.js"]["sha384"]
    except (OSError, ValueError, KeyError):
        return ""


# What the demo's server template (index.html) fills in for its visitor: the data the site's
# server has for this person, which no site-text list may show.
DEMO_VISITOR = {
    "order.number": "A-7731-2290",
    "customer.name": "Margaret Hamilton",
    "customer.address": "42 Wallaby Way, Sydney",
    "basket.0": "Trail tent, 2 person: $189.00",
    "basket.1": "Sleeping bag, -5°C: $129.00",
}
SITE_TEXT = DEMO_DIR / "veil-site-text.json"
_SLOT = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def render(template: str, values: dict[str, str]) -> str:
    """A server template rendered for one visitor: each {{ name }} filled in, HTML-escaped."""
    import html

    return _SLOT.sub(lambda m: html.escape(values.get(m.group(1), "")), template)


def site_text_integrity() -> str:
    """The SRI hash of the demo's site-text list, as served."""
    from veil.sitetext import integrity_of

    return integrity_of(SITE_TEXT.read_bytes())


def _page(path: Path, endpoint: str, token: str, dist: Path | None = None, visitor: dict[str, str] | None = None):
    html = path.read_text().replace("__VEIL_ENDPOINT__", endpoint).replace("__VEIL_TOKEN__", token)
    if visitor is not None:
        html = render(html, visitor)

    async def serve(request: Request) -> HTMLResponse:
        # Read per request: a rebuilt dist/ (a new veil.js) or list must not leave the page a stale integrity.
        page = html.replace("__VEIL_INTEGRITY__", veil_js_integrity(dist) if dist else "")
        if "__VEIL_SITE_TEXT_INTEGRITY__" in page:
            page = page.replace("__VEIL_SITE_TEXT_INTEGRITY__", site_text_integrity())
        return HTMLResponse(page)

    return serve


def site_app(dist: Path, endpoint: str, token: str, extra_dirs: dict[str, Path] | None = None) -> Starlette:
    """The demo site: / is the checkout page, /consent/ the consent-banner example, /static/veil/ is dist/."""
    routes = [
        Route("/", _page(DEMO_DIR / "index.html", endpoint, token, dist, DEMO_VISITOR)),
        Route("/veil-site-text.json", lambda request: FileResponse(SITE_TEXT, media_type="application/json",
                                                                   headers={"Cache-Control": "no-cache"})),
        Route("/consent/", _page(CONSENT_DIR / "index.html", endpoint, token)),
        Mount("/consent", StaticFiles(directory=CONSENT_DIR)),
        Mount("/static/veil", DistFiles(directory=dist)),
    ]
    for prefix, directory in (extra_dirs or {}).items():
        routes.append(Mount(prefix, StaticFiles(directory=directory, html=True)))
    return Starlette(routes=routes)


def demo_secrets(db_path: Path) -> dict[str, bytes]:
    """The demo collector's session-key secret and at-rest master key: generated once, kept beside the
    database in a file only this user can read (so a restarted demo still reads its sessions)."""
    path = Path(str(db_path) + ".secrets.json")
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"session_secret": secrets.token_hex(32), "master_key": secrets.token_hex(32)}, f)
    data = json.loads(path.read_text())
    return {"session_secret": bytes.fromhex(data["session_secret"]), "master_key": bytes.fromhex(data["master_key"])}


@dataclass
class DemoServers:
    site_url: str
    collector_url: str
    collector_app: Starlette
    _servers: tuple[_ThreadedServer, ...]

    @property
    def endpoint(self) -> str:
        return self.collector_url + "/v1/batches"

    def stop(self) -> None:
        for server in self._servers:
            server.stop()


def start_servers(
    dist: Path,
    db_path: Path,
    site_port: int = 0,
    collector_port: int = 0,
    extra_dirs: dict[str, Path] | None = None,
    operator_token: str | None = None,
) -> DemoServers:
    """Start the collector and the demo site on loopback; port 0 picks free ports."""
    site_port = site_port or free_port()
    collector_port = collector_port or free_port()
    site_url = f"http://127.0.0.1:{site_port}"
    collector_url = f"http://127.0.0.1:{collector_port}"
    collector = create_app(CollectorSettings(db_path=db_path, client_token=DEMO_TOKEN, allowed_origins=(site_url,),
                                             operator_token=operator_token, **demo_secrets(db_path)))
    servers = (
        _ThreadedServer(collector, collector_port),
        _ThreadedServer(site_app(dist, collector_url + "/v1/batches", DEMO_TOKEN, extra_dirs), site_port),
    )
    for server in servers:
        server.start()
    return DemoServers(site_url, collector_url, collector, servers)
