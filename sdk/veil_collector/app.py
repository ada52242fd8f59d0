"""The collector's ASGI app: receives Veil batches, checks them, stores them, serves them back to
operators. ``create_app(settings)`` assembles it from the package's parts, one concern each:

  settings     CollectorSettings                 auth        who may do what; ``@requires(role)``
  ingest       POST /v1/batches, to the commit    prepare     decompress, validate, scrub (blocking)
  routes/      the routes, grouped by concern     errors      the one table from exceptions to answers
  storage_api  the ``Storage`` protocol           storage/    SQLite and PostgreSQL behind it
  threads      bounded worker threads             streaming   a visit's events, streamed
  middleware   data headers; ingest ahead of the router       purge       the retention purge
  audit        what the audit log is told of listings          viewer      the replay viewer's files

Rules: the body is read with a hard size limit before anything else; decompression, strict
validation (a compiled one-pass scanner vouches for the common batch, the exact Python path decides
everything else), the PII scrub (defence in depth: anything the browser should have masked and did
not is masked here and counted) and every storage call run in worker threads behind a bounded
limiter, so nothing blocks the event loop and ``/healthz`` answers while ingest is saturated
(except the fast path of a small batch on a storage with in-process rate buckets, bounded to well
under 2 ms: a thread hop costs more). The loop awaits a batch's commit and answers only once it is
durable. A batch is stored once per (session, view, seq); a session is bound to its writer by a key
derived from the server's session secret (``access.session_key``): the first answer of a session
hands it out, every later batch must carry it. An erased session refuses every later batch (410).
Storage lock waits are bounded: ``StorageBusy``/``StorageUnavailable`` become 503 with Retry-After,
never a 500. Every read needs a named operator (viewer or admin); deleting and quarantining need an
admin, and every session read, session listing, deletion and purge is written to the audit log.
Failed credentials are throttled per address, and a throttled address is answered before any token
is hashed. Forwarded headers count only from configured proxies (uvicorn's own rule is off:
``serving``). Data routes are ``no-store`` and ``nosniff``. Nothing a client sends is executed or
echoed. The app reaches storage only through the ``Storage`` protocol.

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
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from . import storage as backends
from .access import read_secret, session_key
from .auth import Authority
from .errors import exception_handlers
from .ingest import Ingest
from .middleware import DataHeaders, IngestRoute
from .purge import purge_forever
from .routes import all_routes
from .settings import CollectorSettings
from .state import CollectorState
from .storage_api import Storage
from .streaming import SessionStreams
from .threads import IngestThreads, StorageThreads

__all__ = ["CollectorSettings", "IngestRoute", "create_app", "open_storage"]


def open_storage(settings: CollectorSettings) -> Storage:
    """The storage the settings name: their own, or a SQLite file or postgresql:// URL, encrypted
    at rest (the master key: ``storage.master_key_for``)."""
    if settings.storage is not None:
        return settings.storage
    return backends.open_storage(settings.db_path, backends.master_key_for(settings.db_path, settings.master_key))


def session_secret_of(settings: CollectorSettings) -> bytes:
    """The settings' session secret; else the environment's, where a ``--workers`` process finds
    it (names of files, never the secret on argv); else a random one for this process."""
    from_env = read_secret("VEIL_SESSION_SECRET")
    return settings.session_secret or (from_env.encode() if from_env else secrets.token_bytes(32))


def create_app(settings: CollectorSettings) -> Starlette:
    """An ASGI app for the given settings; ``app.state.store`` is its ``Storage``."""
    storage = open_storage(settings)
    secret = session_secret_of(settings)
    authority = Authority(settings)
    ingest_threads = IngestThreads(settings.storage_threads, settings.max_waiting)
    calls = StorageThreads(settings.storage_threads, settings.max_waiting)
    collector = CollectorState(
        settings=settings, storage=storage, authority=authority, ingest_threads=ingest_threads, calls=calls,
        ingest=Ingest(settings, storage, authority, secret, ingest_threads),
        streams=SessionStreams(storage, settings.max_streams),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(purge_forever(settings, storage, calls)) if settings.retention_days else None
        app.state.purge_task = task
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
            ingest_threads.close()
            storage.close()

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
        Middleware(IngestRoute, handler=collector.ingest),
    ]
    app = Starlette(routes=[*all_routes(), *settings.extra_routes], middleware=middleware,
                    exception_handlers=exception_handlers(), lifespan=lifespan)
    app.state.collector = collector
    app.state.authority = authority
    app.state.store = storage
    app.state.session_key = lambda session: session_key(secret, session)
    return app
