"""Frustration signals: rage, dead and error clicks, judged from the masked events (sans-I/O).

Rules: pure state, no clock: time is the events' own timestamps (or the ``now`` the host's tick
hands in). It reads only events that already passed the masker and makes new ones,
``{"tag": FRUSTRATION_TAG, "payload": {"kind", "id", "x", "y"[, "clicks"]}}``, which carry a
node id and coordinates only, never content. The shim cannot send one: the masker refuses the tag.

- rage: at least ``RAGE_CLICKS`` clicks, each within ``RAGE_RADIUS_PX`` of the first, three of
  them within ``RAGE_WINDOW_MS``; the burst ends at a pause longer than that or a click elsewhere,
  and is reported once, with its number of clicks.
- dead: a click on something actionable (the shim's ``veil:action``) followed, within
  ``DEAD_WINDOW_MS``, by no DOM change, input, scroll, navigation, new page or request.
  A request is reported when it ends (``veil:network``): one that takes longer than the window to
  answer leaves its click judged dead.
- error: an uncaught error or unhandled rejection within ``ERROR_WINDOW_MS`` of a click (the click
  is then not also judged dead).

A signal is stamped no earlier than the last event seen, so events stay in time order. A rage
burst still open when the page is hidden or flushed by the site (``close``) is reported then, so it
leaves with the last batch; ``closing`` says what ``close`` would report, changing nothing (the
copy an unloading page sends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .contract import ACTION_TAG, ERROR_TAG, FRUSTRATION_TAG, NAVIGATION_TAG, NETWORK_TAG
from .rrweb import EventType, Source

RAGE_CLICKS = 3
RAGE_WINDOW_MS = 1000
RAGE_RADIUS_PX = 30
DEAD_WINDOW_MS = 2000
ERROR_WINDOW_MS = 2000
_CLICK = 2  # rrweb's MouseInteractions.Click
# Incremental sources that show the page reacted to a click.
_REACTIONS = frozenset({Source.MUTATION, Source.INPUT, Source.SCROLL})


@dataclass
class _Click:
    at: float
    x: float | None
    y: float | None
    id: int


@dataclass
class _Burst:
    first: _Click
    last_at: float
    stamps: list[float] = field(default_factory=list)
    raging: bool = False


def _signal(kind: str, click: _Click, at: float, clicks: int | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"kind": kind, "id": click.id, "x": click.x, "y": click.y}
    if clicks is not None:
        payload["clicks"] = clicks
    return {"type": int(EventType.CUSTOM), "data": {"tag": FRUSTRATION_TAG, "payload": payload}, "timestamp": at}


class FrustrationDetector:
    """Watches masked events in order and says which frustration signals they complete."""

    def __init__(self) -> None:
        self._burst: _Burst | None = None
        self._last_click: _Click | None = None
        self._pending: _Click | None = None  # an actionable click waiting for the page to react
        self._latest = 0.0

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def advance(self, now: float) -> list[dict[str, Any]]:
        """Signals whose window closed by ``now``, stamped no earlier than the last event seen."""
        out: list[dict[str, Any]] = []
        at = max(now, self._latest)
        burst = self._burst
        if burst is not None and now - burst.last_at > RAGE_WINDOW_MS:
            self._burst = None
            if burst.raging:
                out.append(_signal("rage", burst.first, at, len(burst.stamps)))
        pending = self._pending
        if pending is not None and now - pending.at > DEAD_WINDOW_MS:
            self._pending = None
            out.append(_signal("dead", pending, at))
        return out

    def closing(self) -> list[dict[str, Any]]:
        """The signals ``close`` would report now (a rage burst still open), changing nothing."""
        burst = self._burst
        if burst is None or not burst.raging:
            return []
        return [_signal("rage", burst.first, self._latest, len(burst.stamps))]

    def close(self) -> list[dict[str, Any]]:
        """Close a rage burst still open (the page is leaving, or the site flushes): its signal now.
        A burst not raging yet stays open (a third click may still make it one)."""
        out = self.closing()
        if out:
            self._burst = None
        return out

    def feed(self, event: dict[str, Any] | None, kind: int, timestamp: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(signals to record before this event, signals to record after it)."""
        before = self.advance(timestamp)
        self._latest = max(self._latest, timestamp)
        after: list[dict[str, Any]] = []
        if kind in (EventType.META, EventType.FULL_SNAPSHOT):
            self._pending = None  # a new page or a fresh snapshot: whatever was clicked did something
            return before, after
        data = event.get("data") if isinstance(event, dict) else None
        if not isinstance(data, dict):
            return before, after
        if kind == EventType.INCREMENTAL_SNAPSHOT:
            source = data.get("source")
            if source in _REACTIONS:
                self._pending = None
            elif source == Source.MOUSE_INTERACTION and data.get("type") == _CLICK:
                before += self._click(_Click(timestamp, data.get("x"), data.get("y"), data.get("id", -1)))
        elif kind == EventType.CUSTOM:
            tag = data.get("tag")
            found = data.get("payload")
            payload: dict[str, Any] = found if isinstance(found, dict) else {}
            if tag in (NAVIGATION_TAG, NETWORK_TAG):
                self._pending = None
            elif tag == ACTION_TAG:
                last = self._last_click
                # The pointer click just before this action gives its position.
                near = last if last is not None and abs(timestamp - last.at) <= 100 else None
                self._pending = _Click(timestamp, near.x if near else None, near.y if near else None, payload.get("id", -1))
            elif tag == ERROR_TAG and payload.get("kind") in ("error", "unhandledrejection"):
                last = self._last_click
                if last is not None and timestamp - last.at <= ERROR_WINDOW_MS:
                    after.append(_signal("error", last, self._latest))
                    self._last_click = None
                    self._pending = None
        return before, after

    def _click(self, click: _Click) -> list[dict[str, Any]]:
        self._last_click = click
        out: list[dict[str, Any]] = []
        burst = self._burst
        if burst is not None:
            fx, fy = burst.first.x, burst.first.y
            near = None not in (fx, fy, click.x, click.y) and \
                abs(click.x - fx) <= RAGE_RADIUS_PX and abs(click.y - fy) <= RAGE_RADIUS_PX  # type: ignore[operator]
            if near and click.at - burst.last_at <= RAGE_WINDOW_MS:
                burst.stamps.append(click.at)
                burst.last_at = click.at
                if len(burst.stamps) >= RAGE_CLICKS and click.at - burst.stamps[-RAGE_CLICKS] <= RAGE_WINDOW_MS:
                    burst.raging = True
                return out
            if burst.raging:
                out.append(_signal("rage", burst.first, self._latest, len(burst.stamps)))
        self._burst = _Burst(click, click.at, [click.at])
        return out
