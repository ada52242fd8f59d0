"""What operators ask of one visit, or of many: its digest, who viewed it, click maps (viewer).

Rules: every answer is read from what the collector stored (masked in the visitor's browser) and
every read of a visit's content is audited: a digest (``digest``), a page view's snapshot for a
click map (``read``, with the view), a click map over many visits (``clickmap``, with its query).
Who viewed a visit comes from the audit log itself. A bad query is a 400 naming what was wrong
(``visits.search.SearchError``), an id of the wrong shape or a visit that is not stored a 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import operator_of, requires
from ..errors import Refused
from ..state import collector_of
from ..storage_api import Storage
from ..validate import VIEW_PATTERN
from ..visits.clickmap import parse_clickmap, summarize
from ..visits.digest import digest
from ..visits.search import SearchError
from .params import query_lists, session_param

SESSION = "/v1/sessions/{session}"
# Audit actions that read a visit's content, and how "who viewed this visit" words each.
READS = {"read": "opened the replay", "digest": "read the digest", "mcp-digest": "an agent read the digest",
         "mcp-events": "an agent read the events", "share-open": "opened it through a share link"}


def stored_events(storage: Storage, session: str) -> Iterator[Any]:
    """A stored visit's events, one batch in memory at a time (blocking)."""
    for chunk in storage.iter_event_chunks(session):
        yield from orjson.loads(b"[" + chunk + b"]")


def visit_digest(storage: Storage, session: str) -> dict[str, Any]:
    """The digest of a stored visit, read as it streams (blocking)."""
    return digest(session, stored_events(storage, session)).as_json()


@requires("viewer")
async def session_digest(request: Request) -> Response:
    collector, op = collector_of(request), operator_of(request)
    session = session_param(request)
    if not await collector.calls.run(collector.storage.session_exists, session):
        raise Refused(404, "no such session")
    await collector.calls.run(collector.storage.audit, op.name, "digest", session, "")
    return JSONResponse(await collector.calls.run(visit_digest, collector.storage, session))


@requires("viewer")
async def session_viewers(request: Request) -> Response:
    collector = collector_of(request)
    session = session_param(request)
    if not await collector.calls.run(collector.storage.session_exists, session):
        raise Refused(404, "no such session")
    rows = await collector.calls.run(collector.storage.visit_reads, session, tuple(READS), 200)
    return JSONResponse([{"at": r["at"], "who": r["actor"], "action": r["action"], "what": READS.get(r["action"], r["action"]),
                          "detail": r["detail"]} for r in rows])


@requires("viewer")
async def view_snapshot(request: Request) -> Response:
    """A page view's start (its meta event and first full snapshot): the page a click map is drawn on."""
    collector, op = collector_of(request), operator_of(request)
    session = session_param(request)
    view = request.path_params["view"]
    if not VIEW_PATTERN.match(view):
        raise Refused(404, "no such page view")
    events = await collector.calls.run(collector.storage.view_start, session, view)
    if not events:
        raise Refused(404, "no such page view, or no snapshot of it is stored")
    await collector.calls.run(collector.storage.audit, op.name, "read", session, f"snapshot of page view {view}")
    return JSONResponse(events)


@requires("viewer")
async def clickmap(request: Request) -> Response:
    collector, op = collector_of(request), operator_of(request)
    try:
        query = parse_clickmap(query_lists(request))
    except SearchError as err:
        raise Refused(400, str(err)) from None
    try:
        points = await collector.calls.run(collector.storage.click_points, query)
    except SearchError as err:
        raise Refused(400, str(err)) from None
    answer = summarize(query, points)
    await collector.calls.run(collector.storage.audit, op.name, "clickmap", None,
                              f"page={query.page}: {len(points)} clicks of {answer['visits']} visits")
    return JSONResponse(answer)


def routes() -> list[Route]:
    return [
        Route(SESSION + "/digest", session_digest, methods=["GET"]),
        Route(SESSION + "/viewers", session_viewers, methods=["GET"]),
        Route(SESSION + "/views/{view}/snapshot", view_snapshot, methods=["GET"]),
        Route("/v1/clickmap", clickmap, methods=["GET"]),
    ]
