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
        # A coalesced-away event leaves None in its slot, so peeked counts stay valid.
        self._events: list[str | None] = []
        self._bytes = 0
        self._latest: dict[object, int] = {}

    @property
    def pending_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return sum(1 for e in self._events if e is not None)

    def push(self, event: dict, coalesce_key: object = None) -> None:
        """Queue a masked event; a pending event with the same ``coalesce_key`` is superseded."""
        encoded = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
        if coalesce_key is not None:
            previous = self._latest.get(coalesce_key)
            if previous is not None and self._events[previous] is not None:
                self._bytes -= len(self._events[previous])  # type: ignore[arg-type]
                self._events[previous] = None
            self._latest[coalesce_key] = len(self._events)
        self._events.append(encoded)
        self._bytes += len(encoded)

    def clear(self) -> None:
        self._events.clear()
        self._latest.clear()
        self._bytes = 0

    def _encode(self, events: list[str | None]) -> bytes:
        head = json.dumps({"session": self.session, "seq": self.seq}, separators=(",", ":"))
        body = head[:-1] + ',"events":[' + ",".join(e for e in events if e is not None) + "]}"
        return gzip.compress(body.encode("utf-8"), compresslevel=6, mtime=0)

    def take(self) -> bytes | None:
        """The next gzipped batch, or None when nothing is pending."""
        if not any(e is not None for e in self._events):
            self.clear()
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
        if not any(e is not None for e in self._events):
            return None
        return self.seq, len(self._events), self._encode(self._events)

    def commit(self, seq: int, count: int) -> bool:
        """Consume the first ``count`` events as batch ``seq``, sent from a peek; False if stale."""
        if seq != self.seq or count > len(self._events):
            return False
        sent, self._events = self._events[:count], self._events[count:]
        self._bytes -= sum(len(e) for e in sent if e is not None)
        self._latest = {key: i - count for key, i in self._latest.items() if i >= count}
        self.seq += 1
        return True
