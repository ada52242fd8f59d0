"""What every route of one collector app reaches: its settings, storage, threads and checks.

Rules: built once by ``app.create_app`` and kept in ``app.state.collector``; a route finds it with
``collector_of(request)``. Routes reach storage only through ``storage`` (the ``Storage``
protocol), each blocking call through ``calls.run`` (a worker thread, bounded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from starlette.requests import Request

from .audit import RecentListings
from .auth import Authority
from .ingest import Ingest
from .settings import CollectorSettings
from .storage_api import Storage
from .streaming import SessionStreams
from .threads import IngestThreads, StorageThreads


@dataclass
class CollectorState:
    settings: CollectorSettings
    storage: Storage
    authority: Authority
    ingest: Ingest
    ingest_threads: IngestThreads
    calls: StorageThreads  # reads and admin calls
    streams: SessionStreams
    listings: RecentListings = field(default_factory=RecentListings)
    skipped_on_read: int = 0  # stored rows that could not be served as JSON (skipped, never a 500)


def collector_of(request: Request) -> CollectorState:
    return cast(CollectorState, request.app.state.collector)
