"""Batches: masked events, already JSON-encoded, framed as ``{"session", "view", "seq", "events"}`` and gzipped.

Rules: only events that came out of the masker are ever queued here. Encoding is deterministic
(gzip mtime 0) so the same events give the same bytes. A batch's identity is (session, view, seq):
``view`` is a random id drawn once per queue (one page view's recording), so two page views of one
session never share an identity, whatever the order their batches arrive in.
"""

from __future__ import annotations

import gzip
import json
import re
import secrets


# Batches leave at gzip's best level: it runs in the worker, off the page's thread, and snapshots
# (long runs of near-identical nodes) come out ~15% smaller than at the default 6. Standby copies,
# re-encoded after every hand-over and mostly never sent, use the default.
BATCH_LEVEL = 9
STANDBY_LEVEL = 6


VIEW_PATTERN = re.compile(r"^[0-9a-f]{16}$")


def new_view_id() -> str:
    """A page view's id: 64 random bits as 16 lowercase hex characters."""
    return secrets.token_hex(8)


class BatchQueue:
    """Pending masked events for one page view of a session, and the sequence number of its next batch."""

    def __init__(self, session: str, view: str | None = None) -> None:
        self.session = session
        self.view = new_view_id() if view is None else view
        if not VIEW_PATTERN.match(self.view):
            raise ValueError("a view id is 16 lowercase hex characters")
        self.seq = 0
        # A coalesced-away event leaves None in its slot, so peeked counts stay valid.
        self._events: list[str | None] = []
        self._bytes = 0
        self._latest: dict[object, int] = {}
        # Bumped by every change; standby chunks are re-encoded only when it moved (the host asks
        # after every hand-over, and most hand-overs, such as snapshot parts, queue nothing).
        self._version = 0
        self._chunks_cache: tuple[tuple[int, int], list[tuple[int, int, bytes]]] | None = None

    @property
    def pending_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return sum(1 for e in self._events if e is not None)

    def push(self, event: dict | str, coalesce_key: object = None) -> None:
        """Queue a masked event (or its JSON text, written by the core); a pending event with the
        same ``coalesce_key`` is superseded."""
        if type(event) is str:
            encoded = event
        else:
            # Masked events are trees the core just built (acyclic): skipping the cycle check saves ~17%.
            encoded = json.dumps(event, separators=(",", ":"), ensure_ascii=False, check_circular=False)
        if coalesce_key is not None:
            previous = self._latest.get(coalesce_key)
            if previous is not None and self._events[previous] is not None:
                self._bytes -= len(self._events[previous])  # type: ignore[arg-type]
                self._events[previous] = None
            self._latest[coalesce_key] = len(self._events)
        self._events.append(encoded)
        self._bytes += len(encoded)
        self._version += 1

    def clear(self) -> None:
        self._version += 1
        self._events.clear()
        self._latest.clear()
        self._bytes = 0

    def _encode(self, events: list[str | None], seq: int | None = None, dropped: int = 0, level: int = STANDBY_LEVEL) -> bytes:
        frame: dict[str, object] = {"session": self.session, "view": self.view, "seq": self.seq if seq is None else seq}
        if dropped:
            frame["dropped"] = dropped
        head = json.dumps(frame, separators=(",", ":"))
        body = head[:-1] + ',"events":[' + ",".join(e for e in events if e is not None) + "]}"
        # A lone surrogate (a page can hold one; JSON.stringify hands it over escaped) cannot be
        # UTF-8: it leaves as its JSON escape, which only ever stands inside a JSON string.
        return gzip.compress(body.encode("utf-8", "backslashreplace"), compresslevel=level, mtime=0)

    def take(self, dropped: int = 0) -> bytes | None:
        """The next gzipped batch, or None when nothing is pending.

        ``dropped`` is how many batches the host's bounded queue had to discard; it travels in
        this batch so the collector knows the recording has a gap.
        """
        if not any(e is not None for e in self._events):
            self.clear()
            return None
        batch = self._encode(self._events, dropped=dropped, level=BATCH_LEVEL)
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

    def peek_chunks(self, max_bytes: int) -> list[tuple[int, int, bytes]]:
        """The pending events as consecutive batches of at most ``max_bytes`` gzipped each
        (a single event larger than that is a chunk of its own): [(seq, count, bytes), ...].

        A browser lets an unloading page send only 64 KiB in keepalive requests, in all.
        """
        if self._chunks_cache is not None and self._chunks_cache[0] == (self._version, max_bytes):
            return self._chunks_cache[1]
        chunks: list[tuple[int, int, bytes]] = []
        spans = [(0, len(self._events))] if any(e is not None for e in self._events) else []
        carry = 0  # coalesced-away slots before the first chunk: they belong to it
        while spans:
            start, end = spans.pop(0)
            real = sum(1 for e in self._events[start:end] if e is not None)
            if real == 0:
                if chunks:
                    seq, count, data = chunks[-1]
                    chunks[-1] = (seq, count + end - start, data)
                else:
                    carry += end - start
                continue
            data = self._encode(self._events[start:end], seq=self.seq + len(chunks))
            if len(data) > max_bytes and real > 1:
                middle = (start + end) // 2
                spans[:0] = [(start, middle), (middle, end)]
                continue
            chunks.append((self.seq + len(chunks), end - start + carry, data))
            carry = 0
        self._chunks_cache = ((self._version, max_bytes), chunks)
        return chunks

    def commit(self, seq: int, count: int) -> bool:
        """Consume the first ``count`` events as batch ``seq``, sent from a peek; False if stale."""
        if seq != self.seq or count > len(self._events):
            return False
        self._version += 1
        sent, self._events = self._events[:count], self._events[count:]
        self._bytes -= sum(len(e) for e in sent if e is not None)
        self._latest = {key: i - count for key, i in self._latest.items() if i >= count}
        self.seq += 1
        return True
