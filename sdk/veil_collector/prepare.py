"""Preparing one batch for storage: decompress, validate, scrub, digest (pure and blocking).

Rules: two paths, one outcome. The compiled scanner (``scan``) vouches, in one pass without building
any object, for a batch that is valid and has nothing to scrub (nearly every batch), which is then
kept as the gzip body it arrived in; anything else takes the exact path (parse, check, walk and
scrub), which decides and words every refusal (``InvalidBatch``, a 4xx). What could not be
scrubbed is not stored (fail closed: 422). ``prepare_small_on_loop`` is the fast path alone,
bounded so that the event loop may run it; ``prepare_batch`` runs in a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from dataclasses import replace

import orjson

from .scan import Scanned, scan
from .scrub import scrub_events
from .storage.common import context_counts
from .storage_api import IncomingBatch
from .validate import InvalidBatch, gunzip_isal, gunzip_limited, parse_batch_with_strings
from .visits.index import batch_facts

log = logging.getLogger("veil.collector")
INLINE_BODY_BYTES = 64 * 1024  # see prepare_small_on_loop
INLINE_DECOMPRESSED_BYTES = 1024 * 1024


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
        # In a worker thread: what the batch says about its visit is read here, off the writer.
        return replace(_scanned_batch(scanned, body, raw), facts=batch_facts(orjson.loads(scanned.events_json)))
    return _exact_batch(body, raw)


def prepare_small_on_loop(body: bytes, max_decompressed: int) -> IncomingBatch | None:
    """The fast path alone, bounded so that the event loop may run it (a thread hop costs more CPU
    than the work: ~0.4 ms per batch, measured): a body of at most ``INLINE_BODY_BYTES`` that
    inflates to at most ``INLINE_DECOMPRESSED_BYTES`` and that the scanner vouches for (well under
    2 ms of work in the worst case). None: the caller runs ``prepare_batch`` in a worker thread.
    The batch's facts for the session index are left to the writer (parsing is not bounded so)."""
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
        errors=errors, frustrations=frustrations, facts=batch_facts(events),
    )


def _pages(events: list[dict[str, Any]]) -> int:
    """Page views in a batch: full page loads (meta events) and SPA navigations."""
    return sum(
        1 for e in events
        if e.get("type") == 4 or (e.get("type") == 5 and isinstance(e.get("data"), dict) and e["data"].get("tag") == "veil:navigation")
    )
