"""The example collector: receives Veil batches, checks them, stores them, serves them back.

Rules: the body is read with a hard size limit before anything else, decompressed under a second
limit, validated, scrubbed once more for PII (defence in depth: anything the browser should have
masked and did not is masked here and counted), then stored once per (session, view, seq). Requests
carrying the wrong client token are refused; each client (token and address) is rate-limited.
CORS is limited to the configured origins. Nothing a client sends is executed or echoed.

Routes:
  POST /v1/batches                    gzip JSON batch; header X-Veil-Token when a token is set
  GET  /v1/sessions                   session summaries        (operator token required)
  GET  /v1/sessions/{session}/events  every event of the visit: page views in order, each in seq order
                                                               (operator token required)
  GET  /viewer/                       the replay viewer (data needs the operator token)
  GET  /v1/stats                      totals: batches, events, PII strings masked here
  GET  /healthz                       liveness
"""

from __future__ import annotations

import hmac
import math
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .ratelimit import RateLimiter
from .scrub import scrub_events
from .viewer import viewer_routes
from .storage import Store
from .validate import SESSION_PATTERN, InvalidBatch, gunzip_limited, parse_batch


@dataclass(frozen=True)
class CollectorSettings:
    db_path: str | Path = "veil-collector.sqlite3"
    client_token: str | None = None
    allowed_origins: tuple[str, ...] = ()
    max_body_bytes: int = 2 * 1024 * 1024
    max_decompressed_bytes: int = 16 * 1024 * 1024
    operator_token: str | None = None  # required (Bearer) to read sessions; None leaves them open (tests)
    rate_per_second: float = 20.0  # sustained batches per client
    rate_burst: int = 60
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
    limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)

    async def ingest(request: Request) -> JSONResponse:
        given = request.headers.get("x-veil-token", "")
        if settings.client_token is not None:
            if not hmac.compare_digest(given.encode(), settings.client_token.encode()):
                return _error(401, "missing or wrong X-Veil-Token")
        client = (given, request.client.host if request.client else "")
        wait = limiter.acquire(client)
        if wait > 0:
            response = _error(429, "too many batches from this client")
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        if request.headers.get("content-encoding", "").lower() != "gzip":
            return _error(415, "body must be gzip (Content-Encoding: gzip)")
        try:
            body = await _read_limited(request, settings.max_body_bytes)
            raw = gunzip_limited(body, settings.max_decompressed_bytes)
            session, view, seq, events, dropped = parse_batch(raw)
        except InvalidBatch as err:
            return _error(err.status, err.message)
        except ClientDisconnect:
            return _error(400, "client disconnected")
        events, masked = scrub_events(events)
        stored = store.add(session, view, seq, events, len(body), pii_masked=masked, dropped=dropped, gzip_body=body,
                           raw=raw)
        return JSONResponse({"ok": True, "duplicate": not stored})

    def operator(request: Request) -> bool:
        if settings.operator_token is None:
            return True
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {settings.operator_token}".encode())

    async def sessions(request: Request) -> JSONResponse:
        if not operator(request):
            return _error(401, "operator token required")
        return JSONResponse(store.sessions())

    async def session_events(request: Request) -> JSONResponse:
        if not operator(request):
            return _error(401, "operator token required")
        session = request.path_params["session"]
        if not SESSION_PATTERN.match(session):
            return _error(404, "no such session")
        return JSONResponse(store.events(session))

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def stats(request: Request) -> JSONResponse:
        return JSONResponse(store.totals())

    routes = [
        Route("/v1/batches", ingest, methods=["POST"]),
        Route("/v1/sessions", sessions, methods=["GET"]),
        Route("/v1/sessions/{session}/events", session_events, methods=["GET"]),
        Route("/v1/stats", stats, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        *viewer_routes(),
        *settings.extra_routes,
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.allowed_origins),
            allow_methods=["POST"],
            allow_headers=["content-type", "content-encoding", "x-veil-token"],
            expose_headers=["Retry-After"],
            max_age=600,
        )
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.store = store
    return app
