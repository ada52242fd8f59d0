"""What both storage backends share: batch preparation, the visit order, summaries, errors.

Rules: everything here is pure (no database); both backends build their rows and answers through
these functions so that they behave identically, as the shared storage suite checks.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
import time
from collections import OrderedDict
from typing import Any

import orjson

from ..storage_api import IncomingBatch
from . import crypto

# A database from before page views had ids keyed batches on (session, seq): its rows become one
# page view of their session, with this id.
LEGACY_VIEW = "0" * 16


def count_pages(events: list[Any]) -> int:
    """Page views in a batch: full page loads (meta events) and SPA navigations."""
    return sum(
        1 for e in events
        if isinstance(e, dict) and (e.get("type") == 4 or (
            e.get("type") == 5 and isinstance(e.get("data"), dict) and e["data"].get("tag") == "veil:navigation"))
    )


def batch_from_events(session: str, view: str, seq: int, events: list[Any], body_bytes: int, *,
                      pii_masked: int = 0, dropped: int = 0, events_json: bytes | None = None,
                      digest: str | None = None, gzip_body: bytes | None = None) -> IncomingBatch:
    """An ``IncomingBatch`` from parsed (and scrubbed) events. ``digest`` defaults to the sha256 of
    the events JSON. ``gzip_body`` (the body as received) is kept only when nothing was masked, so
    that what is stored never holds what the scrubber took out."""
    if events_json is None:
        events_json = orjson.dumps(events)
    stamps = [e["timestamp"] for e in events if isinstance(e, dict) and isinstance(e.get("timestamp"), (int, float))]
    return IncomingBatch(
        session=session, view=view, seq=seq, events_json=events_json, event_count=len(events),
        first_ts=min(stamps, default=None), last_ts=max(stamps, default=None), body_bytes=body_bytes,
        pii_masked=pii_masked, pages=count_pages(events), dropped=dropped,
        digest=digest or hashlib.sha256(events_json).hexdigest(),
        gzip_body=gzip_body if pii_masked == 0 else None,
    )


# How a batch's events are stored (the ``format`` column), sealed either way.
FORMAT_EVENTS = 0  # the events array's JSON text, zlib-compressed
FORMAT_GZIP_BODY = 1  # the whole gzip body as received (nothing was scrubbed from it)


def stored_form(batch: IncomingBatch) -> tuple[int, bytes]:
    """What to seal for a batch: the gzip body when the batch carries one, else its events JSON."""
    if batch.gzip_body is not None and batch.pii_masked == 0:
        return FORMAT_GZIP_BODY, batch.gzip_body
    return FORMAT_EVENTS, batch.events_json


def events_json_of(form: int, plaintext: bytes) -> bytes:
    """The events array's JSON text from an opened blob (a gzip body: its first member's events)."""
    if form == FORMAT_GZIP_BODY:
        return orjson.dumps(orjson.loads(zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(plaintext))["events"])
    return plaintext


def open_chunk(master: Any, session: str, view: str, seq: int, row: tuple[Any, ...] | None) -> bytes:
    """A stored batch's chunk for ``iter_event_chunks`` from its (sealed, wrapped key, format) row;
    b"" when it is gone or does not open (fail closed: such a batch is never served)."""
    if row is None:
        return b""
    sealed, wrapped, form = row
    try:
        key = crypto.unwrap(master, session, wrapped)
        plaintext = crypto.open_sealed(key, session, view, seq, sealed, compressed=form == FORMAT_EVENTS)
        return inner(events_json_of(form, plaintext))
    except (crypto.SealError, zlib.error, orjson.JSONDecodeError, KeyError, TypeError):
        return b""


def inner(events_json: bytes) -> bytes:
    """The inside of a JSON array's text (no brackets, no surrounding blanks)."""
    text = events_json.strip()
    if text[:1] == b"[" and text[-1:] == b"]":
        text = text[1:-1].strip()
    return text


# Summary columns, in the order ``summary`` reads them: counts leave quarantined batches out.
SESSIONS_SQL = (
    "SELECT session, COUNT(DISTINCT view), "
    "SUM(CASE WHEN quarantined = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN quarantined = 0 THEN event_count ELSE 0 END), "
    "SUM(CASE WHEN quarantined = 0 THEN body_bytes ELSE 0 END), MIN(CASE WHEN quarantined = 0 THEN first_ts END), "
    "MAX(CASE WHEN quarantined = 0 THEN last_ts END), SUM(CASE WHEN quarantined = 0 THEN pages ELSE 0 END), "
    "SUM(dropped), SUM(quarantined), MAX(received_at) "
    "FROM batches GROUP BY session ORDER BY MAX(received_at) DESC, session LIMIT ? OFFSET ?"
)

TOTALS_SQL = (
    "SELECT COUNT(*), COALESCE(SUM(event_count), 0), COALESCE(SUM(pii_masked), 0), "
    "COALESCE(SUM(dropped), 0), COUNT(DISTINCT session) FROM batches"
)

# A visit's batches: each page view starts at its earliest event (a view without timestamps last,
# ties broken by its id), and its batches follow in seq order.
VISIT_ORDER_SQL = (
    "SELECT {columns} FROM batches b JOIN (SELECT view, MIN(first_ts) AS began FROM batches WHERE session = ? "
    "GROUP BY view) v ON v.view = b.view WHERE b.session = ?{where} ORDER BY (v.began IS NULL), v.began, b.view, b.seq"
)


def summary(row: tuple[Any, ...]) -> dict[str, Any]:
    session, views, batches, events, size, first, last, pages, dropped, quarantined, _ = row
    return {
        "session": session, "views": int(views), "batches": int(batches), "events": int(events or 0),
        "bytes": int(size or 0), "start": first, "end": last,
        "durationMs": (last - first) if first is not None and last is not None else 0,
        "pages": int(pages or 0), "dropped": int(dropped or 0), "quarantined": int(quarantined or 0),
    }


def totals(row: tuple[Any, ...]) -> dict[str, int]:
    return {"batches": int(row[0]), "events": int(row[1]), "piiMasked": int(row[2]), "droppedBatches": int(row[3]),
            "sessions": int(row[4])}


def audit_entry(row: tuple[Any, ...]) -> dict[str, Any]:
    return {"id": int(row[0]), "at": row[1], "actor": row[2], "action": row[3], "session": row[4], "detail": row[5]}


class MemoryBuckets:
    """Token buckets in this process's memory (GCRA: one theoretical arrival time per key), bounded
    to ``max_keys`` by evicting the least recently used. For the SQLite backend, whose database
    serves one process; the PostgreSQL backend keeps its buckets in a table every process shares."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._tat: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_keys

    def acquire(self, key: str, per_second: float, burst: int, now: float | None = None) -> float:
        now = time.time() if now is None else now
        interval = 1.0 / per_second
        with self._lock:
            tat = max(self._tat.get(key, now), now) + interval
            if tat - now > burst * interval:
                return tat - now - burst * interval
            self._tat[key] = tat
            self._tat.move_to_end(key)
            while len(self._tat) > self._max:
                self._tat.popitem(last=False)
            return 0.0
