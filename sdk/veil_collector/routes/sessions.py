"""The viewer's routes: the list of visits and a visit's events (operators holding ``viewer``).

Rules: both are audited: a replay opened (``read``) every time, a list once per different listing
an operator is shown (``audit``). A stored summary that cannot be served as strict JSON is skipped
and counted (``skippedOnRead``), never a 500 for anyone.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..audit import listing_detail
from ..auth import operator_of, requires
from ..errors import Refused
from ..state import collector_of
from ..visits.search import SearchError, parse_search
from .params import query_lists, session_param


def json_safe(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The rows that serialize as strict JSON, and how many did not (isolated, never a 500)."""
    kept = []
    for row in rows:
        try:
            json.dumps(row, allow_nan=False).encode()
        except (ValueError, TypeError, UnicodeEncodeError):
            continue
        kept.append(row)
    return kept, len(rows) - len(kept)


@requires("viewer")
async def list_sessions(request: Request) -> Response:
    """The visits, newest activity first, or those a search asks for (``visits.search``: visited and
    not visited paths, errors, frustration kind, duration and date ranges, clicked names, sort and
    page), read from the session index. ``X-Veil-More: 1`` when another page follows."""
    collector, op = collector_of(request), operator_of(request)
    try:
        search = parse_search(query_lists(request), default_limit=200)
        rows = await collector.calls.run(collector.storage.search_visits, search)
    except SearchError as err:
        raise Refused(400, str(err)) from None
    more = len(rows) > search.limit
    rows, bad = json_safe(rows[:search.limit])
    collector.skipped_on_read += bad
    detail = listing_detail(search, len(rows))
    if collector.listings.is_new(op.name, detail, (str(row.get("session")) for row in rows)):
        await collector.calls.run(collector.storage.audit, op.name, "list", None, detail)
    return JSONResponse(rows, headers={"X-Veil-More": "1" if more else "0"})


@requires("viewer")
async def session_events(request: Request) -> Response:
    collector, op = collector_of(request), operator_of(request)
    session = session_param(request)
    if not await collector.calls.run(collector.storage.session_exists, session):
        raise Refused(404, "no such session")
    collector.streams.check_room()
    await collector.calls.run(collector.storage.audit, op.name, "read", session, "")
    return StreamingResponse(collector.streams.stream(session), media_type="application/json")


def routes() -> list[Route]:
    return [
        Route("/v1/sessions", list_sessions, methods=["GET"]),
        Route("/v1/sessions/{session}/events", session_events, methods=["GET"]),
    ]
