"""The admin's routes: erase a session, quarantine or delete one batch, read the audit log
(operators holding ``admin``). Every action is audited with the admin's name, after it is done."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import operator_of, requires
from ..errors import Refused
from ..state import collector_of
from .params import batch_params, paging, session_param
from .sessions import json_safe

SESSION = "/v1/sessions/{session}"
BATCH = SESSION + "/batches/{view}/{seq}"


@requires("admin")
async def delete_session(request: Request) -> Response:
    collector, op = collector_of(request), operator_of(request)
    session = session_param(request)
    if not await collector.calls.run(collector.storage.delete_session, session):
        raise Refused(404, "no such session")
    await collector.calls.run(collector.storage.audit, op.name, "delete", session, "")
    return JSONResponse({"ok": True, "deleted": session})


async def _act_on_batch(request: Request, act: Callable[[str, str, int], bool], action: str, done: str) -> Response:
    """An admin's action on one batch: done, audited and answered, or a 404."""
    collector, op = collector_of(request), operator_of(request)
    session, view, seq = batch_params(request)
    if not await collector.calls.run(act, session, view, seq):
        raise Refused(404, "no such batch")
    await collector.calls.run(collector.storage.audit, op.name, action, session, f"{view}/{seq}")
    return JSONResponse({"ok": True, done: [session, view, seq]})


@requires("admin")
async def quarantine_batch(request: Request) -> Response:
    return await _act_on_batch(request, collector_of(request).storage.quarantine_batch, "quarantine-batch", "quarantined")


@requires("admin")
async def delete_batch(request: Request) -> Response:
    return await _act_on_batch(request, collector_of(request).storage.delete_batch, "delete-batch", "deleted")


@requires("admin")
async def audit_log(request: Request) -> Response:
    collector = collector_of(request)
    limit, after = paging(request, 200)
    rows, _ = json_safe(await collector.calls.run(collector.storage.audit_log, limit, after))
    return JSONResponse(rows)


def routes() -> list[Route]:
    return [
        Route(SESSION, delete_session, methods=["DELETE"]),
        Route(BATCH + "/quarantine", quarantine_batch, methods=["POST"]),
        Route(BATCH, delete_batch, methods=["DELETE"]),
        Route("/v1/audit", audit_log, methods=["GET"]),
    ]
