"""The recorder state machine: observations in, masked events and actions out (sans-I/O).

Rules: the recorder never reads a clock, the DOM or the network. ``observe`` masks raw events in
order; an event that fails masking is dropped and counted (fail closed), never queued raw.
Actions tell the host what to do next: ``snapshot`` (take a fresh full snapshot), ``flush`` (a
batch is ready) and ``pause`` (the page navigated to an excluded URL: everything after that
navigation is dropped until ``resume``, which expects a fresh full snapshot). Stopping drops
everything unsent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .batch import BatchQueue
from .config import Config
from .events import EncodedEvent, EventMasker, Excluded, NeedsSnapshot
from .rrweb import EventType, Source

FLUSH_AT_BYTES = 512 * 1024


@dataclass
class Counters:
    observed: int = 0
    emitted: int = 0
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

    def start(self) -> None:
        """Begin a recording; the next observation must be a meta event and a full snapshot."""
        self.masker.reset()
        self.recording = True
        self.paused = False

    def resume(self) -> None:
        """Leave an excluded URL: record again from the next full snapshot."""
        self.masker.reset()
        self.paused = False

    def stop(self) -> None:
        """Withdraw: forget the page and drop everything not yet sent."""
        self.recording = False
        self.masker.reset()
        self.queue.clear()

    def observe(self, raw_events: list[Any]) -> dict[str, Any]:
        """Mask and queue raw events; return {"actions": [...], "snapshots": n} for the host."""
        actions: list[str] = []
        snapshots = 0
        if not self.recording or self.paused:
            return {"actions": actions, "snapshots": 0}
        for raw in raw_events:
            self.counters.observed += 1
            try:
                masked = self.masker.mask(raw)
            except Excluded:
                self.paused = True
                actions.append("pause")
                break  # nothing observed on an excluded page is recorded
            except NeedsSnapshot as change:
                if change.fault:
                    self.counters.dropped += 1
                masked = change.masked and {"type": int(EventType.INCREMENTAL_SNAPSHOT), "data": change.masked, "timestamp": raw["timestamp"]}
                if "snapshot" not in actions:
                    actions.append("snapshot")
            except Exception:  # noqa: BLE001 - fail closed: any fault drops the event
                self.counters.dropped += 1
                continue
            if masked is None:
                continue
            if type(masked) is EncodedEvent:
                kind, payload, coalesce_key = masked.type, masked.json, None
            else:
                kind, payload, coalesce_key = masked["type"], masked, _coalesce_key(masked)
            if kind == EventType.FULL_SNAPSHOT:
                snapshots += 1
            self.queue.push(payload, coalesce_key=coalesce_key)
            self.counters.emitted += 1
        if self.queue.pending_bytes >= self.flush_at_bytes:
            actions.append("flush")
        return {"actions": actions, "snapshots": snapshots}

    def take_batch(self, dropped: int = 0) -> bytes | None:
        """The next gzipped batch of masked events, or None; ``dropped`` is reported in it."""
        return self.queue.take(dropped)

    def standby_batch(self) -> tuple[int, int, bytes] | None:
        """The next batch without consuming it (seq, event count, bytes); see ``BatchQueue.peek``."""
        return self.queue.peek() if self.recording else None

    def standby_chunks(self, max_bytes: int) -> list[tuple[int, int, bytes]]:
        """The pending events as keepalive-sized batches, not consumed; see ``BatchQueue.peek_chunks``."""
        return self.queue.peek_chunks(max_bytes) if self.recording else []

    def commit_standby(self, seq: int, count: int) -> bool:
        """The host sent a standby batch: consume it."""
        return self.queue.commit(seq, count)
