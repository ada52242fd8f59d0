"""The example collector: receives Veil batches, checks them, stores them, serves them back to operators.

Rules: the body is read with a hard size limit before anything else; decompression, strict
validation (a compiled one-pass scanner vouches for the common batch, the exact Python path
decides everything else), the PII scrub (defence in depth: anything the browser should have
masked and did not is masked here and counted) and every storage call run in worker threads
behind a bounded limiter, so nothing blocks the event loop and ``/healthz`` answers while ingest
is saturated (except the fast path of a small batch with its session key on SQLite, bounded to
well under 2 ms: a thread hop costs more). The loop, not a thread, awaits a batch's commit (group
commit: one per writer, shared by every batch queued meanwhile), and answers only once it is
durable. ``POST /v1/batches`` is answered
inside the CORS and data-header middleware but ahead of the router (``IngestRoute``). A batch sent
without its session key is checked by the writer, in the transaction that stores it. A batch is stored
once per (session, view, seq); a session is bound to its writer by a key derived from the server's
session secret (see ``access.session_key``): the first answer of a session hands it out, every later
batch must carry it. Storage lock waits are bounded: ``StorageBusy``/``StorageUnavailable`` become
503 with Retry-After, never a 500. Every read needs a named operator (viewer or admin); deleting and
quarantining need an admin, and every session read, session listing (``audit.RecentListings``),
deletion and purge is written to the audit log. An erased session refuses every later batch (410).
Failed credentials are throttled per address, and a throttled address is answered before any token
is hashed. Forwarded headers count only from configured proxies (uvicorn's own rule is off:
``serving``).
Data routes are ``no-store`` and ``nosniff``. Nothing a client sends is executed or echoed.

Routes:
  POST   /v1/batches                                     gzip JSON batch (X-Veil-Token, X-Veil-Session-Key)
  GET    /v1/sessions?limit=&offset=&errors=&frustrations=   one summary per visit (errors=1 / frustrations=1:
                                                         only visits with an error / a frustration signal) (viewer; audited)
  GET    /v1/sessions/{session}/events                   the visit's events, streamed   (viewer; audited)
  DELETE /v1/sessions/{session}                          erase a session                (admin; audited)
  POST   /v1/sessions/{session}/batches/{view}/{seq}/quarantine   hide one batch        (admin; audited)
  DELETE /v1/sessions/{session}/batches/{view}/{seq}     delete one batch               (admin; audited)
  GET    /v1/audit?after=&limit=                         the audit log, oldest first    (admin)
  GET    /v1/stats                                       totals                         (viewer)
  GET    /v1/whoami                                      the operator's name and role   (viewer)
  GET    /viewer/                                        the replay viewer (data needs an operator token)
  GET    /healthz                                        liveness (touches no storage)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import orjson
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .audit import RecentListings, listing_detail
from .access import (Client, Operator, Operators, client_of, decode_key, load_operators, read_secret,
                     session_key)
from . import storage as backends
from .ratelimit import FailureThrottle
from .storage.common import MemoryBuckets
from .storage.common import context_counts
from .scan import Scanned, scan
from .scrub import scrub_events
from .storage_api import AddResult, IncomingBatch, Storage, StorageBusy, StorageUnavailable
from .validate import SESSION_PATTERN, VIEW_PATTERN, InvalidBatch, gunzip_isal, gunzip_limited, parse_batch_with_strings
from .viewer import viewer_routes

log = logging.getLogger("veil.collector")
T = TypeVar("T")
STREAM_STALL_SECONDS = 30.0  # a reader that takes nothing for this long is dropped
INLINE_BODY_BYTES = 64 * 1024  # see prepare_small_on_loop
INLINE_DECOMPRESSED_BYTES = 1024 * 1024
WRITE_WAIT_SECONDS = 60.0  # a batch whose commit takes longer is answered 503 (its retry: `duplicate`)


@dataclass(frozen=True)
class CollectorSettings:
    db_path: str | Path = "veil-collector.sqlite3"
    client_token: str | None = None
    allowed_origins: tuple[str, ...] = ()
    max_body_bytes: int = 2 * 1024 * 1024
    max_decompressed_bytes: int = 16 * 1024 * 1024
    operator_token: str | None = None  # one admin named "operator" (the demo's); reads need an operator
    operators: tuple[Operator, ...] = ()  # named operators (VEIL_OPERATORS_FILE)
    session_secret: bytes | None = None  # derives session write keys; None: random per process
    master_key: bytes | None = None  # encryption at rest, for backends that do it
    trusted_proxies: tuple[str, ...] = ()  # peers whose X-Forwarded-For / X-Veil-User are believed
    retention_days: float | None = None  # sessions idle longer are erased by the purge
    purge_interval_seconds: float = 3600.0
    rate_per_second: float = 20.0  # sustained batches per client (address, or user behind the proxy)
    rate_burst: int = 60
    failures_allowed: int = 5  # failed credentials per address before 429
    failure_forgive_seconds: float = 10.0
    storage_threads: int = 8  # concurrent parse/scrub/storage calls
    max_waiting: int = 64  # requests queued for a thread beyond which ingest answers 503
    max_streams: int = 8  # concurrent session reads
    storage: Storage | None = None  # None: SQLite at db_path through the adapter
    extra_routes: list = field(default_factory=list)


@dataclass(frozen=True)
class Committing:
    """A batch queued for the writer: the answer follows its commit."""

    future: concurrent.futures.Future[AddResult]
    key: str  # the session key the answer hands out


class Busy(Exception):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _error(status: int, message: str, retry_after: float | None = None) -> JSONResponse:
    response = JSONResponse({"ok": False, "error": message}, status_code=status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


def open_storage(settings: CollectorSettings) -> Storage:
    """The storage the settings name: a SQLite file or a postgresql:// URL, encrypted at rest."""
    if settings.storage is not None:
        return settings.storage
    given = read_secret("VEIL_MASTER_KEY")
    return backends.Store(settings.db_path, settings.master_key or (decode_key(given) if given else None))


