"""The example collector: receives Veil batches, checks them, stores them, serves them back.

Rules: the body is read with a hard size limit before anything else, decompressed under a second
limit, validated, then stored once per (session, seq). Requests carrying the wrong client token are
refused. CORS is limited to the configured origins. Nothing a client sends is executed or echoed.

Routes:
  POST /v1/batches                    gzip JSON batch; header X-Veil-Token when a token is set
  GET  /v1/sessions                   session summaries
  GET  /v1/sessions/{session}/events  every event of a session, in order
  GET  /healthz                       liveness
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .storage import Store
from .validate import SESSION_PATTERN, InvalidBatch, gunzip_limited, parse_batch


@dataclass(frozen=True)
class CollectorSettings:
    db_path: str | Path = "veil-collector.sqlite3"
    client_token: str | None = None
    allowed_origins: tuple[str, ...] = ()
    max_body_bytes: int = 2 * 1024 * 1024
    max_decompressed_bytes: int = 16 * 1024 * 1024
    extra_routes: list = field(default_factory=list)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise InvalidBatch(413, f"body exceeds {limit} bytes")
    chunks = bytearray()
    async for chunk in request.stream():
        chunks += chunk
        if len(chunks) > limit:
            raise InvalidBatch(413, f"body exceeds {limit} bytes")
    return bytes(chunks)


def create_app(settings: CollectorSettings) -> Starlette:
    """An ASGI app for the given settings; ``app.state.store`` is its Store."""
    store = Store(settings.db_path)

    async def ingest(request: Request) -> JSONResponse:
        if settings.client_token is not None:
            given = request.headers.get("x-veil-token", "")
            if not hmac.compare_digest(given.encode(), settings.client_token.encode()):
                return _error(401, "missing or wrong X-Veil-Token")
        if request.headers.get("content-encoding", "").lower() != "gzip":
            return _error(415, "body must be gzip (Content-Encoding: gzip)")
        try:
            body = await _read_limited(request, settings.max_body_bytes)
            session, seq, events = parse_batch(gunzip_limited(body, settings.max_decompressed_bytes))
        except InvalidBatch as err:
            return _error(err.status, err.message)
        except ClientDisconnect:
            return _error(400, "client disconnected")
        stored = store.add(session, seq, events, len(body))
        return JSONResponse({"ok": True, "duplicate": not stored})

    async def sessions(request: Request) -> JSONResponse:
        return JSONResponse(store.sessions())

    async def session_events(request: Request) -> JSONResponse:
        session = request.path_params["session"]
        if not SESSION_PATTERN.match(session):
            return _error(404, "no such session")
        return JSONResponse(store.events(session))

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    routes = [
        Route("/v1/batches", ingest, methods=["POST"]),
        Route("/v1/sessions", sessions, methods=["GET"]),
        Route("/v1/sessions/{session}/events", session_events, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        *settings.extra_routes,
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.allowed_origins),
            allow_methods=["POST"],
            allow_headers=["content-type", "content-encoding", "x-veil-token"],
            max_age=600,
        )
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.store = store
    return app
