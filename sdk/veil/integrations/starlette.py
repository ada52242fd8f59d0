"""Veil for Starlette and FastAPI: serve the bundle, render the snippet, add Veil's CSP sources.

    from veil.integrations.starlette import Veil

    veil = Veil(config={"endpoint": "https://collect.example.com/v1/batches", "clientToken": "pk_…"})
    app = FastAPI()                      # or Starlette()
    veil.install(app)                    # the bundle under /static/veil/, the CSP middleware
    templates = Jinja2Templates("templates")
    veil.install_templates(templates)    # {{ veil_snippet() }} in a template rendered with the request

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        return f"<!doctype html><html><head>{veil.snippet(request)}</head>…"

Rules: the files are served by veil.integrations.files (the manifest's files only, immutable
hashed directories, precompressed siblings); the snippet carries the request's CSP nonce,
``request.state.csp_nonce`` (set by VeilCSPMiddleware, or by the site's own middleware under that
name); the middleware gives every request a nonce (keeping one the site set) and, on a response
that has a Content-Security-Policy (or when given a ``policy`` to start from), adds Veil's sources to
it (veil.integrations.page.merge_csp). Starlette is imported here only: the base install needs none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..bundle import Bundle
from ..bundle import default as default_bundle
from . import files, page

NONCE_KEY = "csp_nonce"


class Veil:
    """One site's Veil: its config (``Veil.init``'s, JSON), where the bundle is served (``path``),
    and the bundle (default: the one this installation carries)."""

    def __init__(self, config: Mapping[str, Any] | None = None, *, path: str = "/static/veil",
                 bundle: Bundle | str | Path | None = None, connect: Iterable[str] = ()) -> None:
        if not path.startswith("/"):
            raise ValueError(f"Veil: path must start with '/' (got {path!r})")
        self.config = dict(config) if config is not None else None
        self.path = path.rstrip("/")
        self.bundle = bundle if isinstance(bundle, Bundle) else (Bundle.load(bundle) if bundle else default_bundle())
        self.connect = tuple(connect)

    @property
    def src(self) -> str:
        """veil.js's URL on the site."""
        return f"{self.path}/veil.js"

    def files(self) -> Router:
        """An ASGI app serving the bundle, to mount at ``path``."""
        return Router(routes=[Route("/{name:path}", self._serve, methods=["GET", "HEAD"])])

    async def _serve(self, request: Request) -> Response:
        served = files.resolve(self.bundle, request.path_params["name"], request.headers.get("accept-encoding", ""),
                               request.headers.get("if-none-match", ""))
        if served is None:
            return JSONResponse({"error": "not a file of the Veil bundle"}, status_code=404)
        if served.status == 304:
            return Response(status_code=304, headers=served.headers)
        headers = {k: v for k, v in served.headers.items() if k != "Content-Type"}
        return FileResponse(served.path, headers=headers, media_type=served.headers["Content-Type"])

    def install(self, app: Any, *, csp: bool = True, policy: str | None = None) -> None:
        """Mount the bundle at ``path`` and, with ``csp``, add VeilCSPMiddleware (``policy``: the one
        to start from on responses that have none)."""
        app.mount(self.path, self.files(), name="veil")
        if csp:
            app.add_middleware(VeilCSPMiddleware, config=self.config, connect=self.connect, policy=policy)

    def snippet(self, request: Request | None = None, *, nonce: str | None = None,
                config: Mapping[str, Any] | None = None) -> page.Html:
        """The loader snippet with ``Veil.init(config)`` (default: this Veil's config), carrying the
        request's CSP nonce (or ``nonce``)."""
        if nonce is None and request is not None:
            nonce = csp_nonce(request)
        return page.snippet(self.bundle, self.src, config if config is not None else self.config, nonce)

    def csp_directives(self, nonce: str | None = None) -> dict[str, list[str]]:
        """The sources Veil needs in the page's Content-Security-Policy, by directive."""
        return page.directives(self.config, nonce, self.connect)

    def install_templates(self, templates: Any, name: str = "veil_snippet") -> None:
        """Register ``{{ veil_snippet() }}`` in a Jinja2Templates (it reads the template's ``request``)."""
        from jinja2 import pass_context

        @pass_context
        def veil_snippet(context: Any, **config: Any) -> page.Html:
            return self.snippet(context.get("request"), config=config or None)

        templates.env.globals[name] = veil_snippet


def csp_nonce(request: Request) -> str | None:
    """The request's CSP nonce (``request.state.csp_nonce``), if a middleware set one."""
    value = getattr(request.state, NONCE_KEY, None)
    return value if isinstance(value, str) and value else None


class VeilCSPMiddleware:
    """Gives each HTTP request a CSP nonce (``request.state.csp_nonce``, kept if the site set one) and
    adds Veil's sources to each response's Content-Security-Policy (or to ``policy`` when the response
    has none). A response with neither is left without a policy."""

    def __init__(self, app: ASGIApp, config: Mapping[str, Any] | None = None, connect: Iterable[str] = (),
                 policy: str | None = None) -> None:
        self.app = app
        self.config = config
        self.connect = tuple(connect)
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state.setdefault(NONCE_KEY, page.new_nonce())

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                existing = headers.get("content-security-policy") or self.policy
                if existing:
                    needs = page.directives(self.config, state.get(NONCE_KEY), self.connect)
                    headers["content-security-policy"] = page.merge_csp(existing, needs)
            await send(message)

        await self.app(scope, receive, send_with_policy)