class DataHeaders:
    """``Cache-Control: no-store`` and ``X-Content-Type-Options: nosniff`` on every /v1/ response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Cache-Control"] = "no-store"
                headers["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class IngestRoute:
    """``POST /v1/batches`` straight to its handler: inside the CORS and ``DataHeaders`` middleware
    (so its answers carry exactly their headers) but without the router, the exception middleware
    and a ``Request`` (measured: about a tenth of the loop's CPU per batch). Anything else goes on
    to the Starlette app; an exception the handler lets out still reaches ServerErrorMiddleware."""

    def __init__(self, app: ASGIApp, handler: Callable[[Scope, Receive], Any]) -> None:
        self.app = app
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and _route_path(scope) == "/v1/batches":
            response = await self.handler(scope, receive)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path the router matches (Starlette's rule: ``root_path`` taken off when it prefixes it)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if not root or not path.startswith(root):
        return path
    if path == root:
        return ""
    return path[len(root):] if path[len(root)] == "/" else path


def _header_map(scope: Scope) -> dict[str, str]:
    """Request headers by lower-case name, the first of a repeated one (as ``Headers.get``)."""
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return headers


async def _read_limited(headers: dict[str, str], receive: Receive, limit: int) -> bytes:
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


class IngestThreads:
    """The ingest's worker threads: ``threads`` at once, ``max_waiting`` more queued, beyond which a
    request is ``Busy`` at once. A plain executor: a hop costs about half the CPU of
    ``anyio.to_thread`` (measured, 16 at once: 34 against 77 µs per call)."""

    def __init__(self, threads: int, max_waiting: int) -> None:
        self._threads = threads
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="veil-ingest")
        self._limit = threads + max_waiting
        self._in_flight = 0  # touched on the event loop only

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._in_flight >= self._limit:
            raise Busy("collector is busy", 1)
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        finally:
            self._in_flight -= 1

    def close(self) -> None:
        """Let the threads go (a later lifespan of the same app starts new ones, lazily)."""
        pool, self._pool = self._pool, concurrent.futures.ThreadPoolExecutor(
            self._threads, thread_name_prefix="veil-ingest")
        pool.shutdown(wait=False, cancel_futures=True)


def _settle(waiter: asyncio.Future[Any], done: concurrent.futures.Future[Any]) -> None:
    """Copy a finished writer future into the loop's future (unless the waiter gave up)."""
    if waiter.done():
        return
    error = done.exception() if not done.cancelled() else StorageBusy("the write was cancelled")
    if error is not None:
        waiter.set_exception(error)
    else:
        waiter.set_result(done.result())


def body_digest(body: bytes) -> str:
    """What tells a retry from another batch under the same identity: sha256 of the gzip body as
    received, leaving out the header's MTIME, XFL and OS bytes (4-9), so that compressing the same
    text again with the same compressor (veil.js resends the very bytes; ``gzip.compress`` stamps
    the time) is still a retry. A fifth of the work of hashing the decompressed text (22 KB against
    150 KB for the median batch). Only the body's writer has these bytes: the digest is what lets a
    retry sent without its session key be answered with it."""
    digest = hashlib.sha256(body[:4])
    digest.update(memoryview(body)[10:])
    return digest.hexdigest()


def prepare_batch(body: bytes, max_decompressed: int) -> IncomingBatch:
    """Decompress, validate and scrub one batch (blocking: runs in a worker thread).

    Two paths, one outcome: the compiled scanner (``scan``) vouches, in one pass without building
    any object, for a batch that is valid and has nothing to scrub (nearly every batch), which is
    then kept as the gzip body it arrived in; anything else takes the exact path (parse, check,
    walk and scrub), which decides and words every refusal."""
    raw = gunzip_limited(body, max_decompressed)
    scanned = scan(raw)
    if scanned is not None:
        return _scanned_batch(scanned, body, raw)
    return _exact_batch(body, raw)


def prepare_small_on_loop(body: bytes, max_decompressed: int) -> IncomingBatch | None:
    """The fast path alone, bounded so that the event loop may run it (a thread hop costs more CPU
    than the work: ~0.4 ms per batch, measured): a body of at most ``INLINE_BODY_BYTES`` that
    inflates to at most ``INLINE_DECOMPRESSED_BYTES`` and that the scanner vouches for (well under
    2 ms of work in the worst case). None: the caller runs ``prepare_batch`` in a worker thread."""
    if len(body) > INLINE_BODY_BYTES:
        return None
    raw = gunzip_isal(body, min(max_decompressed, INLINE_DECOMPRESSED_BYTES))
    scanned = None if raw is None else scan(raw)
    return None if scanned is None or raw is None else _scanned_batch(scanned, body, raw)


_NAVIGATION = b"veil:navigation"
_ERROR = b"veil:error"
_FRUSTRATION = b"veil:frustration"


def _scanned_batch(batch: Scanned, body: bytes, raw: bytes) -> IncomingBatch:
    """A batch the scanner vouched for: valid, nothing to scrub, stored as received."""
    return IncomingBatch(
        session=batch.session, view=batch.view, seq=batch.seq, events_json=batch.events_json,
        event_count=batch.event_count, first_ts=batch.first_ts, last_ts=batch.last_ts, body_bytes=len(body),
        pii_masked=0, pages=batch.meta_count + batch.tags.count(_NAVIGATION), dropped=batch.dropped,
        digest=body_digest(body), gzip_body=body,
        errors=batch.tags.count(_ERROR), frustrations=batch.tags.count(_FRUSTRATION),  # the listing's counts
    )


def _exact_batch(body: bytes, raw: bytes) -> IncomingBatch:
    """Parse, check and scrub with the exact path (what the scanner does not vouch for)."""
    session, view, seq, events, dropped, strings = parse_batch_with_strings(raw)
    try:
        events, masked = scrub_events(events, strings)
    except Exception:  # fail closed: what could not be scrubbed is not stored
        log.exception("scrubbing a batch failed")
        raise InvalidBatch(422, "the batch could not be scrubbed; it was not stored") from None
    stamps = [e["timestamp"] for e in events]
    errors, frustrations = context_counts(raw)  # two byte counts of the text already in hand
    return IncomingBatch(
        session=session, view=view, seq=seq,
        events_json=orjson.dumps(events),  # validated: finite numbers, valid Unicode
        event_count=len(events), first_ts=min(stamps), last_ts=max(stamps), body_bytes=len(body),
        pii_masked=masked, pages=_pages(events), dropped=dropped, digest=body_digest(body),
        gzip_body=body if masked == 0 else None,  # the exact bytes validated, when the scrub changed nothing
        errors=errors, frustrations=frustrations,
    )


def _pages(events: list[dict[str, Any]]) -> int:
    """Page views in a batch: full page loads (meta events) and SPA navigations."""
    return sum(
        1 for e in events
        if e.get("type") == 4 or (e.get("type") == 5 and isinstance(e.get("data"), dict) and e["data"].get("tag") == "veil:navigation")
    )


def _json_safe(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The rows that serialize as strict JSON, and how many did not (isolated, never a 500)."""
    kept = []
    for row in rows:
        try:
            json.dumps(row, allow_nan=False).encode()
        except (ValueError, TypeError, UnicodeEncodeError):
            continue
        kept.append(row)
    return kept, len(rows) - len(kept)


def create_app(settings: CollectorSettings) -> Starlette:
    """An ASGI app for the given settings; ``app.state.store`` is its Storage."""
    storage = open_storage(settings)
    # Settings made in code win; a process started for ``--workers`` finds its secrets where its
    # parent did, in the environment (names of files, never the secrets on argv).
    from_env = read_secret("VEIL_SESSION_SECRET")
    session_secret = settings.session_secret or (from_env.encode() if from_env else secrets.token_bytes(32))
    operators_file = os.environ.get("VEIL_OPERATORS_FILE")
    operators = Operators(list(settings.operators) or (load_operators(operators_file) if operators_file else []))
    if settings.operator_token:
        token_hash = "sha256:" + hashlib.sha256(settings.operator_token.encode()).hexdigest()
        operators = Operators([*operators.operators, Operator("operator", "admin", token_hash)])
    trusted = frozenset(settings.trusted_proxies)
    throttle = FailureThrottle(settings.failures_allowed, settings.failure_forgive_seconds)
    ingest_threads = IngestThreads(settings.storage_threads, settings.max_waiting)
    read_limiter = anyio.CapacityLimiter(max(2, settings.storage_threads // 2))
    streams = {"open": 0}
    listings = RecentListings()
    counters = {"skippedOnRead": 0}

    async def run(limiter: anyio.CapacityLimiter, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker thread; a full queue or a busy database is ``Busy``."""
        if limiter.statistics().tasks_waiting >= settings.max_waiting:
            raise Busy("collector is busy", 1)
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)
        except StorageBusy as err:
            raise Busy("storage is busy", err.retry_after) from None
        except StorageUnavailable:
            log.exception("storage unavailable")
            raise Busy("storage is unavailable", 5) from None

    async def run_ingest(fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in an ingest thread; a full queue or a busy database is ``Busy``."""
        try:
            return await ingest_threads.run(fn, *args)
        except StorageBusy as err:
            raise Busy("storage is busy", err.retry_after) from None
        except StorageUnavailable:
            log.exception("storage unavailable")
            raise Busy("storage is unavailable", 5) from None

    def client(request: Request) -> Client:
        return client_of(request.client.host if request.client else "", request.headers, trusted)

    def check_credential(address: str, ok: bool) -> JSONResponse | None:
        """None when the credential is right; else a 401, or a 429 once the address failed too often."""
        wait = throttle.blocked(address)
        if wait > 0:
            return _error(429, "too many failed credentials from this address", wait)
        if ok:
            return None
        wait = throttle.failed(address)
        if wait > 0:
            return _error(429, "too many failed credentials from this address", wait)
        return None if ok else _error(401, "missing or wrong credential")

    async def authorize(request: Request, admin: bool = False) -> Operator | JSONResponse:
        if not operators:
            return _error(401, "no operator is configured: reads are closed")
        address = client(request).address
        # The throttle answers first: a throttled address costs no hashing, right token or wrong.
        wait = throttle.blocked(address)
        if wait > 0:
            return _error(429, "too many failed credentials from this address", wait)
        given = request.headers.get("authorization", "")
        if not given:  # no credential is no guess: not counted
            return _error(401, "operator token required (Authorization: Bearer ...)")
        scheme, _, token = given.partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else ""
        # A token verified moments ago is found without hashing, on the loop; else in a thread: an
        # scrypt hash costs tens of milliseconds the event loop must not spend.
        op = operators.remembered(token) or (await anyio.to_thread.run_sync(operators.authenticate, token)
                                             if token else None)
        if op is None:
            wait = throttle.failed(address)
            if wait > 0:
                return _error(429, "too many failed credentials from this address", wait)
            return _error(401, "operator token required (Authorization: Bearer ...)")
        if admin and not op.is_admin:
            return _error(403, "this needs an admin operator")
        return op

    # The backends' own writer queue (``GroupCommit.submit``), unless the settings brought a storage.
    submit = getattr(storage, "submit", None) if settings.storage is None else None

    def bind_and_store(batch: IncomingBatch, given_key: str | None) -> JSONResponse | Committing:
        """Check the session key and queue the batch (no storage read: a batch sent without its key
        is checked by the writer, in the transaction that stores it; see ``submit``'s ``keyless``)."""
        key = session_key(session_secret, batch.session)
        if given_key is not None:
            if not hmac.compare_digest(key.encode(), given_key.encode("utf-8", "replace")):
                return _error(403, "wrong session key")
        elif submit is not None:
            return Committing(submit(batch, True), key)
        elif storage.session_exists(batch.session):
            # Only the writer knows these exact bytes: its retry of a batch whose answer was lost.
            if storage.stored_digest(batch.session, batch.view, batch.seq) == batch.digest:
                return JSONResponse({"ok": True, "duplicate": True, "sessionKey": key})
            # The page view that created the session may still be waiting for its first answer (or
            # sending its unload batches at once, before any answer): its random view id, which
            # travels only inside batch bodies, vouches for it. Any other page view needs the key.
            if batch.view not in storage.views(batch.session):
                return _error(403, "session key required")
        if submit is None:  # a storage given in the settings: its ``add``, waited for in this thread
            return stored_answer(storage.add(batch), key)
        return Committing(submit(batch), key)

    def stored_answer(result: AddResult, key: str) -> JSONResponse:
        if result is AddResult.CONFLICT:
            return _error(409, "a different batch is already stored under this (session, view, seq)")
        if result is AddResult.KEY_REQUIRED:
            return _error(403, "session key required")
        if result is AddResult.ERASED:
            return _error(410, "this session was erased: it accepts no more batches")
        return JSONResponse({"ok": True, "duplicate": result is AddResult.DUPLICATE, "sessionKey": key})

    async def committed(pending: Committing) -> JSONResponse:
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
                result = await waiter
        except TimeoutError:
            raise Busy("the write did not complete in time", 1) from None  # a retry is answered `duplicate`
        except StorageBusy as err:
            raise Busy("storage is busy", err.retry_after) from None
        except StorageUnavailable:
            log.exception("storage unavailable")
            raise Busy("storage is unavailable", 5) from None
        return stored_answer(result, pending.key)

    # SQLite keeps its rate buckets in this process's memory: no thread is needed to consult them.
    storage_buckets = getattr(getattr(storage, "backend", storage), "_buckets", None)

    def prepare_and_store(body: bytes, given_key: str | None, rate_key: str | None) -> JSONResponse | Committing:
        """Everything after the body is read, in one worker thread (one hop per request), up to
        queueing the batch for the writer; the loop then awaits its commit (``committed``)."""
        if rate_key is not None:
            wait = storage.rate_acquire(rate_key, settings.rate_per_second, settings.rate_burst)
            if wait > 0:
                return _error(429, "too many batches from this client", wait)
        batch = prepare_batch(body, settings.max_decompressed_bytes)
        return bind_and_store(batch, given_key)

    async def ingest(request: Request) -> Response:
        return await ingest_asgi(request.scope, request.receive)  # (IngestRoute answers first)

    async def ingest_asgi(scope: Scope, receive: Receive) -> Response:
        headers = _header_map(scope)
        peer = scope.get("client")
        who = client_of(peer[0] if peer else "", headers, trusted)
        if settings.client_token is not None:
            given = headers.get("x-veil-token", "")
            right = hmac.compare_digest(given.encode("utf-8", "replace"), settings.client_token.encode())
            refused = check_credential(who.address, right)
            if refused is not None:
                return refused if refused.status_code == 429 else _error(401, "missing or wrong X-Veil-Token")
        if headers.get("content-encoding", "").lower() != "gzip":
            return _error(415, "body must be gzip (Content-Encoding: gzip)")
        given_key = headers.get("x-veil-session-key") or None
        try:
            if isinstance(storage_buckets, MemoryBuckets):
                # In-memory buckets take microseconds: ask on the loop, before reading the body.
                wait = storage_buckets.acquire(who.rate_key, settings.rate_per_second, settings.rate_burst)
                if wait > 0:
                    return _error(429, "too many batches from this client", wait)
                body = await _read_limited(headers, receive, settings.max_body_bytes)
                # A small batch the scanner vouches for needs no storage read before its write (the
                # writer checks a keyless one): it is prepared and queued here, on the loop.
                small = prepare_small_on_loop(body, settings.max_decompressed_bytes) if submit is not None else None
                if small is not None:
                    try:
                        answer = bind_and_store(small, given_key)
                    except StorageBusy as err:  # the writer's queue is full
                        raise Busy("storage is busy", err.retry_after) from None
                else:
                    answer = await run_ingest(prepare_and_store, body, given_key, None)
            else:
                body = await _read_limited(headers, receive, settings.max_body_bytes)
                # One thread hop for the rest: the shared bucket (a database call), prepare, store.
                answer = await run_ingest(prepare_and_store, body, given_key, who.rate_key)
            return await committed(answer) if isinstance(answer, Committing) else answer
        except InvalidBatch as err:
            return _error(err.status, err.message)
        except ClientDisconnect:
            return _error(400, "client disconnected")
        except Busy as err:
            return _error(503, err.message, err.retry_after)

    def _paging(request: Request, default: int) -> tuple[int, int]:
        try:
            limit = int(request.query_params.get("limit", default))
            offset = int(request.query_params.get("offset", request.query_params.get("after", 0)))
        except ValueError:
            raise InvalidBatch(400, "limit and offset must be integers") from None
        if not 1 <= limit <= 1000 or not 0 <= offset < 2**53:
            raise InvalidBatch(400, "limit must be 1-1000 and offset non-negative")
        return limit, offset

    def _session_param(request: Request) -> str:
        session = request.path_params["session"]
        if not SESSION_PATTERN.match(session):
            raise InvalidBatch(404, "no such session")
        return session

    def reading(handler: Callable[..., Any], admin: bool = False) -> Callable[[Request], Any]:
        """Wrap a read or admin route: operator check, then 4xx/503 for whatever it raises."""

        async def route(request: Request) -> Response:
            op = await authorize(request, admin)
            if isinstance(op, Response):
                return op
            try:
                return await handler(request, op)
            except InvalidBatch as err:
                return _error(err.status, err.message)
            except Busy as err:
                return _error(503, err.message, err.retry_after)

        return route

    def _flag(request: Request, name: str) -> bool:
        value = request.query_params.get(name, "0")
        if value not in ("0", "1"):
            raise InvalidBatch(400, f"{name} must be 0 or 1")
        return value == "1"

    async def sessions(request: Request, op: Operator) -> Response:
        limit, offset = _paging(request, 200)
        # ?errors=1 / ?frustrations=1: only the visits with an error event / a frustration signal.
        # Passed only when asked for: a storage written before the filters existed still lists.
        flags = {"with_errors": _flag(request, "errors"), "with_frustrations": _flag(request, "frustrations")}
        wanted = {name: True for name, on in flags.items() if on}
        rows, bad = _json_safe(await run(read_limiter, partial(storage.sessions, limit, offset, **wanted)))
        counters["skippedOnRead"] += bad
        detail = listing_detail(limit, offset, flags["with_errors"], flags["with_frustrations"], len(rows))
        if listings.is_new(op.name, detail, (str(row.get("session")) for row in rows)):
            await run(read_limiter, storage.audit, op.name, "list", None, detail)
        return JSONResponse(rows)

    async def session_events(request: Request, op: Operator) -> Response:
        session = _session_param(request)
        if not await run(read_limiter, storage.session_exists, session):
            return _error(404, "no such session")
        if streams["open"] >= settings.max_streams:
            return _error(503, "too many session reads at once", 1)
        await run(read_limiter, storage.audit, op.name, "read", session, "")
        return StreamingResponse(_stream(session), media_type="application/json")

    async def _stream(session: str) -> AsyncIterator[bytes]:
        """``[`` + the stored chunks joined by ``,`` + ``]``, produced in one thread, at most a few chunks
        in memory. A failure mid-way ends the body without ``]``, so it cannot pass for a whole visit."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=4)
        stop = threading.Event()
        end = object()

        def put(item: Any) -> None:
            asyncio.run_coroutine_threadsafe(queue.put(item), loop).result(timeout=STREAM_STALL_SECONDS)

        def produce() -> None:
            try:
                for chunk in storage.iter_event_chunks(session):
                    if stop.is_set():
                        return
                    put(chunk)
                put(end)
            except Exception as err:  # noqa: BLE001 - reported to the reader as a cut-off body
                if not stop.is_set():
                    log.warning("reading session %s failed: %r", session, err)
                    try:
                        put(err)
                    except Exception:  # noqa: BLE001 - the reader is gone
                        pass

        streams["open"] += 1
        producer = loop.run_in_executor(None, produce)
        try:
            yield b"["
            first = True
            while True:
                item = await asyncio.wait_for(queue.get(), STREAM_STALL_SECONDS)
                if item is end:
                    break
                if isinstance(item, Exception):
                    return
                yield item if first else b"," + item
                first = False
            yield b"]"
        finally:
            streams["open"] -= 1
            stop.set()
            while not queue.empty():  # unblock a producer waiting to put
                queue.get_nowait()
            producer.cancel()

    async def delete_session(request: Request, op: Operator) -> Response:
        session = _session_param(request)
        if not await run(read_limiter, storage.delete_session, session):
            return _error(404, "no such session")
        await run(read_limiter, storage.audit, op.name, "delete", session, "")
        return JSONResponse({"ok": True, "deleted": session})

    def _batch_params(request: Request) -> tuple[str, str, int]:
        session = _session_param(request)
        view, seq = request.path_params["view"], request.path_params["seq"]
        if not VIEW_PATTERN.match(view) or not seq.isdigit() or len(seq) > 16:
            raise InvalidBatch(404, "no such batch")
        return session, view, int(seq)

    async def _act_on_batch(request: Request, op: Operator, act: Callable[[str, str, int], bool],
                            action: str, done: str) -> Response:
        """An admin's action on one batch: done, audited and answered, or a 404."""
        session, view, seq = _batch_params(request)
        if not await run(read_limiter, act, session, view, seq):
            return _error(404, "no such batch")
        await run(read_limiter, storage.audit, op.name, action, session, f"{view}/{seq}")
        return JSONResponse({"ok": True, done: [session, view, seq]})

    async def quarantine_batch(request: Request, op: Operator) -> Response:
        return await _act_on_batch(request, op, storage.quarantine_batch, "quarantine-batch", "quarantined")

    async def delete_batch(request: Request, op: Operator) -> Response:
        return await _act_on_batch(request, op, storage.delete_batch, "delete-batch", "deleted")

    async def audit_log(request: Request, op: Operator) -> Response:
        limit, after = _paging(request, 200)
        rows, _ = _json_safe(await run(read_limiter, storage.audit_log, limit, after))
        return JSONResponse(rows)

    async def stats(request: Request, op: Operator) -> Response:
        totals = dict(await run(read_limiter, storage.totals))
        totals["skippedOnRead"] = counters["skippedOnRead"] + int(getattr(storage, "skipped_on_read", 0))
        return JSONResponse(totals)

    async def whoami(request: Request, op: Operator) -> Response:
        return JSONResponse({"name": op.name, "role": op.role})

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def purge_forever() -> None:
        assert settings.retention_days is not None
        while True:
            try:
                erased = await run(read_limiter, storage.purge_expired, time.time(), settings.retention_days)
                if erased:
                    await run(read_limiter, storage.audit, "system", "purge", None,
                              f"{erased} sessions older than {settings.retention_days:g} days")
            except Busy as err:
                log.warning("retention purge postponed: %s", err.message)
            except Exception:  # the purge must outlive one failure
                log.exception("retention purge failed")
            await asyncio.sleep(settings.purge_interval_seconds)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(purge_forever()) if settings.retention_days else None
        app.state.purge_task = task
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
            ingest_threads.close()
            storage.close()

    session_route = "/v1/sessions/{session}"
    batch_route = session_route + "/batches/{view}/{seq}"
    routes = [
        Route("/v1/batches", ingest, methods=["POST"]),
        Route("/v1/sessions", reading(sessions), methods=["GET"]),
        Route(session_route + "/events", reading(session_events), methods=["GET"]),
        Route(session_route, reading(delete_session, admin=True), methods=["DELETE"]),
        Route(batch_route + "/quarantine", reading(quarantine_batch, admin=True), methods=["POST"]),
        Route(batch_route, reading(delete_batch, admin=True), methods=["DELETE"]),
        Route("/v1/audit", reading(audit_log, admin=True), methods=["GET"]),
        Route("/v1/stats", reading(stats), methods=["GET"]),
        Route("/v1/whoami", reading(whoami), methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        *viewer_routes(),
        *settings.extra_routes,
    ]
    middleware = [
        Middleware(DataHeaders),
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.allowed_origins),
            allow_methods=["POST"],
            allow_headers=["content-type", "content-encoding", "x-veil-token", "x-veil-session-key"],
            expose_headers=["Retry-After"],
            max_age=600,
        ),
        Middleware(IngestRoute, handler=ingest_asgi),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.store = storage
    app.state.session_key = lambda session: session_key(session_secret, session)
    return app
