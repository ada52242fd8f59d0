"""A warm-up recording of a made-up page, run once where the runtime's memory snapshot is made.

Rules: it runs in the snapshot worker only (shim/worker/runtime.mjs, before makeMemorySnapshot),
never in a page's worker, and it sees nothing of any page: its config, URL and page are the
constants below. It drives a throwaway ``Core`` through the same calls a page view makes
(configure, gate, start, observe a time-sliced full snapshot and a few incremental events,
take_batch, stop), so the code a recording's first moments run is already specialised by
CPython's adaptive interpreter and its caches (compiled patterns, the CSS masker's) are filled in
the snapshot: a repeat page view's first snapshot is masked warm. ``veil.bridge``'s own ``Core``
is not touched, and nothing of the throwaway one is kept. It never raises: a warm-up that fails
leaves a snapshot that is only colder.
"""

from __future__ import annotations

import gc
import json
from typing import Any

from .api import Core

_CONFIG = {"endpoint": "https://warm-up.invalid/v1/batches", "consent": "not-required"}
_FACTS = {"href": "https://warm-up.invalid/page", "now": 0, "doNotTrack": None, "globalPrivacyControl": False}
_CSS = ".card{margin:4px;color:#123456;font-family:'Warm Sans',sans-serif;background:url(/img/bg.png)}"


def _rows() -> list[list[Any]]:
    """A small page as the shim's time-sliced walk sends it: [type, id, parentId, *fields]."""
    return [
        [0, 1, None, "CSS1Compat"],
        [1, 2, 1, "html", "", ""],
        [2, 3, 1, "html", {"lang": "en"}],
        [2, 4, 3, "head", {}],
        [2, 5, 4, "style", {"_cssText": _CSS}],
        [2, 6, 3, "body", {"class": "page"}],
        [2, 7, 6, "h1", {"class": "title"}],
        [3, 8, 7, "Warm-up heading"],
        [2, 9, 6, "a", {"href": "/path/item?ref=warm", "title": "Warm link"}],
        [3, 10, 9, "Read more"],
        [2, 11, 6, "input", {"type": "text", "name": "name", "value": "warm value", "placeholder": "Your name"}],
        [2, 12, 6, "input", {"type": "password", "value": "warm secret"}],
        [2, 13, 6, "img", {"src": "/img/photo.jpg", "alt": "Warm picture"}],
        [2, 14, 6, "div", {"style": "color:red", "data-id": "w-1", "aria-label": "Warm label"}],
        [3, 15, 14, "Warm text with an address warm@example.invalid in it"],
    ]


def _events() -> list[dict[str, Any]]:
    rows = _rows()
    parts = [rows[:6], rows[6:]]
    return [
        {"type": 4, "data": {"href": _FACTS["href"], "width": 800, "height": 600}, "timestamp": 1},
        *({"type": 2, "data": {"part": part, "done": i == len(parts) - 1, "initialOffset": {"top": 0, "left": 0}},
           "timestamp": 2} for i, part in enumerate(parts)),
        {"type": 3, "data": {"source": 0, "texts": [{"id": 15, "value": "Changed warm text"}],
                             "attributes": [{"id": 14, "attributes": {"class": "warm"}}], "removes": [],
                             "adds": [{"parentId": 6, "nextId": None, "node": {"type": 3, "id": 16, "textContent": "Added"}}]},
         "timestamp": 3},
        {"type": 3, "data": {"source": 5, "id": 11, "text": "typed warm", "isChecked": False}, "timestamp": 4},
        {"type": 3, "data": {"source": 2, "type": 2, "id": 9, "x": 10, "y": 20}, "timestamp": 5},
        {"type": 3, "data": {"source": 3, "id": 6, "x": 0, "y": 40}, "timestamp": 6},
    ]


def warm_up(rounds: int = 3) -> int:
    """Record the made-up page ``rounds`` times in a throwaway Core; return the batches made."""
    made = 0
    try:
        for _ in range(rounds):
            core = Core()
            core.configure(json.dumps(_CONFIG))
            core.autostart(json.dumps(_FACTS))
            core.gate(json.dumps(_FACTS))
            core.start()
            core.observe(json.dumps(_events()))
            if core.take_batch(0) is not None:
                made += 1
            core.stop()
    except Exception:  # noqa: BLE001 - a warm-up is an optimisation: it must never stop a snapshot
        return made
    finally:
        gc.collect()
    return made
