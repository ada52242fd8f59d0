"""What a route reads from its request's path and query, checked: a malformed value is a 4xx
(``Refused``), never a 500, and an id of the wrong shape is simply not found (404)."""

from __future__ import annotations

from starlette.requests import Request

from ..errors import Refused
from ..validate import SESSION_PATTERN, VIEW_PATTERN


def paging(request: Request, default: int) -> tuple[int, int]:
    """``limit`` (1-1000) and ``offset`` (or ``after``; non-negative)."""
    try:
        limit = int(request.query_params.get("limit", default))
        offset = int(request.query_params.get("offset", request.query_params.get("after", 0)))
    except ValueError:
        raise Refused(400, "limit and offset must be integers") from None
    if not 1 <= limit <= 1000 or not 0 <= offset < 2**53:
        raise Refused(400, "limit must be 1-1000 and offset non-negative")
    return limit, offset


def flag(request: Request, name: str) -> bool:
    """A query flag: ``0`` (the default) or ``1``."""
    value = request.query_params.get(name, "0")
    if value not in ("0", "1"):
        raise Refused(400, f"{name} must be 0 or 1")
    return value == "1"


def session_param(request: Request) -> str:
    session: str = request.path_params["session"]
    if not SESSION_PATTERN.match(session):
        raise Refused(404, "no such session")
    return session


def batch_params(request: Request) -> tuple[str, str, int]:
    """(session, view, seq) of a batch route."""
    session = session_param(request)
    view, seq = request.path_params["view"], request.path_params["seq"]
    if not VIEW_PATTERN.match(view) or not seq.isdigit() or len(seq) > 16:
        raise Refused(404, "no such batch")
    return session, view, int(seq)


def query_lists(request: Request) -> dict[str, list[str]]:
    """The query's parameters, each with every value it was given (in order)."""
    out: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        out.setdefault(key, []).append(value)
    return out
