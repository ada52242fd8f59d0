"""The viewer's routes: the list of visits and a visit's events (operators holding ``viewer``).

Rules: both are audited: a replay opened (``read``) every time, a list once per different listing
an operator is shown (``audit``). A stored summary that cannot be served as strict JSON is skipped
and counted (``skippedOnRead``), never a 500 for anyone.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..audit import listing_detail
from ..auth import operator_of, requires
from ..errors import Refused
from ..state import collector_of
from .params import flag, paging, session_param


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
    collector, op = collector_of(request), operator_of(request)
    limit, offset = paging(request, 200)
    # ?errors=1 / ?frustrations=1: only the visits with an error event / a frustration signal.
    # Passed only when asked for: a storage written before the filters existed still lists.
    with_errors, with_frustrations = flag(request, "errors"), flag(request, "frustrations")
    wanted = {name: True for name, on in (("with_errors", with_errors), ("with_frustrations", with_frustrations)) if on}
    rows, bad = json_safe(await collector.calls.run(partial(collector.storage.sessions, limit, offset, **wanted)))
    collector.skipped_on_read += bad
    detail = listing_detail(limit, offset, with_errors, with_frustrations, len(rows))
    if collector.listings.is_new(op.name, detail, (str(row.get("session")) for row in rows)):
        await collector.calls.run(collector.storage.audit, op.name, "list", None, detail)
    return JSONResponse(rows)


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
