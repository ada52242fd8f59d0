"""The core's string-level API: JSON text in, JSON text or gzip bytes out.

Rules: this is what the bridge calls, and it must behave identically under CPython (tests) and
Pyodide (the worker). Each answer has the shape ``contract.MESSAGES`` gives it (typed here, and
generated for the shim, which tsc checks). It owns one config, the session and at most one recorder. It never raises to
the caller: faults come back as values. Every decision the shim acts on (start by itself, record
or not, pause on an excluded URL, rotate the session) is made here; leaving an excluded URL is a
new gate decision followed by ``start``. The site-text list: the inline ``allowText`` from the
config, and the list file the worker fetched for ``allowTextUrl`` (``site_text``: checked against its
integrity and loaded here, or refused whole); a recording uses what is loaded when it starts.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from . import canvas, css, css_cache, frames, gate, levels, session, sitetext, verdicts
from .config import Config, ConfigError, normalize_config
from .contract import (AutostartAnswer, CanvasFrameAnswer, CanvasLevelsAnswer, ChildEventsAnswer, ConfigureAnswer,
                       ContentRule, Explanation, GateAnswer, ObserveCoreAnswer, OkAnswer, ResyncAnswer, SiteTextOutcome,
                       StandbyInfo, StartAnswer, TickAnswer)
from .echo import Echoes
from .masking import SITE_TEXT_ATTRIBUTES, mask_text
from .recorder import Recorder
from .sitetext import SiteText, SiteTextError


# Browsers give an unloading page 64 KiB of keepalive requests in all; leave room for headers.
KEEPALIVE_CHUNK_BYTES = 48 * 1024
# What the page sends on unload at most (shim/veil/keepalive.mjs): a single event's chunk can be
# larger than a chunk, up to this; beyond it no standby chunk is made for it or what follows.
KEEPALIVE_BUDGET_BYTES = 60 * 1024


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _load_object(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("expected an object")
    return value


def _draw() -> float:
    """A uniform draw in [0, 100) from the platform's CSPRNG, for sampling."""
    return secrets.randbelow(1_000_000) / 10_000


