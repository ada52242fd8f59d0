"""Status routes: totals and who is signed in (operators holding ``viewer``), and liveness.

Rules: ``/healthz`` touches no storage, so it answers while ingest is saturated.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import operator_of, requires
from ..state import collector_of


@requires("viewer")
async def stats(request: Request) -> Response:
    collector = collector_of(request)
    totals: dict[str, int] = dict(await collector.calls.run(collector.storage.totals))
    totals["skippedOnRead"] = collector.skipped_on_read
    return JSONResponse(totals)


@requires("viewer")
async def whoami(request: Request) -> Response:
    op = operator_of(request)
    return JSONResponse({"name": op.name, "role": op.role})


async def healthz(request: Request) -> Response:
    return JSONResponse({"ok": True})


def routes() -> list[Route]:
    return [
        Route("/v1/stats", stats, methods=["GET"]),
        Route("/v1/whoami", whoami, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
