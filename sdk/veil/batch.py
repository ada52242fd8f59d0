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
import zlib
from typing import Any

from .deflate import Deflated, gzip_pieces


# Batches leave at gzip's best level: it runs in the worker, off the page's thread, and snapshots
# (long runs of near-identical nodes) come out ~15% smaller than at the default 6. Standby copies,
# re-encoded after every hand-over and mostly never sent, use the default.
BATCH_LEVEL = 9
STANDBY_LEVEL = 6
_PROBE_SLICE = 16 * 1024  # how much is compressed between looks at a standby chunk's size


VIEW_PATTERN = re.compile(r"^[0-9a-f]{16}$")


def new_view_id() -> str:
    """A page view's id: 64 random bits as 16 lowercase hex characters."""
    return secrets.token_hex(8)


# A batch leaves with at most this much masked JSON (a single larger event leaves alone): the
# collector accepts 16 MiB decompressed and 2 MiB gzipped by default, and masked events compress
# about 5-10x, so a batch stays far inside both limits however far delivery has fallen behind.
BATCH_MAX_CHARS = 1024 * 1024
# Pending events this small go in the same batch as a following event that alone passes the bound.
CARRIED_HEAD_CHARS = 16 * 1024
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
        # Pending events compressed ahead (a full snapshot), by the identity of their text.
        self._deflated: dict[int, Deflated] = {}
        # Standby chunks: sealed ones are (start, end, bytes) over self._events, contiguous from 0;
        # ``_chunks`` is the last answer, valid while nothing changed (``_changed`` is False).
        self._sealed: list[tuple[int, int, bytes]] = []
        self._chunks: list[tuple[int, int, bytes]] | None = None
        self._chunk_limit: tuple[int, int | None] = (0, None)

    @property
    def pending_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return self._real

    def _unseal_from(self, index: int) -> None:
        """An event at ``index`` changed: every sealed chunk from the one holding it is stale."""
        while self._sealed and self._sealed[-1][1] > index:
            self._sealed.pop()

    def push(self, event: dict[str, Any] | str, coalesce_key: object = None, deflated: Deflated | None = None) -> bool:
        """Queue a masked event (or its JSON text, written by the core, with its text compressed
        ahead when ``deflated``: see ``deflate``); a pending event with the same ``coalesce_key``
        is superseded. False (nothing queued) for an event over ``MAX_EVENT_CHARS``."""
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
        if deflated is not None and type(event) is str:
            self._deflated[id(encoded)] = deflated
        self._bytes += len(encoded)
        self._real += 1
        self._chunks = None
        return True

    def clear(self) -> None:
        self._events.clear()
        self._deflated.clear()
        self._latest.clear()
        self._bytes = 0
        self._real = 0
        self._sealed.clear()
        self._chunks = None

    def _body(self, events: list[str | None], seq: int | None = None, dropped: int = 0) -> bytes:
        frame: dict[str, object] = {"session": self.session, "view": self.view, "seq": self.seq if seq is None else seq}
        if dropped:
            frame["dropped"] = dropped
        head = json.dumps(frame, separators=(",", ":"))
        body = head[:-1] + ',"events":[' + ",".join(e for e in events if e is not None) + "]}"
        # A lone surrogate (a page can hold one; JSON.stringify hands it over escaped) cannot be
        # UTF-8: it leaves as its JSON escape, which only ever stands inside a JSON string.
        return body.encode("utf-8", "backslashreplace")

    def _encode(self, events: list[str | None], seq: int | None = None, dropped: int = 0, level: int = STANDBY_LEVEL) -> bytes:
        ahead = [self._deflated.get(id(e)) if e is not None else None for e in events] if self._deflated else []
        if any(d is not None and d.level == level for d in ahead):
            return self._encode_pieces(events, ahead, seq, dropped, level)
        return gzip.compress(self._body(events, seq, dropped), compresslevel=level, mtime=0)

    def _encode_pieces(self, events: list[str | None], ahead: list[Deflated | None], seq: int | None, dropped: int, level: int) -> bytes:
        """As ``_encode``, with the events compressed ahead spliced in as they are."""
        frame: dict[str, object] = {"session": self.session, "view": self.view, "seq": self.seq if seq is None else seq}
        if dropped:
            frame["dropped"] = dropped
        pieces: list[tuple[str, Deflated | None]] = [(json.dumps(frame, separators=(",", ":"))[:-1] + ',"events":[', None)]
        first = True
        for event, deflated in zip(events, ahead, strict=True):
            if event is None:
                continue
            if not first:
                pieces.append((",", None))
            first = False
            pieces.append((event, deflated if deflated is not None and deflated.level == level else None))
        pieces.append(("]}", None))
        try:
            return gzip_pieces(pieces, level)
        except ValueError:  # a segment that does not match its text: never sent, the plain way instead
            return gzip.compress(self._body(events, seq, dropped), compresslevel=level, mtime=0)

    def _encode_within(self, events: list[str | None], seq: int, max_bytes: int) -> bytes | None:
        """A standby chunk of ``events``, or None when it would be larger than ``max_bytes``: found
        out by compressing only until the output passes the bound (a large snapshot is never
        compressed whole to learn that it cannot go out with an unloading page)."""
        if self._deflated and any(e is not None and id(e) in self._deflated for e in events):
            # A snapshot compressed ahead: its chunk costs only the splice, and its size is exact.
            spliced = self._encode(events, seq=seq, level=BATCH_LEVEL)
            return spliced if len(spliced) <= max_bytes else None
        body = self._body(events, seq)
        deflate = zlib.compressobj(STANDBY_LEVEL, zlib.DEFLATED, -15)
        out = 18  # gzip's header and trailer
        for at in range(0, len(body), _PROBE_SLICE):
            out += len(deflate.compress(body[at:at + _PROBE_SLICE]))
            if out > max_bytes:
                return None
        if out + len(deflate.flush()) > max_bytes:
            return None
        data = gzip.compress(body, compresslevel=STANDBY_LEVEL, mtime=0)
        return data if len(data) <= max_bytes else None

    def _consume(self, count: int) -> None:
        """Drop the first ``count`` slots (sent as batch ``seq``) and move on to the next seq."""
        sent, self._events = self._events[:count], self._events[count:]
        gone = [e for e in sent if e is not None]
        if self._deflated:
            for event in gone:
                self._deflated.pop(id(event), None)
        self._bytes -= sum(len(e) for e in gone)
        self._real -= len(gone)
        self._latest = {key: i - count for key, i in self._latest.items() if i >= count}
        self.seq += 1
        self._chunks = None

    def take(self, dropped: int = 0, max_chars: int = BATCH_MAX_CHARS) -> bytes | None:
        """The next gzipped batch, or None when nothing is pending.

        A batch holds the oldest pending events up to ``max_chars`` of JSON (at least one event;
        and an event that alone passes the bound goes with what is before it when that is at most
        ``CARRIED_HEAD_CHARS``); the rest stay for the next batch. ``dropped`` is how many batches the host's bounded queue
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
                # A small head (the meta event before a large first snapshot) leaves with the
                # large event, not in a batch and a round trip of its own.
                if size > CARRIED_HEAD_CHARS or len(event) <= max_chars:
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

    def peek_chunks(self, max_bytes: int, lone_max: int | None = None) -> list[tuple[int, int, bytes]]:
        """The pending events as consecutive batches of at most ``max_bytes`` gzipped each
        (a single event larger than that is a chunk of its own, up to ``lone_max`` when given:
        the chunks end before a single event larger than that): [(seq, count, bytes), ...].

        A browser lets an unloading page send only 64 KiB in keepalive requests, in all. Only the
        open (last) chunk is encoded again after a change; a chunk that outgrows ``max_bytes`` is
        cut at its longest fitting prefix, which is sealed and never encoded again while it stays.
        Whether a chunk fits is found by compressing it only until it passes its bound.
        """
        if (max_bytes, lone_max) != self._chunk_limit:
            self._sealed.clear()
            self._chunk_limit = (max_bytes, lone_max)
            self._chunks = None
        if self._chunks is not None:
            return self._chunks
        start = self._sealed[-1][1] if self._sealed else 0
        n = len(self._events)
        open_chunk: tuple[int, int, bytes] | None = None
        while start < n and (remaining := self._count_real(start, n)):
            seq = self.seq + len(self._sealed)
            if remaining > 1:
                data = self._encode_within(self._events[start:n], seq, max_bytes)
                if data is not None:
                    open_chunk = (start, n, data)
                    break
            # The longest prefix that fits, holding at least one event (binary search on its end).
            first = next(i for i in range(start, n) if self._events[i] is not None)
            lo, hi = first + 1, n  # lo: always kept (one event, fits or not); hi: known too big
            if lone_max is None:
                best = self._encode(self._events[start:lo], seq=seq)
            else:
                found = self._encode_within(self._events[start:lo], seq, max(lone_max, max_bytes))
                if found is None:
                    break  # one event no unloading page could send: nor anything after it (seq order)
                best = found
            if len(best) > max_bytes:  # one event larger than a chunk: a chunk of its own
                hi = lo
            while hi - lo > 1:
                mid = (lo + hi) // 2
                candidate = self._encode_within(self._events[start:mid], seq, max_bytes)
                if candidate is not None:
                    lo, best = mid, candidate
                else:
                    hi = mid
            if lo == n:
                open_chunk = (start, n, best)
                break
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
