"""The core's string-level API: JSON text in, JSON text or gzip bytes out.

Rules: this is what the bridge calls, and it must behave identically under CPython (tests) and
Pyodide (the worker). It owns one config, one gate decision and at most one recorder. It never
raises to the caller: faults come back as values.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from .config import ConfigError, normalize_config
from .gate import decide
from .recorder import Recorder


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class Core:
    """Config, gate and recorder for one page, driven by the shim through strings."""

    def __init__(self) -> None:
        self.config = None
        self.recorder: Recorder | None = None

    def configure(self, config_json: str) -> str:
        """Validate the config; return {"ok": true} or {"ok": false, "key", "message"}."""
        try:
            self.config = normalize_config(json.loads(config_json))
        except ConfigError as err:
            return _dump({"ok": False, "key": err.key, "message": str(err)})
        except ValueError:
            return _dump({"ok": False, "key": "config", "message": "Veil config: `config` must be JSON-serializable"})
        return _dump({"ok": True, "consent": self.config.consent})

    def gate(self, facts_json: str, sample_draw: float | None = None) -> str:
        """Decide whether to record; return {"record": bool, "reason": str|null}."""
        if self.config is None:
            return _dump({"record": False, "reason": "not-configured"})
        try:
            facts = json.loads(facts_json)
            if not isinstance(facts, dict):
                raise ValueError("facts must be an object")
        except ValueError:
            return _dump({"record": False, "reason": "bad-facts"})
        draw = sample_draw if sample_draw is not None else secrets.randbelow(10_000) / 100
        decision = decide(self.config, facts, draw)
        return _dump({"record": decision.record, "reason": decision.reason})

    def start(self, session: str) -> str:
        """Begin a recording for ``session``; the shim sends the snapshot next."""
        if self.config is None:
            return _dump({"ok": False})
        if self.recorder is None or self.recorder.queue.session != session:
            self.recorder = Recorder(self.config, session)
        self.recorder.start()
        return _dump({"ok": True})

    def stop(self) -> None:
        """Stop recording and drop everything unsent."""
        if self.recorder is not None:
            self.recorder.stop()

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
        return _dump(result)

    def standby(self) -> tuple[str, bytes] | None:
        """A ready-to-send copy of the next batch: ('{"seq", "count"}', bytes), or None."""
        if self.recorder is None:
            return None
        peeked = self.recorder.standby_batch()
        if peeked is None:
            return None
        seq, count, data = peeked
        return _dump({"seq": seq, "count": count}), data

    def commit_standby(self, info_json: str) -> str:
        """Consume a standby batch the host sent; return {"ok": bool}."""
        if self.recorder is None:
            return _dump({"ok": False})
        try:
            info = json.loads(info_json)
            ok = self.recorder.commit_standby(int(info["seq"]), int(info["count"]))
        except (ValueError, KeyError, TypeError):
            ok = False
        return _dump({"ok": ok})

    def take_batch(self) -> bytes | None:
        """The next gzipped batch, or None."""
        return self.recorder.take_batch() if self.recorder is not None else None
