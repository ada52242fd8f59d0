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
from typing import Any


# Batches leave at gzip's best level: it runs in the worker, off the page's thread, and snapshots
# (long runs of near-identical nodes) come out ~15% smaller than at the default 6. Standby copies,
# re-encoded after every hand-over and mostly never sent, use the default.
BATCH_LEVEL = 9
STANDBY_LEVEL = 6


VIEW_PATTERN = re.compile(r"^[0-9a-f]{16}$")


def new_view_id() -> str:
    """A page view's id: 64 random bits as 16 lowercase hex characters."""
    return secrets.token_hex(8)


# A batch leaves with at most this much masked JSON (a single larger event leaves alone): the
# collector accepts 16 MiB decompressed and 2 MiB gzipped by default, and masked events compress
# about 5-10x, so a batch stays far inside both limits however far delivery has fallen behind.
BATCH_MAX_CHARS = 1024 * 1024
# One event larger than this cannot fit those limits (UTF-8 may take up to 3 bytes a character and
# gzip compresses masked JSON at least 4x): ``push`` refuses it, never to send it to be refused.
MAX_EVENT_CHARS = 5 * 1024 * 1024


class BatchQueue:
    """Pending masked events for one page view of a session, and the sequence number of its next batch.

    Standby chunks (``peek_chunks``) are kept between calls: chunks already cut are sealed and only
    the last, open chunk is encoded again when events arrive, so the work per hand-over is in
    proportion to what is new, not to the whole backlog.
    """

    def __init__(self, session: str, view: str | None = None) -> None:
        self.session = session
        self.view = new_view_id() if view is None else view
        if not VIEW_PATTERN.match(self.view):
            raise ValueError("a view id is 16 lowercase hex characters")
        self.seq = 0
        # A coalesced-away event leaves None in its slot, so peeked counts stay valid.
        self._events: list[str | None] = []
        self._bytes = 0
        self._real = 0
        self._latest: dict[object, int] = {}
        # Standby chunks: sealed ones are (start, end, bytes) over self._events, contiguous from 0;
        # ``_chunks`` is the last answer, valid while nothing changed (``_changed`` is False).
        self._sealed: list[tuple[int, int, bytes]] = []
        self._chunks: list[tuple[int, int, bytes]] | None = None
        self._chunk_limit = 0

    @property
    def pending_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return self._real

    def _unseal_from(self, index: int) -> None:
        """An event at ``index`` changed: every sealed chunk from the one holding it is stale."""
        while self._sealed and self._sealed[-1][1] > index:
            self._sealed.pop()

    def push(self, event: dict[str, Any] | str, coalesce_key: object = None) -> bool:
        """Queue a masked event (or its JSON text, written by the core); a pending event with the
        same ``coalesce_key`` is superseded. False (nothing queued) for an event over ``MAX_EVENT_CHARS``."""
        if type(event) is str:
            encoded = event
        else:
            # Masked events are trees the core just built (acyclic): skipping the cycle check saves ~17%.
            encoded = json.dumps(event, separators=(",", ":"), ensure_ascii=False, check_circular=False)
        if len(encoded) > MAX_EVENT_CHARS:
            return False
        if coalesce_key is not None:
            previous = self._latest.get(coalesce_key)
            superseded = self._events[previous] if previous is not None else None
            if previous is not None and superseded is not None:
                self._bytes -= len(superseded)
                self._events[previous] = None
                self._real -= 1
                self._unseal_from(previous)
            self._latest[coalesce_key] = len(self._events)
        self._events.append(encoded)
        self._bytes += len(encoded)
        self._real += 1
        self._chunks = None
        return True

    def clear(self) -> None:
        self._events.clear()
        self._latest.clear()
        self._bytes = 0
        self._real = 0
        self._sealed.clear()
        self._chunks = None

    def _encode(self, events: list[str | None], seq: int | None = None, dropped: int = 0, level: int = STANDBY_LEVEL) -> bytes:
        frame: dict[str, object] = {"session": self.session, "view": self.view, "seq": self.seq if seq is None else seq}
        if dropped:
            frame["dropped"] = dropped
        head = json.dumps(frame, separators=(",", ":"))
        body = head[:-1] + ',"events":[' + ",".join(e for e in events if e is not None) + "]}"
        # A lone surrogate (a page can hold one; JSON.stringify hands it over escaped) cannot be
        # UTF-8: it leaves as its JSON escape, which only ever stands inside a JSON string.
        return gzip.compress(body.encode("utf-8", "backslashreplace"), compresslevel=level, mtime=0)

    def _consume(self, count: int) -> None:
        """Drop the first ``count`` slots (sent as batch ``seq``) and move on to the next seq."""
        sent, self._events = self._events[:count], self._events[count:]
        gone = [e for e in sent if e is not None]
        self._bytes -= sum(len(e) for e in gone)
        self._real -= len(gone)
        self._latest = {key: i - count for key, i in self._latest.items() if i >= count}
        self.seq += 1
        self._chunks = None

    def take(self, dropped: int = 0, max_chars: int = BATCH_MAX_CHARS) -> bytes | None:
        """The next gzipped batch, or None when nothing is pending.

        A batch holds the oldest pending events up to ``max_chars`` of JSON (at least one event);
        the rest stay for the next batch. ``dropped`` is how many batches the host's bounded queue
        had to discard; it travels in this batch so the collector knows the recording has a gap.
        """
        if not self._real:
            self.clear()
            return None
        end, size = 0, 0
        for end, event in enumerate(self._events, start=1):
            if event is None:
                continue
            if size and size + len(event) > max_chars:
                end -= 1
                break
            size += len(event)
        batch = self._encode(self._events[:end], dropped=dropped, level=BATCH_LEVEL)
        self._consume(end)
        # Sealed standby chunks carry seqs that no longer match: cut again from what is left.
        self._sealed.clear()
        if not self._real:
            self.clear()
        return batch

    def _count_real(self, start: int, end: int) -> int:
        return sum(1 for e in self._events[start:end] if e is not None)

    def peek_chunks(self, max_bytes: int) -> list[tuple[int, int, bytes]]:
        """The pending events as consecutive batches of at most ``max_bytes`` gzipped each
        (a single event larger than that is a chunk of its own): [(seq, count, bytes), ...].

        A browser lets an unloading page send only 64 KiB in keepalive requests, in all. Only the
        open (last) chunk is encoded again after a change; a chunk that outgrows ``max_bytes`` is
        cut at its longest fitting prefix, which is sealed and never encoded again while it stays.
        """
        if max_bytes != self._chunk_limit:
            self._sealed.clear()
            self._chunk_limit = max_bytes
            self._chunks = None
        if self._chunks is not None:
            return self._chunks
        start = self._sealed[-1][1] if self._sealed else 0
        n = len(self._events)
        open_chunk: tuple[int, int, bytes] | None = None
        while start < n and self._count_real(start, n):
            seq = self.seq + len(self._sealed)
            data = self._encode(self._events[start:n], seq=seq)
            if len(data) <= max_bytes or self._count_real(start, n) == 1:
                open_chunk = (start, n, data)
                break
            # The longest prefix that fits, holding at least one event (binary search on its end).
            first = next(i for i in range(start, n) if self._events[i] is not None)
            lo, hi = first + 1, n  # lo: always kept (one event, fits or not); hi: known too big
            best = self._encode(self._events[start:lo], seq=seq)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                candidate = self._encode(self._events[start:mid], seq=seq)
                if len(candidate) <= max_bytes:
                    lo, best = mid, candidate
                else:
                    hi = mid
            self._sealed.append((start, lo, best))
            start = lo
        spans = self._sealed + ([open_chunk] if open_chunk else [])
        # Coalesced-away slots after the last chunk are left for the next take or commit.
        self._chunks = [(self.seq + i, end - begin, data) for i, (begin, end, data) in enumerate(spans)]
        return self._chunks

    def encode_extra(self, events: list[dict[str, Any]], seq: int) -> bytes:
        """A batch of events that are not queued (what would close if the page ended now), as
        batch ``seq``, at the standby level; nothing is consumed."""
        encoded = [json.dumps(e, separators=(",", ":"), ensure_ascii=False, check_circular=False) for e in events]
        return self._encode(list(encoded), seq=seq)

    def skip(self, seq: int) -> bool:
        """Batch ``seq`` was sent from outside the queue (``encode_extra``): it is spent; the pending
        events take the seqs after it. False (nothing changes) unless it is the next seq."""
        if seq != self.seq:
            return False
        self.seq += 1
        self._chunks = None
        self._sealed.clear()
        return True

    def commit(self, seq: int, count: int) -> bool:
        """Consume the first ``count`` events as batch ``seq``, sent from ``peek_chunks``; False if stale."""
        if seq != self.seq or count > len(self._events):
            return False
        first_sealed = self._sealed[0] if self._sealed else None
        self._consume(count)
        if first_sealed is not None and first_sealed[:2] == (0, count):
            self._sealed = [(s - count, e - count, d) for s, e, d in self._sealed[1:]]
        else:
            self._sealed.clear()
        return True
