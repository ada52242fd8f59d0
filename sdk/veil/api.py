"""The core's string-level API: JSON text in, JSON text or gzip bytes out.

Rules: this is what the bridge calls, and it must behave identically under CPython (tests) and
Pyodide (the worker). It owns one config, the session and at most one recorder. It never raises to
the caller: faults come back as values. Every decision the shim acts on (start by itself, record
or not, pause on an excluded URL, rotate the session) is made here; leaving an excluded URL is a
new gate decision followed by ``start``.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from . import css, css_cache, gate, levels, session
from .config import Config, ConfigError, normalize_config
from .echo import Echoes
from .recorder import Recorder


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

    def configure(self, config_json: str) -> str:
        """Validate the config; return {"ok": true, ...what the shim must know} or the error."""
        try:
            self.config = normalize_config(json.loads(config_json))
        except ConfigError as err:
            return _dump({"ok": False, "key": err.key, "message": str(err)})
        except ValueError:
            return _dump({"ok": False, "key": "config", "message": "Veil config: `config` must be JSON-serializable"})
        return _dump({"ok": True, "consent": self.config.consent, "persistConsent": self.config.persist_consent,
                      "beforeSend": self.config.before_send, "maxQueueBytes": self.config.max_queue_bytes,
                      "requestTimeoutMs": self.config.request_timeout_ms, "debug": self.config.debug})

    def autostart(self, facts_json: str) -> str:
        """Should recording start without Veil.start()? {"start": bool}."""
        try:
            facts = _load_object(facts_json)
        except ValueError:
            facts = {}
        return _dump({"start": self.config is not None and gate.autostart(self.config, facts)})

    def gate(self, facts_json: str, sample_draw: float | None = None) -> str:
        """Decide whether to record: {"record", "reason", "session"}; "session" is what to store."""
        if self.config is None:
            return _dump({"record": False, "reason": "not-configured", "session": None})
        try:
            facts = _load_object(facts_json)
            now = float(facts.get("now", 0))
        except (ValueError, TypeError):
            return _dump({"record": False, "reason": "bad-facts", "session": None})
        first = gate.precheck(self.config, facts)
        if not first.record:
            status = "paused" if first.reason == "excluded-url" else "declined"
            return _dump({"record": False, "reason": first.reason, "status": status, "session": None})
        draw = sample_draw if sample_draw is not None else _draw()
        self.session, _ = session.resolve(facts.get("storedSession"), now, self.config.sample_rate, draw,
                                          self._buffered_rate())
        decision = gate.decide(self.config, facts, self.session.sampled)
        return _dump({"record": decision.record, "reason": decision.reason,
                      "status": "recording" if decision.record else "declined", "session": self.session.to_json()})

    def _buffered_rate(self) -> float | None:
        """On-error mode: the share of sessions recorded at all (see ``Config.buffered_rate``)."""
        assert self.config is not None
        return self.config.buffered_rate if self.config.recording_mode == "on-error" else None

    def _buffering(self) -> bool:
        return bool(self.config and self.session and self.config.recording_mode == "on-error" and self.session.buffer)

    def start(self) -> str:
        """Begin a recording in the session the gate resolved; the shim sends the snapshot next."""
        if self.config is None or self.session is None or not self.session.sampled:
            return _dump({"ok": False})
        if self.recorder is None or self.recorder.queue.session != self.session.id:
            self.recorder = Recorder(self.config, self.session.id, echoes=self.echoes, buffering=self._buffering())
        self.recorder.start()
        return _dump({"ok": True, "session": self.session.id, "buffering": self.recorder.buffer is not None})

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
        if self.config is None:
            return _dump({"level": "block", "secret": False, "reasons": ["not configured"]})
        try:
            chain = json.loads(chain_json)
            if not isinstance(chain, list):
                raise ValueError("expected a list")
        except ValueError:
            return _dump({"level": "block", "secret": False, "reasons": ["unreadable element"]})
        return _dump(levels.explain_chain(self.config.default_privacy, [c for c in chain if isinstance(c, dict)]))

    def tick(self, now: float, active: bool, sample_draw: float | None = None) -> str:
        """Keep the session alive: {"rotate", "record", "session", "actions"}; actions as observe's
        ("snapshot" due in buffer mode, "flush" for frustration signals judged by time)."""
        if self.config is None or self.session is None:
            return _dump({"rotate": False, "record": False, "session": None})
        draw = sample_draw if sample_draw is not None else _draw()
        self.session, rotated = session.touch(self.session, now, active, self.config.sample_rate, draw,
                                              self._buffered_rate())
        actions = self.recorder.advance(now) if self.recorder is not None and not rotated else []
        return _dump({"rotate": rotated, "record": self.session.sampled, "session": self.session.to_json(),
                      "actions": actions})

    def observe(self, events_json: str) -> str:
        """Mask raw events; return {"actions": [...], "snapshots": n, "dropped": n}."""
        if self.recorder is None:
            return _dump({"actions": [], "snapshots": 0, "dropped": 0})
        try:
            raw = json.loads(events_json)
            if not isinstance(raw, list):
                raise ValueError("expected a list")
        except ValueError:
            self.recorder.counters.dropped += 1
            return _dump({"actions": [], "snapshots": 0, "dropped": self.recorder.counters.dropped})
        result = self.recorder.observe(raw)
        result["dropped"] = self.recorder.counters.dropped
        if self.recorder.triggered and self.session is not None and self.session.buffer:
            # The buffer left: the rest of the session records from its start on every page.
            self.session = session.triggered(self.session)
            result["session"] = self.session.to_json()
        return _dump(result)

    def standby(self) -> tuple[str, list[bytes]] | None:
        """Ready-to-send copies of the pending events, cut to fit an unloading page's keepalive
        budget: ('{"chunks": [{"seq", "count"}, ...]}', [bytes, ...]), or None."""
        if self.recorder is None:
            return None
        chunks = self.recorder.standby_chunks(KEEPALIVE_CHUNK_BYTES, KEEPALIVE_BUDGET_BYTES)
        if not chunks:
            return None
        info = {"chunks": [{"seq": seq, "count": count} for seq, count, _ in chunks]}
        return _dump(info), [data for _, _, data in chunks]

    def commit_standby(self, info_json: str) -> str:
        """Consume the standby chunks the host sent, in order; return {"ok": bool}."""
        if self.recorder is None:
            return _dump({"ok": False})
        try:
            chunks = json.loads(info_json)["chunks"]
            ok = all(self.recorder.commit_standby(int(c["seq"]), int(c["count"])) for c in chunks)
        except (ValueError, KeyError, TypeError):
            ok = False
        return _dump({"ok": ok})

    def take_batch(self, dropped: int = 0) -> bytes | None:
        """The next gzipped batch, or None; ``dropped`` counts batches the host had to discard."""
        return self.recorder.take_batch(dropped) if self.recorder is not None else None

    def last_reported(self) -> int:
        """The ``dropped`` count the last batch taken carries (a lost batch loses its report too)."""
        return self.recorder.last_reported if self.recorder is not None else 0

    def has_more(self) -> bool:
        """Events are still pending after a take: the host should flush again at once."""
        return self.recorder is not None and self.recorder.has_more

    def resync(self) -> str:
        """The host dropped batches: discard pending events until a fresh full snapshot, which the
        host takes next; return {"discarded": n} (events)."""
        if self.recorder is None:
            return _dump({"discarded": 0})
        return _dump({"discarded": self.recorder.resync()})

    def pending_bytes(self) -> int:
        """Masked JSON waiting in the recorder's queue (what the worker holds unsent)."""
        return self.recorder.held_chars if self.recorder is not None else 0
