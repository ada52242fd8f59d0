"""The record-on-error buffer: the last seconds of masked events, held in the worker, unsent.

Rules: only events that came out of the masker are held (their JSON text). The buffer is a list
of segments, each starting with a full snapshot (after the meta event before it), so whatever it
hands over starts from one; an event that arrives while there is no segment (before the first
snapshot, or after one was evicted) is not held. Bounds, both enforced on every change:

- time: every segment but the newest starts within ``window_ms`` of the latest time seen (an
  older one goes as soon as a newer one exists), so what is handed over covers at most the window
  plus however old the newest snapshot is; ``snapshot_due`` asks for a fresh one every
  ``snapshot_every_ms`` (at most half the window, 30 s by default), which keeps that small;
- size: at most ``max_chars`` of JSON; the oldest segments go first, and a newest segment that
  alone outgrows the bound is dropped whole (the host is asked for a fresh snapshot, at most once
  per ``snapshot_every_ms``).

Nothing here is ever sent by itself: ``drain`` hands everything to the recorder's queue once a
trigger fired, and ``clear`` (Veil.stop) forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .rrweb import EventType

BUFFER_MAX_CHARS = 8 * 1024 * 1024
SNAPSHOT_EVERY_MAX_MS = 30_000


@dataclass
class Segment:
    start: float  # the timestamp of its full snapshot
    events: list[str] = field(default_factory=list)
    chars: int = 0


class EventBuffer:
    """Segments of masked events, each from a full snapshot, bounded in time and size."""

    def __init__(self, window_ms: float, max_chars: int = BUFFER_MAX_CHARS) -> None:
        self.window_ms = window_ms
        self.max_chars = max_chars
        self.snapshot_every_ms = min(SNAPSHOT_EVERY_MAX_MS, window_ms / 2)
        self.segments: list[Segment] = []
        self._meta: str | None = None  # the latest meta event: it goes in front of the next snapshot
        self._latest = float("-inf")
        self._asked_at = float("-inf")  # when a fresh snapshot was last asked for
        self.evicted = 0  # events forgotten to keep the bounds (by design, not a loss to report)

    @property
    def chars(self) -> int:
        return sum(s.chars for s in self.segments)

    def __len__(self) -> int:
        return sum(len(s.events) for s in self.segments)

    def push(self, kind: int, encoded: str, timestamp: float) -> None:
        """Hold one masked event (its JSON text)."""
        self._latest = max(self._latest, timestamp)
        if kind == EventType.META:
            self._meta = encoded
            self._trim()  # time moved on with it
            return
        if kind == EventType.FULL_SNAPSHOT:
            segment = Segment(timestamp)
            if self._meta is not None:
                segment.events.append(self._meta)
                segment.chars += len(self._meta)
            self.segments.append(segment)
        elif not self.segments:
            self.evicted += 1
            return
        segment = self.segments[-1]
        segment.events.append(encoded)
        segment.chars += len(encoded)
        self._trim()

    def advance(self, now: float) -> None:
        """Time passed (the host's tick): forget what fell out of the window."""
        self._latest = max(self._latest, now)
        self._trim()

    def _trim(self) -> None:
        horizon = self._latest - self.window_ms
        while len(self.segments) > 1 and (self.segments[0].start < horizon or self.chars > self.max_chars):
            self.evicted += len(self.segments.pop(0).events)
        if self.segments and self.segments[0].chars > self.max_chars:
            self.evicted += len(self.segments.pop(0).events)

    def snapshot_due(self) -> bool:
        """Should the host take a fresh full snapshot now? (Asks at most once per interval.)"""
        if self._latest == float("-inf"):
            return False  # nothing seen yet: the first snapshot is on its way
        newest = self.segments[-1].start if self.segments else float("-inf")
        since = self._latest - max(newest, self._asked_at)
        if since < self.snapshot_every_ms:
            return False
        self._asked_at = self._latest
        return True

    def drain(self) -> list[str]:
        """Everything held, oldest first (it starts with a meta event and a full snapshot); emptied."""
        events = [e for s in self.segments for e in s.events]
        self.segments.clear()
        return events

    def clear(self) -> None:
        self.segments.clear()
        self._meta = None
