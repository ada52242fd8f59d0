"""The recorder state machine: observations in, masked events and actions out (sans-I/O).

Rules: the recorder never reads a clock, the DOM or the network. ``observe`` masks raw events in
order; an event that fails masking is dropped and counted (fail closed), never queued raw.
Actions tell the host what to do next: ``snapshot`` (take a fresh full snapshot), ``flush`` (a
batch is ready) and ``pause`` (the page navigated to an excluded URL: everything after that
navigation is dropped until the host starts a new recording, which expects a fresh full
snapshot). Stopping drops everything unsent.

Bounds: the queue is taken as soon as it holds ``flush_at_bytes``, each batch holds at most
``BATCH_MAX_CHARS`` of JSON, and an event too large for any collector (``MAX_EVENT_CHARS``) is
dropped and counted. After the host lost batches (``resync``), the pending events are discarded as
one more lost batch and nothing is queued until the fresh full snapshot the host takes next, so
the replay after a gap always starts from a full snapshot.

Buffer mode (recordingMode "on-error", ``buffering=True``): masked events go to an ``EventBuffer``
instead of the queue, so nothing can be taken or sent; the first error event (``ERROR_TAG``: an
uncaught error, an unhandled rejection or Veil.capture) releases the buffer into the queue, asks
the host to flush, and from then on the recording goes on as in "always" mode. Frustration signals
(``frustration``) are made here from the masked events, in both modes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypedDict

from . import css
from .batch import BATCH_MAX_CHARS, BatchQueue, MAX_EVENT_CHARS
from .buffer import BUFFER_MAX_CHARS, EventBuffer
from .config import Config
from .contract import ERROR_TAG, Action
from .deflate import Deflated
from .echo import Echoes
from .events import EncodedEvent, EventMasker
from .frustration import FrustrationDetector
from .rrweb import EventType, Source
from .sitetext import SiteText

FLUSH_AT_BYTES = 512 * 1024


@dataclass
class Counters:
    dropped: int = 0


class Observed(TypedDict):
    """What the host is told after a hand-over: what to do next, and how many full snapshots it held."""

    actions: list[Action]
    snapshots: int


def _coalesce_key(event: dict[str, Any]) -> tuple[str, int] | None:
    """Input events replace the field's previous pending value: a typed word is one event."""
    data = event["data"]
    if event["type"] == EventType.INCREMENTAL_SNAPSHOT and data.get("source") == Source.INPUT:
        return ("input", data["id"])
    return None


