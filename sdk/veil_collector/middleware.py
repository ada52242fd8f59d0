"""The collector's ASGI middleware: data headers on every ``/v1/`` answer, and ``POST /v1/batches``
answered ahead of the router.

Rules: every ``/v1/`` response carries ``Cache-Control: no-store`` and ``X-Content-Type-Options:
nosniff``. ``IngestRoute`` sits inside the CORS and ``DataHeaders`` middleware (so the ingest's
answers carry exactly the headers a routed answer would) but hands ``POST /v1/batches`` to the
ingest directly, without the router, the exception middleware and a ``Request`` (measured: about
a tenth of the loop's CPU per batch); anything else goes on to the app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

IngestHandler = Callable[[Scope, Receive], Awaitable[Response]]


class DataHeaders:
    """``Cache-Control: no-store`` and ``X-Content-Type-Options: nosniff`` on every /v1/ response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Cache-Control"] = "no-store"
                headers["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class IngestRoute:
    """``POST /v1/batches`` straight to its handler: inside the CORS and ``DataHeaders`` middleware
    (so its answers carry exactly their headers) but without the router, the exception middleware
    and a ``Request`` (measured: about a tenth of the loop's CPU per batch). Anything else goes on
    to the Starlette app; an exception the handler lets out still reaches ServerErrorMiddleware."""

    def __init__(self, app: ASGIApp, handler: IngestHandler) -> None:
        self.app = app
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and _route_path(scope) == "/v1/batches":
            response = await self.handler(scope, receive)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path the router matches (Starlette's rule: ``root_path`` taken off when it prefixes it)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if not root or not path.startswith(root):
        return path
    if path == root:
        return ""
    return path[len(root):] if path[len(root)] == "/" else path