class Core:
    """Config, gate, session and recorder for one page, driven by the shim through strings."""

    def __init__(self) -> None:
        self.config: Config | None = None
        self.recorder: Recorder | None = None
        self.echoes = Echoes()  # what the visitor typed where it was masked: this page view's, never sent
        self.session: session.Session | None = None
        self.site: SiteText = sitetext.EMPTY  # the site-text list in force (inline + the fetched file)

    def configure(self, config_json: str) -> str:
        """Validate the config; return {"ok": true, ...what the shim must know} or the error."""
        answer: ConfigureAnswer
        try:
            self.config = normalize_config(json.loads(config_json))
        except ConfigError as err:
            answer = {"ok": False, "key": err.key, "message": str(err)}
            return _dump(answer)
        except ValueError:
            answer = {"ok": False, "key": "config", "message": "Veil config: `config` must be JSON-serializable"}
            return _dump(answer)
        self.site = SiteText(self.config.allow_text)
        answer = {"ok": True, "consent": self.config.consent, "persistConsent": self.config.persist_consent,
                  "beforeSend": self.config.before_send, "maxQueueBytes": self.config.max_queue_bytes,
                  "requestTimeoutMs": self.config.request_timeout_ms, "debug": self.config.debug,
                  "canvasMaskRegions": self.config.canvas_mask_regions,
                  "iframeOrigins": list(self.config.iframe_origins), "parentOrigin": self.config.parent_origin}
        if self.config.allow_text_url is not None:
            # The worker fetches the list and hands it to ``site_text`` before answering the page.
            answer["allowTextUrl"] = self.config.allow_text_url
        return _dump(answer)

    def site_text(self, data: bytes | None, failure: str | None = None) -> str:
        """The list file fetched for ``allowTextUrl`` (None with the ``failure`` that stopped its
        fetch): checked against ``allowTextIntegrity`` and loaded, or refused whole. Returns
        {"ok": true, "strings", "templates"} or {"ok": false, "reason"}; a refused list adds nothing."""
        answer: SiteTextOutcome
        if self.config is None or self.config.allow_text_url is None:
            answer = {"ok": False, "reason": "no allowTextUrl is configured"}
            return _dump(answer)
        if data is None:
            answer = {"ok": False, "reason": failure or "the list could not be fetched"}
            return _dump(answer)
        try:
            loaded = sitetext.parse_list(bytes(data), self.config.allow_text_integrity)
        except SiteTextError as err:
            answer = {"ok": False, "reason": str(err)}
            return _dump(answer)
        self.site = SiteText(self.config.allow_text).merged(loaded)
        answer = {"ok": True, "strings": len(loaded.strings), "templates": len(loaded.templates)}
        return _dump(answer)

    def autostart(self, facts_json: str) -> str:
        """Should recording start without Veil.start()? {"start": bool}."""
        try:
            facts = _load_object(facts_json)
        except ValueError:
            facts = {}
        answer: AutostartAnswer = {"start": self.config is not None and gate.autostart(self.config, facts)}
        return _dump(answer)

    def gate(self, facts_json: str, sample_draw: float | None = None) -> str:
        """Decide whether to record: {"record", "reason", "session"}; "session" is what to store."""
        answer: GateAnswer
        if self.config is None:
            answer = {"record": False, "reason": "not-configured", "session": None}
            return _dump(answer)
        try:
            facts = _load_object(facts_json)
            now = float(facts.get("now", 0))
        except (ValueError, TypeError):
            answer = {"record": False, "reason": "bad-facts", "session": None}
            return _dump(answer)
        first = gate.precheck(self.config, facts)
        if not first.record:
            answer = {"record": False, "reason": first.reason,
                      "status": "paused" if first.reason == "excluded-url" else "declined", "session": None}
            return _dump(answer)
        draw = sample_draw if sample_draw is not None else _draw()
        self.session, _ = session.resolve(facts.get("storedSession"), now, self.config.sample_rate, draw,
                                          self._buffered_rate())
        decision = gate.decide(self.config, facts, self.session.sampled)
        answer = {"record": decision.record, "reason": decision.reason,
                  "status": "recording" if decision.record else "declined", "session": self.session.to_json()}
        return _dump(answer)

    def _buffered_rate(self) -> float | None:
        """On-error mode: the share of sessions recorded at all (see ``Config.buffered_rate``)."""
        assert self.config is not None
        return self.config.buffered_rate if self.config.recording_mode == "on-error" else None

    def _buffering(self) -> bool:
        return bool(self.config and self.session and self.config.recording_mode == "on-error" and self.session.buffer)

    def start(self) -> str:
        """Begin a recording in the session the gate resolved; the shim sends the snapshot next."""
        answer: StartAnswer
        if self.config is None or self.session is None or not self.session.sampled:
            answer = {"ok": False}
            return _dump(answer)
        if self.recorder is None or self.recorder.queue.session != self.session.id:
            self.recorder = Recorder(self.config, self.session.id, echoes=self.echoes, buffering=self._buffering(), site=self.site)
        self.recorder.start()
        answer = {"ok": True, "session": self.session.id, "buffering": self.recorder.buffer is not None}
        return _dump(answer)

    def stop(self) -> None:
        """Stop recording and drop everything unsent, and every masked stylesheet kept."""
        if self.recorder is not None:
            self.recorder.stop()
        css.clear_caches()

    def css_preload(self, entries_json: str) -> int:
        """The visit's masked stylesheets an earlier page view stored ([[digest, masked], ...],
        see ``css_cache``); returns how many were kept."""
        try:
            entries = json.loads(entries_json)
        except ValueError:
            return 0
        return css_cache.visit.preload(entries) if isinstance(entries, list) else 0

    def css_fresh(self) -> str:
        """The stylesheets masked anew since the last call, for the next page views: [[digest, masked], ...]."""
        return _dump(css_cache.visit.take_fresh())

    def css_stats(self) -> str:
        """Large stylesheets masked from scratch and reused since the last call: {"masked", "reused"}."""
        return _dump(css.take_stats())

    def explain(self, chain_json: str) -> str:
        """The level an element gets and why, from its chain of ancestors (Veil.explain)."""
        answer: Explanation
        if self.config is None:
            answer = {"level": "block", "secret": False, "reasons": ["not configured"]}
            return _dump(answer)
        try:
            chain = json.loads(chain_json)
            if not isinstance(chain, list):
                raise ValueError("expected a list")
        except ValueError:
            answer = {"level": "block", "secret": False, "reasons": ["unreadable element"]}
            return _dump(answer)
        entries: list[dict[str, Any]] = [c for c in chain if isinstance(c, dict)]
        answer = levels.explain_chain(self.config.default_privacy, list(entries))
        if entries:
            typed = any(isinstance(e.get("attributes"), dict) and levels.is_editable(e["attributes"]) for e in entries)
            self._explain_content(answer, entries[-1], typed)
        return _dump(answer)

    def preview(self, rows_json: str) -> str:
        """What the replay will show of each element and why (Veil.preview): the page's elements as
        snapshot rows, judged by recording's own masking (``verdicts``); {"ok", "verdicts",
        "truncated"} or {"ok": false, "reason"}. Nothing of it is recorded or sent."""
        if self.config is None:
            return _dump({"ok": False, "reason": "not configured"})
        try:
            result = verdicts.judge(self.config, json.loads(rows_json), self.echoes, self.site)
        except ValueError as err:
            return _dump({"ok": False, "reason": f"unreadable page: {err}"})
        except Exception as err:  # noqa: BLE001 - a developer's tool: a fault is an answer, never a crash of the worker
            return _dump({"ok": False, "reason": f"preview failed: {err.__class__.__name__}"})
        return _dump({"ok": True, **result})

    def _explain_content(self, explanation: Explanation, element: dict[str, Any], typed: bool) -> None:
        """Add what becomes of an element's own text (``text``: its text nodes) and of its content
        attributes the list may show (``content``), and which rule decides each: "site text" when
        the list shows it. ``typed``: the element is inside a contenteditable one. The answer names
        rules, never the text."""
        texts, content = element.get("text"), element.get("content")
        if isinstance(texts, list):
            pieces = [t for t in texts if isinstance(t, str) and t.strip()]
            if pieces:
                explanation["text"] = self._content_rule(explanation, pieces, typed)
        if isinstance(content, dict):
            rules = {}
            for name, value in content.items():
                if isinstance(name, str) and name.lower() in SITE_TEXT_ATTRIBUTES and isinstance(value, str) and value.strip():
                    rules[name.lower()] = self._content_rule(explanation, [value], typed)
            if rules:
                explanation["content"] = rules
        rule_of_text = explanation.get("text")
        if rule_of_text is not None and rule_of_text["rule"] == sitetext.RULE_NAME:
            shown = "shown in clear" if rule_of_text["shown"] == "clear" else "shown with its filled slots masked"
            explanation["reasons"].append(f"its text is {sitetext.RULE_NAME} (in the site's allow-list): {shown}")

    def _content_rule(self, explanation: Explanation, pieces: list[str], typed: bool) -> ContentRule:
        """{"rule", "shown"} for one element's texts (or one attribute's value) at its level:
        shown "clear", "template" (static parts, slots masked), "masked" or "none"."""
        level = explanation["level"]
        if level == "block":
            return {"rule": "block", "shown": "none"}
        if explanation["secret"]:
            return {"rule": "forced secret", "shown": "masked"}
        if level == "allow":
            return {"rule": "level allow", "shown": "clear"}
        if level == "mask-user-input":
            return {"rule": "level mask-user-input", "shown": "clear"}
        if typed:
            return {"rule": "typed", "shown": "masked"}
        kinds = [self.site.kind(p) if self.site else None for p in pieces]
        if all(kinds):
            if any(self.echoes.mask(p) != p for p in pieces):
                return {"rule": "echo of a typed value", "shown": "masked"}
            if all(self.site.match(p) is not None for p in pieces):
                return {"rule": "site text", "shown": "clear" if all(k == "string" for k in kinds) else "template"}
        return {"rule": "level mask", "shown": "masked" if any(mask_text(p) != p for p in pieces) else "clear"}

    def tick(self, now: float, active: bool, sample_draw: float | None = None) -> str:
        """Keep the session alive: {"rotate", "record", "session", "actions"}; actions as observe's
        ("snapshot" due in buffer mode, "flush" for frustration signals judged by time)."""
        answer: TickAnswer
        if self.config is None or self.session is None:
            answer = {"rotate": False, "record": False, "session": None}
            return _dump(answer)
        draw = sample_draw if sample_draw is not None else _draw()
        self.session, rotated = session.touch(self.session, now, active, self.config.sample_rate, draw,
                                              self._buffered_rate())
        actions = self.recorder.advance(now) if self.recorder is not None and not rotated else []
        answer = {"rotate": rotated, "record": self.session.sampled, "session": self.session.to_json(), "actions": actions}
        return _dump(answer)

    def observe(self, events_json: str) -> str:
        """Mask raw events; return {"actions": [...], "snapshots": n, "dropped": n}."""
        answer: ObserveCoreAnswer
        if self.recorder is None:
            answer = {"actions": [], "snapshots": 0, "dropped": 0}
            return _dump(answer)
        try:
            raw = json.loads(events_json)
            if not isinstance(raw, list):
                raise ValueError("expected a list")
        except ValueError:
            self.recorder.counters.dropped += 1
            answer = {"actions": [], "snapshots": 0, "dropped": self.recorder.counters.dropped}
            return _dump(answer)
        return _dump(self._observe(raw))

    def _observe(self, raw: list[Any]) -> ObserveCoreAnswer:
        """``observe`` of parsed raw events (the recorder exists)."""
        assert self.recorder is not None
        observed = self.recorder.observe(raw)
        answer: ObserveCoreAnswer = {"actions": observed["actions"], "snapshots": observed["snapshots"],
                                     "dropped": self.recorder.counters.dropped}
        if self.recorder.triggered and self.session is not None and self.session.buffer:
            # The buffer left: the rest of the session records from its start on every page.
            self.session = session.triggered(self.session)
            answer["session"] = self.session.to_json()
        return answer

    def canvas_levels(self, ids_json: str) -> str:
        """Which of these canvas ids may have their pixels recorded now: {"record": [ids]} (the
        shim captures those only; veil.canvas)."""
        recorder = self.recorder
        try:
            ids = json.loads(ids_json)
        except ValueError:
            ids = None
        if recorder is None or not recorder.recording or not isinstance(ids, list):
            levels: CanvasLevelsAnswer = {"record": []}
            return _dump(levels)
        levels = {"record": canvas.recordable(recorder.masker.table, ids)}
        return _dump(levels)

    def canvas_frame(self, frame_json: str) -> str:
        """One encoded canvas frame ``{id, mime, base64, width, height, timestamp}``, masked and
        queued like an observation: observe's answer, plus whether it was recorded, how long to
        wait before a frame that size fits the byte budget, and the canvas counters."""
        recorder = self.recorder
        answer: CanvasFrameAnswer
        if recorder is None:
            answer = {"actions": [], "snapshots": 0, "dropped": 0, "recorded": False, "waitMs": 0}
            return _dump(answer)
        try:
            frame = _load_object(frame_json)
        except ValueError:
            frame = {}
        data = {key: frame.get(key) for key in ("id", "mime", "base64", "width", "height")}
        stats = recorder.masker.canvas.stats
        before = stats.frames
        observed = self._observe([{"type": 3, "timestamp": frame.get("timestamp"), "data": {"source": 9, **data}}])
        answer = {"actions": observed["actions"], "snapshots": observed["snapshots"], "dropped": observed["dropped"],
                  "recorded": stats.frames > before, "waitMs": recorder.masker.canvas.last_wait_ms, "canvas": stats.as_json()}
        if "session" in observed:
            answer["session"] = observed["session"]
        return _dump(answer)

    def child_events(self, iframe_id: int, batch: bytes) -> str:
        """A gzipped batch a cross-origin iframe's Veil handed over through the iframe element
        ``iframe_id`` (veil.frames): masked again and queued as part of this page's recording.
        observe's answer, plus "accepted" and "needSnapshot" (ask the child for a full snapshot:
        its document is not in the replay now)."""
        recorder = self.recorder
        answer: ChildEventsAnswer
        if recorder is None or not recorder.recording or not recorder.masker.has_snapshot:
            # Not recording, or a full snapshot is being taken: the child is asked for a fresh
            # snapshot once it is done (the shim does so after every one).
            answer = {"actions": [], "snapshots": 0, "dropped": 0, "accepted": False, "needSnapshot": False}
            return _dump(answer)
        masker = recorder.masker
        try:
            raw, need = masker.frames.transform(iframe_id, frames.read_batch(batch), masker.table)
        except frames.Rejected:
            recorder.counters.dropped += 1
            answer = {"actions": [], "snapshots": 0, "dropped": recorder.counters.dropped, "accepted": False,
                      "needSnapshot": False}
            return _dump(answer)
        answer = {**self._observe(raw), "accepted": True, "needSnapshot": need}
        return _dump(answer)

    def standby(self) -> tuple[str, list[bytes]] | None:
        """Ready-to-send copies of the pending events, cut to fit an unloading page's keepalive
        budget: ('{"chunks": [{"seq", "count"}, ...]}', [bytes, ...]), or None."""
        if self.recorder is None:
            return None
        chunks = self.recorder.standby_chunks(KEEPALIVE_CHUNK_BYTES, KEEPALIVE_BUDGET_BYTES)
        info: StandbyInfo = {"chunks": [{"seq": seq, "count": count} for seq, count, _ in chunks]}
        data = [chunk for _, _, chunk in chunks]
        closing_seq = self.recorder.queue.seq + len(chunks)
        closing = self.recorder.standby_closing(closing_seq)
        if closing is not None:
            info["chunks"].append({"seq": closing_seq, "count": 0, "closing": True})
            data.append(closing)
        if not data:
            return None
        return _dump(info), data

    def commit_standby(self, info_json: str) -> str:
        """Consume the standby chunks the host sent, in order; return {"ok": bool}."""
        answer: OkAnswer = {"ok": False}
        if self.recorder is None:
            return _dump(answer)
        try:
            chunks = json.loads(info_json)["chunks"]
            recorder = self.recorder
            answer["ok"] = all(recorder.commit_closing(int(c["seq"])) if c.get("closing") is True
                               else recorder.commit_standby(int(c["seq"]), int(c["count"])) for c in chunks)
        except (ValueError, KeyError, TypeError):
            answer["ok"] = False
        return _dump(answer)

    def take_batch(self, dropped: int = 0, close: bool = False) -> bytes | None:
        """The next gzipped batch, or None; ``dropped`` counts batches the host had to discard;
        ``close``: close what is still open first (a rage burst: Veil.flush(), the page hidden)."""
        return self.recorder.take_batch(dropped, close) if self.recorder is not None else None

    def buffered(self) -> bool:
        """On error, before a trigger: the recorder holds events in its buffer (nothing to take yet)."""
        return self.recorder is not None and self.recorder.buffered

    def last_reported(self) -> int:
        """The ``dropped`` count the last batch taken carries (a lost batch loses its report too)."""
        return self.recorder.last_reported if self.recorder is not None else 0

    def has_more(self) -> bool:
        """Events are still pending after a take: the host should flush again at once."""
        return self.recorder is not None and self.recorder.has_more

    def resync(self) -> str:
        """The host dropped batches: discard pending events until a fresh full snapshot, which the
        host takes next; return {"discarded": n} (events)."""
        answer: ResyncAnswer = {"discarded": self.recorder.resync() if self.recorder is not None else 0}
        return _dump(answer)

    def pending_bytes(self) -> int:
        """Masked JSON waiting in the recorder's queue (what the worker holds unsent)."""
        return self.recorder.held_chars if self.recorder is not None else 0
