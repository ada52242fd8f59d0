"""The collector's storage contract: what the HTTP layer may ask of a backend (SQLite or PostgreSQL).

Rules: the HTTP layer talks to storage only through ``Storage``; backends implement
all of it, with the same behaviour, proven by one shared test suite run against each. Every call
is blocking and is made off the event loop (a thread). A backend never raises anything but
``StorageBusy`` (a bounded lock or connection wait ran out: the caller answers 503 with
Retry-After) or ``StorageUnavailable`` (the database cannot be reached or written: 503); it never
returns half-written state. Events are stored encrypted with a key of their session's own, wrapped
by the collector's master key, which never enters the database: erasing or expiring a session
destroys its key (crypto-shredding).
"""

from __future__ import annotations

import concurrent.futures
import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .visits.clickmap import ClickMapQuery
from .visits.index import BatchFacts
from .visits.search import Search
from .visits.share import Link, NewLink


class StorageBusy(RuntimeError):
    """A bounded wait for a lock or a connection ran out; ``retry_after`` is a hint in seconds."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StorageUnavailable(RuntimeError):
    """The database cannot be reached or written (disk full, server down)."""


class AddResult(enum.Enum):
    STORED = "stored"  # new identity: stored, durable before this returns
    DUPLICATE = "duplicate"  # same identity and same digest: a retry, nothing written
    CONFLICT = "conflict"  # same identity, different digest: refused, nothing written
    # A batch submitted without its session key (``submit(batch, keyless=True)``) of a session that
    # exists, from a page view the session has not stored a batch of: refused, nothing written.
    KEY_REQUIRED = "key-required"
    # The session was erased (``delete_session``): it accepts no more batches, ever (a tombstone
    # keeps its id, which outlives restarts); nothing written.
    ERASED = "erased"


@dataclass(frozen=True)
class IncomingBatch:
    """One validated, scrubbed batch, ready to store."""

    session: str
    view: str
    seq: int
    events_json: bytes  # the events array as UTF-8 JSON text, b"[...]", exactly what reads serve back
    event_count: int
    first_ts: float | None
    last_ts: float | None
    body_bytes: int  # gzip bytes as received
    pii_masked: int
    pages: int
    dropped: int
    # sha256 hex of the batch as received, which tells a retry from another batch under the same
    # identity (the collector hashes the gzip body: a client resends the very bytes it sent)
    digest: str
    # Optional (added later, backward compatible): the gzip body exactly as received, when nothing in
    # it was scrubbed. A backend may then store it instead of ``events_json`` (no second compression;
    # stored bytes close to the bytes received); reads serve the same events either way.
    gzip_body: bytes | None = None
    # Optional (added later): how many error events and frustration signals the batch holds, counted
    # cheaply on its JSON text (``common.context_counts``), for the session list and its filters.
    errors: int = 0
    frustrations: int = 0
    # Optional (added later): what the batch's events say about their visit (``visits.index``),
    # computed where the batch is prepared; a backend computes it from ``events_json`` when absent.
    facts: BatchFacts | None = None


class Storage(Protocol):
    """What the HTTP layer asks of a backend (and all it asks: a new question is added here first).
    ``sql.SharedSQL`` implements the reads and one-row writes once for both backends."""

    # True when ``rate_acquire`` touches no database (the buckets live in this process's memory):
    # the event loop may then call it directly, before reading a body.
    rate_limits_in_process: bool

    def add(self, batch: IncomingBatch) -> AddResult:
        """Store a batch once per (session, view, seq); durable before this returns."""

    def submit(self, batch: IncomingBatch, keyless: bool = False) -> concurrent.futures.Future[AddResult]:
        """``add`` without waiting: the future completes once the batch's transaction committed (or
        failed, with ``StorageBusy``/``StorageUnavailable``); a full queue is ``StorageBusy`` at once.
        ``keyless``: the batch came without its session key; the writer checks, in the transaction
        that would store it, that its session is new or already holds a batch of its page view, and
        answers ``KEY_REQUIRED`` otherwise (a batch whose identity is stored is answered as ``add``
        would: ``DUPLICATE`` or ``CONFLICT``)."""

    def stored_digest(self, session: str, view: str, seq: int) -> str | None:
        """The digest of the batch stored under this identity, or None."""

    def session_exists(self, session: str) -> bool:
        """True when the session has any stored batch (quarantined ones included)."""

    def sessions(self, limit: int = 200, offset: int = 0, *, with_errors: bool = False,
                 with_frustrations: bool = False) -> list[dict[str, Any]]:
        """One summary per visit, newest activity first: session, views, batches, events, bytes, start,
        end, durationMs, pages, dropped, quarantined, errors, frustrations (and the index's other
        keys, as ``search_visits``); ``with_errors`` and ``with_frustrations`` keep only the visits
        with at least one. Read from the session index, never by aggregating batches."""

    def search_visits(self, search: Search) -> list[dict[str, Any]]:
        """The visits ``search`` finds in the session index (kept at ingest, in the transaction that
        stores each batch), in its order, one more than its ``limit`` when more follow; each as
        ``sessions`` shows it, with activeMs, clicks, inputs, consoleErrors, failedRequests, rage,
        dead, errorClicks, urls (scrubbed, in order), targets (clicked names recorded in clear) and
        lastReceived. Erasure, expiry, quarantine and batch deletion keep the index true."""

    def click_points(self, query: ClickMapQuery) -> list[dict[str, Any]]:
        """The most recent clicks (and rage, dead and error clicks) on the pages ``query`` names,
        newest first, from the index (``visits.clickmap.point``'s keys)."""

    def view_start(self, session: str, view: str) -> list[Any]:
        """A page view's meta event and first full snapshot, as stored; [] when none is found."""

    def visit_reads(self, session: str, actions: Sequence[str], limit: int = 200) -> list[dict[str, Any]]:
        """The audit log's entries of ``actions`` on ``session``, newest first."""

    def create_share(self, link: NewLink, created_by: str) -> None:
        """Store a share link (its token's hash only)."""

    def share_by_hash(self, token_hash: str) -> Link | None:
        """The share link whose token hashes to ``token_hash``, or None."""

    def shares_of(self, session: str) -> list[Link]:
        """The visit's share links, newest first (erasing the visit removes them)."""

    def revoke_share(self, link_id: str, by: str, now: float) -> Link | None:
        """Revoke a link (its first revocation stands); the link, or None if unknown."""

    def iter_event_chunks(self, session: str) -> Iterator[bytes]:
        """The visit's events as JSON text, one chunk per stored batch: the inside of its events array
        (no brackets), page views in the order they began, each in seq order; quarantined batches are
        left out, and so is a batch that does not decrypt (fail closed) or whose array is empty, so
        the chunks join with commas. Memory is bounded by one batch, whatever the session's size."""

    def identities(self, session: str) -> list[tuple[str, int]]:
        """(view, seq) of the session's stored batches, in visit order."""

    def views(self, session: str) -> list[str]:
        """The session's page views, in the order they began."""

    def batch_count(self, session: str) -> int:
        """How many batches the session has stored."""

    def totals(self) -> dict[str, int]:
        """batches, events, piiMasked, droppedBatches, sessions."""

    def delete_session(self, session: str) -> bool:
        """Erase a session: its key is destroyed and its rows deleted, at once, and its id kept as a
        tombstone, so that any later batch of it is ``ERASED``; False if unknown."""

    def purge_expired(self, now: float, retention_days: float) -> int:
        """Erase every session whose last batch was received more than ``retention_days`` before ``now``;
        return how many."""

    def quarantine_batch(self, session: str, view: str, seq: int) -> bool:
        """Hide one batch from every read without deleting it; False if unknown."""

    def delete_batch(self, session: str, view: str, seq: int) -> bool:
        """Delete one batch; False if unknown."""

    def audit(self, actor: str, action: str, session: str | None = None, detail: str = "") -> None:
        """Append to the audit log (never updated or deleted through this interface)."""

    def audit_log(self, limit: int = 200, after_id: int = 0) -> list[dict[str, Any]]:
        """Audit entries after ``after_id``, oldest first: id, at, actor, action, session, detail."""

    def rate_acquire(self, key: str, per_second: float, burst: int) -> float:
        """Take one token from ``key``'s bucket, shared by every process on this storage; return 0, or
        the seconds until one is available."""

    def close(self) -> None:
        """Release connections."""
