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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import css
from .batch import BATCH_MAX_CHARS, BatchQueue, MAX_EVENT_CHARS  # noqa: F401 (re-exported for the docs)
from .config import Config
from .events import EncodedEvent, EventMasker
from .rrweb import EventType, Source

FLUSH_AT_BYTES = 512 * 1024


@dataclass
class Counters:
    dropped: int = 0


def _coalesce_key(event: dict[str, Any]) -> tuple[str, int] | None:
    """Input events replace the field's previous pending value: a typed word is one event."""
    data = event["data"]
    if event["type"] == EventType.INCREMENTAL_SNAPSHOT and data.get("source") == Source.INPUT:
        return ("input", data["id"])
    return None


class Recorder:
    """One recording of one page: masks what the shim observed and queues it for sending."""

    def __init__(self, config: Config, session: str, flush_at_bytes: int = FLUSH_AT_BYTES) -> None:
        self.config = config
        self.masker = EventMasker(config)
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
        self.recording = True
        self.paused = False

    def stop(self) -> None:
        """Withdraw: forget the page and drop everything not yet sent."""
        self.recording = False
        self.masker.reset()
        self.queue.clear()

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

    def observe(self, raw_events: list[Any]) -> dict[str, Any]:
        """Mask and queue raw events; return {"actions": [...], "snapshots": n} for the host."""
        actions: list[str] = []
        snapshots = 0
        if not self.recording or self.paused:
            return {"actions": actions, "snapshots": 0}
        for raw in raw_events:
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
            if isinstance(masked, EncodedEvent):
                kind, payload, coalesce_key = masked.type, masked.json, None
            else:
                kind, payload, coalesce_key = masked["type"], masked, _coalesce_key(masked)
            if kind == EventType.META:
                self._last_meta = payload if isinstance(payload, dict) else None
                self.awaiting_snapshot = False
            if kind == EventType.FULL_SNAPSHOT:
                snapshots += 1
                if self.awaiting_snapshot and self._last_meta is not None:
                    self.queue.push(self._last_meta)  # a replay starts at a meta event
                self.awaiting_snapshot = False
            if self.awaiting_snapshot:
                continue  # after a gap, only a fresh snapshot can be replayed
            if not self.queue.push(payload, coalesce_key=coalesce_key):
                self.counters.dropped += 1  # too large for any collector to accept
                continue
        self.counters.dropped += css.take_failures()  # CSS texts the CSS masker dropped (fail closed)
        if self.queue.pending_bytes >= self.flush_at_bytes:
            actions.append("flush")
        return {"actions": actions, "snapshots": snapshots}

    def take_batch(self, dropped: int = 0) -> bytes | None:
        """The next gzipped batch of masked events, or None; ``dropped`` (batches the host lost,
        plus any resync discarded) is reported in it."""
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

    def standby_chunks(self, max_bytes: int) -> list[tuple[int, int, bytes]]:
        """The pending events as keepalive-sized batches, not consumed; see ``BatchQueue.peek_chunks``."""
        return self.queue.peek_chunks(max_bytes) if self.recording else []

    def commit_standby(self, seq: int, count: int) -> bool:
        """The host sent a standby batch: consume it."""
        return self.queue.commit(seq, count)
