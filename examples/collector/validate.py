"""Collector input checks: size-limited gzip decoding and the batch schema.

Rules: pure functions; every failure is an ``InvalidBatch`` carrying the HTTP status and a clear
message. Decompression stops at the limit, so a gzip bomb costs at most ``max_bytes`` of memory.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

SESSION_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
VIEW_PATTERN = re.compile(r"^[0-9a-f]{16}$")
MAX_EVENTS_PER_BATCH = 100_000


class InvalidBatch(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def gunzip_limited(body: bytes, max_bytes: int) -> bytes:
    """Decompress a gzip body, refusing (413) output larger than ``max_bytes``."""
    decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(body, max_bytes + 1)
        if len(out) > max_bytes or decoder.unconsumed_tail:
            raise InvalidBatch(413, f"decompressed body exceeds {max_bytes} bytes")
        out += decoder.flush()
    except zlib.error as err:
        raise InvalidBatch(400, f"body is not valid gzip: {err}") from None
    if not decoder.eof:
        raise InvalidBatch(400, "body is truncated gzip")
    if len(out) > max_bytes:
        raise InvalidBatch(413, f"decompressed body exceeds {max_bytes} bytes")
    return out


def parse_batch(raw: bytes) -> tuple[str, str, int, list[dict[str, Any]], int]:
    """Parse and check ``{"session", "view", "seq", "events", "dropped"?}``; return its five parts."""
    try:
        batch = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise InvalidBatch(400, "body is not JSON") from None
    if not isinstance(batch, dict):
        raise InvalidBatch(422, "batch must be a JSON object")
    unknown = set(batch) - {"session", "view", "seq", "events", "dropped"}
    if unknown:
        raise InvalidBatch(422, f"unknown batch keys: {sorted(unknown)}")
    session, seq, events = batch.get("session"), batch.get("seq"), batch.get("events")
    if not isinstance(session, str) or not SESSION_PATTERN.match(session):
        raise InvalidBatch(422, "`session` must be 8-64 characters of [A-Za-z0-9_-]")
    view = batch.get("view")
    if not isinstance(view, str) or not VIEW_PATTERN.match(view):
        raise InvalidBatch(422, "`view` must be 16 lowercase hex characters (the page view's id)")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise InvalidBatch(422, "`seq` must be a non-negative integer")
    dropped = batch.get("dropped", 0)
    if not isinstance(dropped, int) or isinstance(dropped, bool) or dropped < 0:
        raise InvalidBatch(422, "`dropped` must be a non-negative integer")
    if not isinstance(events, list) or not events or len(events) > MAX_EVENTS_PER_BATCH:
        raise InvalidBatch(422, f"`events` must be a list of 1 to {MAX_EVENTS_PER_BATCH} events")
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            raise InvalidBatch(422, f"events[{i}] must be an object")
        kind, ts = event.get("type"), event.get("timestamp")
        if not isinstance(kind, int) or isinstance(kind, bool) or not 0 <= kind <= 6:
            raise InvalidBatch(422, f"events[{i}].type must be an rrweb EventType (0-6)")
        if not isinstance(ts, (int, float)) or isinstance(ts, bool):
            raise InvalidBatch(422, f"events[{i}].timestamp must be a number")
        if not isinstance(event.get("data"), dict):
            raise InvalidBatch(422, f"events[{i}].data must be an object")
    return session, view, seq, events, dropped
