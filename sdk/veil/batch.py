"""Batches: masked events, already JSON-encoded, framed as ``{"session", "seq", "events"}`` and gzipped.

Rules: only events that came out of the masker are ever queued here. Encoding is deterministic
(gzip mtime 0) so the same events give the same bytes.
"""

from __future__ import annotations

import gzip
import json


class BatchQueue:
    """Pending masked events for one session, and the sequence number of the next batch."""

    def __init__(self, session: str) -> None:
        self.session = session
        self.seq = 0
        self._events: list[str] = []
        self._bytes = 0

    @property
    def pending_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._events)

    def push(self, event: dict) -> None:
        encoded = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
        self._events.append(encoded)
        self._bytes += len(encoded)

    def clear(self) -> None:
        self._events.clear()
        self._bytes = 0

    def take(self) -> bytes | None:
        """The next gzipped batch, or None when nothing is pending."""
        if not self._events:
            return None
        head = json.dumps({"session": self.session, "seq": self.seq}, separators=(",", ":"))
        body = head[:-1] + ',"events":[' + ",".join(self._events) + "]}"
        self.seq += 1
        self.clear()
        return gzip.compress(body.encode("utf-8"), compresslevel=6, mtime=0)
