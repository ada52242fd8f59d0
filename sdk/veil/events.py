"""Masking of one raw rrweb event from the shim into the event that may leave the page.

Rules: every event is rebuilt from an allowlist of keys, so nothing the core does not know passes
through. The masker dispatches by type to the module that owns each kind (``snapshots``,
``mutations``, ``incremental``; custom events here), all sharing one node table that gives each id
its level. An event the core cannot judge (unknown type or source, an id it has never seen) is
dropped, not forwarded: it raises ``Rejected``, which the recorder counts. Everything else (the
masked event, a request for a fresh snapshot, a pause on an excluded URL) is returned as a
``Masked`` value; a snapshot or a mutation as JSON text already (``EncodedEvent``).

Echoes: what the visitor typed where it was masked is learnt into the page view's ``Echoes``
(``learning``) before the event is masked, and ``learn`` lets the host learn from a whole
hand-over first; every part that writes in clear masks its echoes.

Site text: the page's site-text list (``sitetext``) reaches every part that writes text or content
attributes (snapshots, mutations, action names), which hand it to ``masking``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import canvas, console, errors, interactions, network
from .config import Config
from .contract import ACTION_TAG, CONSOLE_TAG, ERROR_TAG, KEY_TAG, NAVIGATION_TAG, NETWORK_TAG
from .deflate import Deflated
from .echo import Echoes
from .frames import ChildFrames
from .gate import is_excluded
from .incremental import IncrementalMasker
from .learning import EchoLearner
from .mutations import MutationMasker
from .nodes import NodeTable
from .raw import Rejected, as_map, as_number
from .rrweb import EventType, Source
from .sitetext import SiteText
from .snapshots import MAX_SNAPSHOT_RETRIES, SnapshotMasker
from .urls import scrub_url

__all__ = ["MAX_SNAPSHOT_RETRIES", "EncodedEvent", "EventMasker", "Masked", "Rejected"]


@dataclass(frozen=True, slots=True)
class EncodedEvent:
    """A masked event written as JSON text already (a full snapshot, a mutation). ``source``: an
    incremental event's source, for what reads masked events without parsing them (frustration)."""

    type: int
    json: str
    source: int | None = None
    # Its text compressed while it was written, for its batch (a time-sliced full snapshot: ``deflate``).
    deflated: Deflated | None = None


@dataclass(frozen=True, slots=True)
class Masked:
    """What masking made of one raw event."""

    event: dict[str, Any] | EncodedEvent | None  # None: nothing to record
    # Masking rules for part of the page changed (or a sliced snapshot broke): a fresh full
    # snapshot must follow.
    snapshot: bool = False
    fault: bool = False  # the event itself failed masking (counted as dropped)
    # The page navigated to an excluded URL: nothing more is recorded until it leaves.
    excluded: bool = False


_NOTHING = Masked(None)
_EXCLUDED = Masked(None, excluded=True)
_MUTATION = int(Source.MUTATION)


