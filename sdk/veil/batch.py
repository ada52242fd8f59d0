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

    def _encode(self, events: list[str]) -> bytes:
        head = json.dumps({"session": self.session, "seq": self.seq}, separators=(",", ":"))
        body = head[:-1] + ',"events":[' + ",".join(events) + "]}"
        return gzip.compress(body.encode("utf-8"), compresslevel=6, mtime=0)

    def take(self) -> bytes | None:
        """The next gzipped batch, or None when nothing is pending."""
        if not self._events:
            return None
        batch = self._encode(self._events)
        self.seq += 1
        self.clear()
        return batch

    def peek(self) -> tuple[int, int, bytes] | None:
        """The next batch as ``take`` would give it, without consuming it: (seq, count, bytes).

        The host keeps it ready to send synchronously when the page is hidden or unloads, where
        there is no time to ask the worker; ``commit`` then consumes what was sent.
        """
        if not self._events:
            return None
        return self.seq, len(self._events), self._encode(self._events)

    def commit(self, seq: int, count: int) -> bool:
        """Consume the first ``count`` events as batch ``seq``, sent from a peek; False if stale."""
        if seq != self.seq or count > len(self._events):
            return False
        sent, self._events = self._events[:count], self._events[count:]
        self._bytes -= sum(len(e) for e in sent)
        self.seq += 1
        return True