class Recorder:
    """One recording of one page: masks what the shim observed and queues it for sending."""

    def __init__(self, config: Config, session: str, flush_at_bytes: int = FLUSH_AT_BYTES,
                 echoes: Echoes | None = None, buffering: bool = False,
                 buffer_max_chars: int = BUFFER_MAX_CHARS, site: SiteText | None = None) -> None:
        self.config = config
        # Buffer mode: held here until a trigger; None once released (or never buffering).
        self.buffer = EventBuffer(config.buffer_seconds * 1000, buffer_max_chars) if buffering else None
        self.triggered = False  # the buffer was released by an error event
        self.frustration = FrustrationDetector()
        # ``echoes``: the page view's memory of typed values (kept by the host across recordings).
        # ``site``: the page's site-text list, which ``mask`` may show (None: none, or it failed to load).
        self.masker = EventMasker(config, echoes, site)
        self.queue = BatchQueue(session)
        self.counters = Counters()
        self.flush_at_bytes = flush_at_bytes
        self.recording = False
        self.paused = False
        # After a gap: nothing is queued until the next meta event (or full snapshot).
        self.awaiting_snapshot = False
        self._last_meta: dict[str, Any] | None = None
        self._lost_batches = 0  # pending events discarded by resync, reported with the next batch
        self.last_reported = 0  # the ``dropped`` the last batch taken carries

    def start(self) -> None:
        """Begin a recording; the next observation must be a meta event and a full snapshot."""
        self.masker.reset()
        self.frustration.reset()
        css.take_failures()  # the CSS masker counts per process: drops before this recording are not its own
        self.recording = True
        self.paused = False

    def stop(self) -> None:
        """Withdraw: forget the page and drop everything not yet sent."""
        self.recording = False
        self.masker.reset()
        self.queue.clear()
        if self.buffer is not None:
            self.buffer.clear()  # a stop discards the buffer unsent

    def resync(self) -> int:
        """The host lost batches: discard the pending events (they follow the gap) and queue nothing
        until a fresh full snapshot; return how many events were discarded."""
        discarded = len(self.queue)
        if discarded:
            # All of them at once, under one seq: spent as a batch the host dropped would have spent it.
            self.queue.take(max_chars=1 << 62)
            self._lost_batches += 1
        self.awaiting_snapshot = True
        return discarded

    def observe(self, raw_events: list[Any]) -> Observed:
        """Mask and queue raw events; return {"actions": [...], "snapshots": n} for the host."""
        actions: list[Action] = []
        snapshots = 0
        if not self.recording or self.paused:
            return {"actions": actions, "snapshots": 0}
        learned_to = 0  # what this hand-over typed is learnt before any echo of it is masked
        for index, raw in enumerate(raw_events):
            if index >= learned_to:  # up to the next full snapshot, once the one before it is masked
                learned_to = self.masker.learn(raw_events, index) + 1
            try:
                result = self.masker.mask(raw)
            except Exception:  # noqa: BLE001 - fail closed: any fault drops the event
                self.counters.dropped += 1
                continue
            if result.excluded:
                self.paused = True
                actions.append("pause")
                break  # nothing observed on an excluded page is recorded
            if result.fault:
                self.counters.dropped += 1
            if result.snapshot and "snapshot" not in actions:
                actions.append("snapshot")
            masked = result.event
            if masked is None:
                continue
            payload: dict[str, Any] | str
            deflated = None
            if isinstance(masked, EncodedEvent):
                kind, payload, coalesce_key, deflated = masked.type, masked.json, None, masked.deflated
                timestamp = raw.get("timestamp", 0) if isinstance(raw, dict) else 0
                # What frustration reads of it (a mutation is a reaction), without parsing it.
                seen = None if masked.source is None else {"type": kind, "data": {"source": masked.source}}
            else:
                kind, payload, coalesce_key = masked["type"], masked, _coalesce_key(masked)
                timestamp = masked["timestamp"]
                seen = payload
            before, after = self.frustration.feed(seen, kind, timestamp)
            for signal in before:
                self._enqueue(EventType.CUSTOM, signal, None, signal["timestamp"])
            if kind == EventType.FULL_SNAPSHOT:
                snapshots += 1
            self._enqueue(kind, payload, coalesce_key, timestamp, deflated)
            for signal in after:
                self._enqueue(EventType.CUSTOM, signal, None, signal["timestamp"])
            if self.buffer is not None and kind == EventType.CUSTOM and isinstance(payload, dict) \
                    and payload["data"].get("tag") == ERROR_TAG:
                actions.extend(a for a in self._release() if a not in actions)
        self.counters.dropped += css.take_failures()  # CSS texts the CSS masker dropped (fail closed)
        if self.buffer is not None and self.buffer.snapshot_due() and "snapshot" not in actions:
            actions.append("snapshot")
        if self.queue.pending_bytes >= self.flush_at_bytes and "flush" not in actions:
            actions.append("flush")
        return {"actions": actions, "snapshots": snapshots}

    def _enqueue(self, kind: int, payload: dict[str, Any] | str, coalesce_key: Any, timestamp: float, deflated: Deflated | None = None) -> None:
        """Hold a masked event in the buffer (buffer mode) or queue it for sending."""
        if kind == EventType.META:
            self._last_meta = payload if isinstance(payload, dict) else None
        if self.buffer is not None:
            if type(payload) is not str:
                payload = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, check_circular=False)
            if len(payload) > MAX_EVENT_CHARS:
                self.counters.dropped += 1
                return
            self.buffer.push(kind, payload, timestamp)
            return
        if kind == EventType.META:
            self.awaiting_snapshot = False
        if kind == EventType.FULL_SNAPSHOT:
            if self.awaiting_snapshot and self._last_meta is not None:
                self.queue.push(self._last_meta)  # a replay starts at a meta event
            self.awaiting_snapshot = False
        if self.awaiting_snapshot:
            return  # after a gap, only a fresh snapshot can be replayed
        if not self.queue.push(payload, coalesce_key=coalesce_key, deflated=deflated):
            self.counters.dropped += 1  # too large for any collector to accept

    def _release(self) -> list[Action]:
        """A trigger fired: the buffer goes to the queue and recording goes on as always."""
        assert self.buffer is not None
        held = self.buffer.drain()
        self.buffer = None
        self.triggered = True
        for encoded in held:
            self.queue.push(encoded)
        if not held:
            # Nothing replayable was held (a snapshot too large for the buffer): start from a fresh one.
            self.awaiting_snapshot = True
            return ["snapshot", "flush"]
        return ["flush"]

    def advance(self, now: float) -> list[Action]:
        """The host's tick: close frustration windows and keep the buffer's bounds; return actions
        ("snapshot": a fresh full snapshot is due in buffer mode; "flush": events were queued)."""
        if not self.recording or self.paused:
            return []
        signals = self.frustration.advance(now)
        for signal in signals:
            self._enqueue(EventType.CUSTOM, signal, None, signal["timestamp"])
        actions: list[Action] = []
        if self.buffer is not None:
            self.buffer.advance(now)
            if self.buffer.snapshot_due():
                actions.append("snapshot")
        elif signals:
            actions.append("flush")
        return actions

    @property
    def held_chars(self) -> int:
        """Masked JSON held here unsent: the queue, and the buffer in buffer mode."""
        return self.queue.pending_bytes + (self.buffer.chars if self.buffer is not None else 0)

    def close(self) -> None:
        """Close what is still open (a rage burst): the site flushed, or the page is hidden."""
        if not self.recording or self.paused:
            return
        for signal in self.frustration.close():
            self._enqueue(EventType.CUSTOM, signal, None, signal["timestamp"])

    @property
    def buffered(self) -> bool:
        """On error, before a trigger: events are held in the buffer (nothing can be taken)."""
        return self.buffer is not None and self.buffer.chars > 0

    def take_batch(self, dropped: int = 0, close: bool = False) -> bytes | None:
        """The next gzipped batch of masked events, or None; ``dropped`` (batches the host lost,
        plus any resync discarded) is reported in it; ``close``: close what is open first."""
        if close:
            self.close()
        reported = dropped + self._lost_batches
        batch = self.queue.take(reported, max_chars=BATCH_MAX_CHARS)
        if batch is not None:
            self._lost_batches = 0
            # If this batch is lost in turn, the host must report its gap again with the next one.
            self.last_reported = reported
        return batch

    @property
    def has_more(self) -> bool:
        """Events are still pending after a take (the batch was cut at its size bound)."""
        return len(self.queue) > 0

    def standby_chunks(self, max_bytes: int, lone_max: int | None = None) -> list[tuple[int, int, bytes]]:
        """The pending events as keepalive-sized batches, not consumed; see ``BatchQueue.peek_chunks``."""
        return self.queue.peek_chunks(max_bytes, lone_max) if self.recording else []

    def standby_closing(self, seq: int) -> bytes | None:
        """What would close if the page ended now (a rage burst still open), as batch ``seq`` (the
        one after the standby chunks), not consumed: an unloading page sends it last. None: nothing
        would close, or nothing can be sent (paused, or on error before a trigger)."""
        if not self.recording or self.paused or self.buffer is not None:
            return None
        closing = self.frustration.closing()
        return self.queue.encode_extra(closing, seq) if closing else None

    def commit_standby(self, seq: int, count: int) -> bool:
        """The host sent a standby batch: consume it."""
        return self.queue.commit(seq, count)

    def commit_closing(self, seq: int) -> bool:
        """The host sent the standby's closing batch ``seq``: what it reports is closed (never
        reported again), and the seq is spent. False if stale."""
        if not self.frustration.closing() or not self.queue.skip(seq):
            return False
        self.frustration.close()
        return True
