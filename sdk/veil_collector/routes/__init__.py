"""The collector's routes, grouped by concern, each group a module with a ``routes()`` list:

  ingest    POST /v1/batches (answered ahead of the router by ``middleware.IngestRoute``; routed here too)
  sessions  the list of visits and a visit's events (viewer; audited)
  admin     erasure, quarantine, batch deletion, the audit log (admin; audited)
  status    totals, whoami (viewer), /healthz
  visits    a visit's digest, who viewed it, a page view's snapshot, click maps (viewer; audited)
  sharing   share links: made, listed and revoked by an admin; a link's one visit (audited)

Rules: an endpoint takes the request, finds its collector with ``state.collector_of`` and its
operator with ``auth.operator_of`` (after ``@auth.requires(role)``), reaches storage only through
the ``Storage`` protocol in a worker thread, and raises what it refuses (``errors.Refused``), which
the errors table answers. A new concern is a new module here, added to ``all_routes``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..state import collector_of
from ..viewer import viewer_routes
from . import admin, sessions, sharing, status, visits


async def ingest(request: Request) -> Response:
    return await collector_of(request).ingest(request.scope, request.receive)


def all_routes() -> list[BaseRoute]:
    return [
        Route("/v1/batches", ingest, methods=["POST"]),
        *sessions.routes(),
        *admin.routes(),
        *status.routes(),
        *visits.routes(),
        *sharing.routes(),
        *viewer_routes(),
    ]
