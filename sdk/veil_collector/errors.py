"""Every failure the collector answers, and the one table from exceptions to HTTP answers.

Rules: the HTTP layer raises (or lets through) an exception and this table words the answer, in
one place (``exception_handlers`` for routed endpoints, ``answer_for`` for the ingest route): a refused request (``Refused``, and ``InvalidBatch`` for a bad body) keeps its 4xx;
``Busy`` (a full queue, a commit that took too long), ``StorageBusy`` and ``StorageUnavailable``
are 503 with ``Retry-After``, never a 500; a client gone mid-body is a 400. Every answer is JSON
``{"ok": false, "error": "..."}``. Anything else is a bug and reaches Starlette's error middleware.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from .storage_api import StorageBusy, StorageUnavailable
from .validate import InvalidBatch

log = logging.getLogger("veil.collector")
E = TypeVar("E", bound=BaseException)


class Refused(Exception):
    """A request the collector refuses with ``status`` (401, 403, 404, 410, 429, ...)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class Busy(Exception):
    """The collector cannot take the request now (a full queue, a commit past its wait): 503."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def error_response(status: int, message: str, retry_after: float | None = None) -> JSONResponse:
    """``{"ok": false, "error": message}`` with ``status`` (and ``Retry-After`` in whole seconds, at least 1)."""
    response = JSONResponse({"ok": False, "error": message}, status_code=status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


@dataclass(frozen=True)
class Answer(Generic[E]):
    """One row of the table: failures of type ``kind`` are answered by ``answer``."""

    kind: type[E]
    answer: Callable[[E], JSONResponse]


def _storage_unavailable(error: StorageUnavailable) -> JSONResponse:
    log.error("storage unavailable", exc_info=error)
    return error_response(503, "storage is unavailable", 5)


# The table: the first row whose type matches words the answer.
ANSWERS: tuple[Answer[Any], ...] = (
    Answer(Refused, lambda e: error_response(e.status, e.message, e.retry_after)),
    Answer(InvalidBatch, lambda e: error_response(e.status, e.message)),
    Answer(Busy, lambda e: error_response(503, e.message, e.retry_after)),
    Answer(StorageBusy, lambda e: error_response(503, "storage is busy", e.retry_after)),
    Answer(StorageUnavailable, _storage_unavailable),
    Answer(ClientDisconnect, lambda e: error_response(400, "client disconnected")),
)


def answer_for(error: BaseException) -> JSONResponse | None:
    """The answer to ``error``, or None when it is not one the collector answers (a bug)."""
    for row in ANSWERS:
        if isinstance(error, row.kind):
            return row.answer(error)
    return None


def exception_handlers() -> dict[Any, Callable[[Request, Exception], Awaitable[Response]]]:
    """The table as Starlette's ``exception_handlers``: what a routed endpoint raises is answered
    here (``POST /v1/batches``, answered ahead of the router, calls ``answer_for`` itself)."""

    def handler(row: Answer[Any]) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def answer(request: Request, error: Exception) -> Response:
            return row.answer(error)

        return answer

    return {row.kind: handler(row) for row in ANSWERS}