class EventMasker:
    """Masks raw events in order, keeping the node table in step with the page."""

    def __init__(self, config: Config, echoes: Echoes | None = None, site: SiteText | None = None) -> None:
        self.config = config
        self.site = site or None  # the site-text list (None: none, or it failed to load)
        self.table = NodeTable()
        # What the visitor typed where it was masked: the page view's, kept across recordings.
        self.echoes = echoes if echoes is not None else Echoes()
        self.keys = interactions.Keystrokes()
        self.learner = EchoLearner(self.table, self.echoes)
        self.incremental = IncrementalMasker(config, self.table, self.echoes, self.learner)
        self.mutations = MutationMasker(config, self.table, self.echoes, self.learner, self.incremental.inputs, self.site)
        self.snapshots = SnapshotMasker(config.default_privacy, self.table, config.scrub_patterns, self.echoes,
                                        on_new_page=self._new_page, site=self.site)
        self.canvas = canvas.CanvasFrames()  # canvas frames: source 9 (canvas); its budget spans the recording
        self.frames = ChildFrames()  # cross-origin iframes' recordings (frames)

    def _new_page(self) -> None:
        self.table.clear()
        self.incremental.new_page()

    def reset(self) -> None:
        """A new recording: forget the page, secrets and typing surfaces included."""
        self.table.clear(forget_secrets=True)
        self.keys.reset()
        self.incremental.new_page()
        self.snapshots.reset()
        self.canvas.reset()
        self.frames.reset()

    @property
    def has_snapshot(self) -> bool:
        return self.snapshots.has_snapshot

    @property
    def scrub(self) -> bool:
        return self.config.scrub_patterns

    def learn(self, raw_events: list[Any], start: int = 0) -> int:
        """Learn what a hand-over's events typed before masking them (see ``learning``), from
        ``start`` up to the next full snapshot; returns where it stopped."""
        return self.learner.learn(raw_events, start)

    def mask(self, raw: Any) -> Masked:
        """What masking makes of one raw event: its masked copy (None when it is deliberately not
        recorded), and whether a fresh snapshot must follow. Raises Rejected (a fault: counted).
        """
        event = as_map(raw)
        kind = event.get("type")
        timestamp = as_number(event.get("timestamp"))
        data = as_map(event.get("data", {}))
        snapshot = fault = False
        source = None
        out: dict[str, Any] | str | None
        if kind == EventType.META:
            href = data.get("href")
            out = {
                "href": scrub_url(href) if isinstance(href, str) else "",
                "width": as_number(data.get("width")),
                "height": as_number(data.get("height")),
            }
        elif kind == EventType.FULL_SNAPSHOT:
            self.frames.parent_snapshot(timestamp)  # the replay's iframes are empty again until their children re-attach
            if "part" in data:
                out, snapshot, fault = self.snapshots.part(data, timestamp)
            else:
                out = self.snapshots.whole(data)
        elif kind == EventType.INCREMENTAL_SNAPSHOT:
            if not self.has_snapshot:
                raise Rejected("incremental event before a full snapshot")
            if data.get("source") == Source.MUTATION:
                out, snapshot = self.mutations.mask(data)
                source = _MUTATION
            elif data.get("source") == Source.CANVAS_MUTATION:
                out = self.canvas.mask(data, self.table, timestamp)
            else:
                out = self.incremental.mask(data, timestamp)
        elif kind in (EventType.DOM_CONTENT_LOADED, EventType.LOAD):
            out = {}
        elif kind == EventType.CUSTOM:
            if not self.has_snapshot:
                raise Rejected("custom event before a full snapshot")
            if self._leaves_for_excluded_url(data):
                return _EXCLUDED
            out = self._custom(data)
        else:
            raise Rejected(f"event type {kind!r} is not recorded")
        if out is None:
            return Masked(None, snapshot, fault) if snapshot or fault else _NOTHING
        if type(out) is str:  # already JSON: a snapshot, a mutation
            text = f'{{"type":{int(kind)},"data":{out},"timestamp":{json.dumps(timestamp)}}}'
            deflated = self.snapshots.take_deflated() if kind == EventType.FULL_SNAPSHOT else None
            return Masked(EncodedEvent(int(kind), text, source, deflated), snapshot, fault)
        return Masked({"type": int(kind), "data": out, "timestamp": timestamp}, snapshot, fault)

    def _leaves_for_excluded_url(self, data: Mapping[str, Any]) -> bool:
        """A navigation to an excluded URL (or to one that cannot be judged)."""
        if data.get("tag") != NAVIGATION_TAG:
            return False
        href = as_map(data.get("payload")).get("href")
        return not isinstance(href, str) or is_excluded(self.config, href)

    def _custom(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        """Only Veil's own custom events pass; anything else a page could emit is dropped."""
        tag = data.get("tag")
        payload = dict(as_map(data.get("payload")))
        if tag == NAVIGATION_TAG:  # to a URL that is not excluded (see _leaves_for_excluded_url)
            return {"tag": NAVIGATION_TAG, "payload": {"href": scrub_url(payload["href"])}}
        if tag == KEY_TAG:
            interactions.mark_typing_surface(payload, self.table)
            masked = self.keys.mask(payload, self.table)
        elif tag == ACTION_TAG:
            masked = interactions.action(payload, self.table, self.scrub, self.echoes, self.site)
        elif tag == ERROR_TAG:  # its message at the page's default level (veil.errors)
            try:
                masked = errors.mask_error(payload, self.config.default_privacy, self.scrub, self.echoes)
            except ValueError as err:
                raise Rejected(str(err)) from None
        elif tag == NETWORK_TAG:
            masked = network.mask_network(payload, self.config)
        elif tag == CONSOLE_TAG:
            masked = console.mask_console(payload, self.config, self.echoes)
        else:
            raise Rejected(f"custom event {tag!r} is not recorded")
        return None if masked is None else {"tag": tag, "payload": masked}
