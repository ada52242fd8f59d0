"""Share links: an admin shares one visit, view only, for a while; whoever holds the link sees that
visit and nothing else.

Rules: creating, listing and revoking links need an admin, and creating and revoking are audited
(``share-create``, ``share-revoke``). A link is presented in the ``X-Veil-Share`` header (the
viewer keeps it in its URL fragment), never in a path or query. ``visits.share.link_state`` judges
it: an unknown or forged token is a 404, a revoked or expired one a 410 saying which; failed
tokens count against the address like wrong operator tokens (429 past the throttle), and a token
of the wrong shape is refused before any lookup. An open link serves only its own visit: its
description (``GET /v1/shared``), its events and its digest; each read of the events or the digest
is audited as ``share-open`` under the link's id, so the visit's page shows who opened it.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..auth import authority_of, operator_of, requires
from ..errors import Refused
from ..state import collector_of
from ..visits import share
from .params import session_param
from .visits import visit_digest


@requires("admin")
async def create_share(request: Request) -> Response:
    collector, op = collector_of(request), operator_of(request)
    session = session_param(request)
    try:
        body = await request.json() if await request.body() else None
    except ValueError:
        raise Refused(400, "the body must be JSON: {\"hours\": 24, \"atMs\": 12000}") from None
    try:
        hours, at_ms = share.parse_request(body)
    except share.ShareError as err:
        raise Refused(400, str(err)) from None
    if not await collector.calls.run(collector.storage.session_exists, session):
        raise Refused(404, "no such session")
    link = share.new_link(session, time.time(), hours, at_ms)
    await collector.calls.run(collector.storage.create_share, link, op.name)
    await collector.calls.run(collector.storage.audit, op.name, "share-create", session,
                              f"link {link.id}, {hours:g} h" + ("" if at_ms is None else f", at {at_ms:.0f} ms"))
    return JSONResponse({"id": link.id, "session": session, "token": link.token, "fragment": link.fragment(),
                         "url": "/viewer/#" + link.fragment(), "atMs": at_ms, "createdAt": link.created_at,
                         "expiresAt": link.expires_at}, status_code=201)


@requires("admin")
async def list_shares(request: Request) -> Response:
    collector = collector_of(request)
    session = session_param(request)
    links = await collector.calls.run(collector.storage.shares_of, session)
    now = time.time()
    return JSONResponse([link.as_json(now) for link in links])


@requires("admin")
async def revoke_share(request: Request) -> Response:
    collector, op = collector_of(request), operator_of(request)
    link_id = request.path_params["link"]
    if not share.LINK_ID_PATTERN.match(link_id):
        raise Refused(404, "no such share link")
    link = await collector.calls.run(collector.storage.revoke_share, link_id, op.name, time.time())
    if link is None:
        raise Refused(404, "no such share link")
    await collector.calls.run(collector.storage.audit, op.name, "share-revoke", link.session, f"link {link.id}")
    return JSONResponse({"ok": True, "revoked": link.id})


async def _open_link(request: Request) -> share.Link:
    """The open link the request presents; else ``Refused`` (and a failed guess counted)."""
    collector = collector_of(request)
    authority = authority_of(request)
    address = authority.client(request.client.host if request.client else "", request.headers).address
    authority.refuse_if_throttled(address)
    token = request.headers.get(share.HEADER, "")
    if not token:
        raise Refused(401, "a share link is presented in the X-Veil-Share header")
    link = None
    if share.well_formed(token):
        link = await collector.calls.run(collector.storage.share_by_hash, share.token_hash(token))
    state = share.link_state(link, time.time())
    if state == "unknown":
        raise authority.failed_guess(address, *share.refusal(state))
    if state != "open" or link is None:
        raise Refused(*share.refusal(state))
    return link


async def shared(request: Request) -> Response:
    link = await _open_link(request)
    return JSONResponse({"id": link.id, "session": link.session, "atMs": link.at_ms, "createdBy": link.created_by,
                         "expiresAt": link.expires_at})


async def shared_events(request: Request) -> Response:
    collector = collector_of(request)
    link = await _open_link(request)
    collector.streams.check_room()
    await collector.calls.run(collector.storage.audit, f"share:{link.id}", "share-open", link.session,
                              f"events, link made by {link.created_by}")
    return StreamingResponse(collector.streams.stream(link.session), media_type="application/json")


async def shared_digest(request: Request) -> Response:
    collector = collector_of(request)
    link = await _open_link(request)
    await collector.calls.run(collector.storage.audit, f"share:{link.id}", "share-open", link.session,
                              f"digest, link made by {link.created_by}")
    return JSONResponse(await collector.calls.run(visit_digest, collector.storage, link.session))


def routes() -> list[Route]:
    return [
        Route("/v1/sessions/{session}/shares", create_share, methods=["POST"]),
        Route("/v1/sessions/{session}/shares", list_shares, methods=["GET"]),
        Route("/v1/shares/{link}", revoke_share, methods=["DELETE"]),
        Route("/v1/shared", shared, methods=["GET"]),
        Route("/v1/shared/events", shared_events, methods=["GET"]),
        Route("/v1/shared/digest", shared_digest, methods=["GET"]),
    ]
