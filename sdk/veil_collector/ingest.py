"""``POST /v1/batches``: from the request to the answer given once the batch is durable.

Rules: the client token is checked first (``auth``), then the body's coding (gzip, else 415), the
rate limit (429: per client, from the storage's buckets) and the body, read with a hard size limit
before anything else (413). The batch is prepared (``prepare``) and bound to its session: a key
given must be the session's (derived from the server's secret, ``access.session_key``; else 403);
a batch sent without it is queued ``keyless`` and the writer decides, in the transaction that
would store it (``Storage.submit``). The loop, not a thread, awaits the commit (group commit: one
per writer, shared by every batch queued meanwhile) and answers only once it is durable, with the
session's key. Where the storage keeps its rate buckets in this process, the bucket is asked on
the loop before the body is read, and a small batch the scanner vouches for is prepared and
queued on the loop too (bounded: a thread hop costs more); anything else takes one hop to an
ingest thread. Every failure is raised and answered by the errors table.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hmac
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope

from .access import session_key
from .auth import Authority
from .errors import Busy, Refused, answer_for, error_response
from .prepare import prepare_batch, prepare_small_on_loop
from .settings import CollectorSettings
from .storage_api import AddResult, IncomingBatch, Storage, StorageBusy
from .threads import IngestThreads
from .validate import InvalidBatch

WRITE_WAIT_SECONDS = 60.0  # a batch whose commit takes longer is answered 503 (its retry: `duplicate`)
TOO_MANY_BATCHES = "too many batches from this client"

# How the writer's refusals are answered (a stored or duplicate batch is answered ``ok``).
REFUSALS = {
    AddResult.CONFLICT: (409, "a different batch is already stored under this (session, view, seq)"),
    AddResult.KEY_REQUIRED: (403, "session key required"),
    AddResult.ERASED: (410, "this session was erased: it accepts no more batches"),
}


class Committing:
    """A batch queued for the writer: the answer follows its commit."""

    __slots__ = ("future", "key")

    def __init__(self, future: concurrent.futures.Future[AddResult], key: str) -> None:
        self.future = future
        self.key = key  # the session key the answer hands out


def header_map(scope: Scope) -> dict[str, str]:
    """Request headers by lower-case name, the first of a repeated one (as ``Headers.get``)."""
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return headers


async def read_limited(headers: dict[str, str], receive: Receive, limit: int) -> bytes:
    """The request body, refused (413) as soon as it is known to exceed ``limit`` bytes."""
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise InvalidBatch(413, f"body exceeds {limit} bytes")
    chunks = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        if message["type"] != "http.request":
            continue
        chunk = message.get("body", b"")
        if not message.get("more_body", False) and not chunks:
            if len(chunk) > limit:
                raise InvalidBatch(413, f"body exceeds {limit} bytes")
            return bytes(chunk)  # the whole body in one message: no copy
        chunks += chunk
        if len(chunks) > limit:
            raise InvalidBatch(413, f"body exceeds {limit} bytes")
        if not message.get("more_body", False):
            return bytes(chunks)


def _settle(waiter: asyncio.Future[Any], done: concurrent.futures.Future[Any]) -> None:
    """Copy a finished writer future into the loop's future (unless the waiter gave up)."""
    if waiter.done():
        return
    error = done.exception() if not done.cancelled() else StorageBusy("the write was cancelled")
    if error is not None:
        waiter.set_exception(error)
    else:
        waiter.set_result(done.result())


class Ingest:
    """The ingest of one app: ``await ingest(scope, receive)`` is the answer to a ``POST /v1/batches``."""

    def __init__(self, settings: CollectorSettings, storage: Storage, authority: Authority, session_secret: bytes,
                 threads: IngestThreads) -> None:
        self._storage = storage
        self._authority = authority
        self._secret = session_secret
        self._threads = threads
        self._rate = (settings.rate_per_second, settings.rate_burst)
        self._max_body = settings.max_body_bytes
        self._max_decompressed = settings.max_decompressed_bytes

    async def __call__(self, scope: Scope, receive: Receive) -> Response:
        try:
            return await self._ingest(scope, receive)
        except Exception as error:
            answer = answer_for(error)
            if answer is None:
                raise
            return answer

    async def _ingest(self, scope: Scope, receive: Receive) -> Response:
        headers = header_map(scope)
        peer = scope.get("client")
        who = self._authority.client(peer[0] if peer else "", headers)
        self._authority.check_client_token(who.address, headers.get("x-veil-token", ""))
        if headers.get("content-encoding", "").lower() != "gzip":
            raise Refused(415, "body must be gzip (Content-Encoding: gzip)")
        given_key = headers.get("x-veil-session-key") or None
        if self._storage.rate_limits_in_process:
            # Buckets in this process take microseconds: asked on the loop, before reading the body.
            self._take_rate(who.rate_key)
            body = await read_limited(headers, receive, self._max_body)
            # A small batch the scanner vouches for needs no storage read before its write (the
            # writer checks a keyless one): it is prepared and queued here, on the loop.
            small = prepare_small_on_loop(body, self._max_decompressed)
            if small is not None:
                pending = self._bind(small, given_key)
            else:
                pending = await self._threads.run(self._prepare_and_bind, body, given_key, None)
        else:
            body = await read_limited(headers, receive, self._max_body)
            # One thread hop for the rest: the shared bucket (a database call), prepare, queue.
            pending = await self._threads.run(self._prepare_and_bind, body, given_key, who.rate_key)
        return await self._committed(pending)

    def _take_rate(self, rate_key: str) -> None:
        wait = self._storage.rate_acquire(rate_key, *self._rate)
        if wait > 0:
            raise Refused(429, TOO_MANY_BATCHES, wait)

    def _prepare_and_bind(self, body: bytes, given_key: str | None, rate_key: str | None) -> Committing:
        """Everything after the body is read, in one ingest thread, up to queueing the batch."""
        if rate_key is not None:
            self._take_rate(rate_key)
        return self._bind(prepare_batch(body, self._max_decompressed), given_key)

    def _bind(self, batch: IncomingBatch, given_key: str | None) -> Committing:
        """Check the session key and queue the batch (no storage read: a batch sent without its key
        is checked by the writer, in the transaction that stores it)."""
        key = session_key(self._secret, batch.session)
        if given_key is None:
            return Committing(self._storage.submit(batch, True), key)
        if not hmac.compare_digest(key.encode(), given_key.encode("utf-8", "replace")):
            raise Refused(403, "wrong session key")
        return Committing(self._storage.submit(batch), key)

    async def _committed(self, pending: Committing) -> JSONResponse:
        """The answer once the batch's transaction committed, awaited on the loop (no thread held, so
        every request in flight can share one commit)."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()

        def done(future: concurrent.futures.Future[AddResult]) -> None:  # in the writer thread
            if not loop.is_closed():
                loop.call_soon_threadsafe(_settle, waiter, future)

        # (Not wait_for + shield + wrap_future: a task and two futures per batch. Cancelling this
        # wait, when the client goes away, leaves the write alone.)
        pending.future.add_done_callback(done)
        try:
            async with asyncio.timeout(WRITE_WAIT_SECONDS):
                result: AddResult = await waiter
        except TimeoutError:
            raise Busy("the write did not complete in time", 1) from None  # a retry is answered `duplicate`
        refusal = REFUSALS.get(result)
        if refusal is not None:
            return error_response(*refusal)
        return JSONResponse({"ok": True, "duplicate": result is AddResult.DUPLICATE, "sessionKey": pending.key})
