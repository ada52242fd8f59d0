"""The bridge: the only module that touches Pyodide. The worker calls these functions.

Rules: strings in, strings or a JS Uint8Array out; no logic beyond conversion. Everything it
calls is ``veil.api``, which is tested under CPython. One name per message, end to end: the
message veil.js sends (shim/veil/rpc.mjs), the key of worker.mjs's dispatch table, the function
here and the ``Core`` method are all the same word (``take_batch``, ``commit_standby``, ...);
``pending_bytes``, ``has_more``, ``last_reported``, ``buffered`` and ``standby`` are the worker's own queries,
added to an answer, never messages; so are ``css_preload``, ``css_fresh`` and ``css_stats``, the
worker's side of keeping masked stylesheets for the visit; ``site_text`` is the worker's own call too, made while it answers
``configure`` (the list file it fetched for ``allowTextUrl``). tests/unit/test_bridge_names.py checks all four agree.
"""

from __future__ import annotations

from typing import Any

from .api import Core

_core = Core()


def configure(config_json: str) -> str:
    return _core.configure(config_json)


def gate(facts_json: str) -> str:
    return _core.gate(facts_json)


def autostart(facts_json: str) -> str:
    return _core.autostart(facts_json)


def start() -> str:
    return _core.start()


def site_text(data: Any, failure: Any = None) -> str:
    """The list file the worker fetched for allowTextUrl (a JS Uint8Array), or nothing and why not."""
    if hasattr(data, "to_bytes"):
        raw: bytes | None = data.to_bytes()
    else:
        raw = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else None
    return _core.site_text(raw, failure if isinstance(failure, str) else None)


def explain(chain_json: str) -> str:
    return _core.explain(chain_json)


def preview(rows_json: str) -> str:
    return _core.preview(rows_json)


def tick(now: float, active: bool) -> str:
    return _core.tick(now, active)


def stop() -> None:
    _core.stop()


def observe(events_json: str) -> str:
    return _core.observe(events_json)


def canvas_levels(ids_json: str) -> str:
    return _core.canvas_levels(ids_json)


def canvas_frame(frame_json: str) -> str:
    return _core.canvas_frame(frame_json)


def child_events(iframe_id: int, batch: Any) -> str:  # batch: a JS Uint8Array
    return _core.child_events(int(iframe_id), batch.to_bytes() if hasattr(batch, "to_bytes") else bytes(batch))


def commit_standby(info_json: str) -> str:
    return _core.commit_standby(info_json)


def resync() -> str:
    return _core.resync()


def pending_bytes() -> int:
    return _core.pending_bytes()


def last_reported() -> int:
    return _core.last_reported()


def css_preload(entries_json: str) -> int:
    return _core.css_preload(entries_json)


def css_fresh() -> str:
    return _core.css_fresh()


def css_stats() -> str:
    return _core.css_stats()


def has_more() -> bool:
    return _core.has_more()


def buffered() -> bool:
    return _core.buffered()


def take_batch(dropped: int = 0, close: bool = False) -> Any:  # JS Uint8Array | None
    from pyodide.ffi import to_js  # imported here so the module still loads under CPython for docs

    batch = _core.take_batch(int(dropped), bool(close))
    return None if batch is None else to_js(batch)


def standby() -> Any:  # JS [info JSON, [Uint8Array, ...]] | None
    from pyodide.ffi import to_js

    ready = _core.standby()
    return None if ready is None else to_js([ready[0], ready[1]])
