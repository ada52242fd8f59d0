"""Builders of rrweb-snapshot-shaped nodes and raw events for the unit and property tests."""

from __future__ import annotations

import gzip
import importlib.util
import json
from functools import cache
from itertools import count
from pathlib import Path
from types import ModuleType
from typing import Any

from veil.config import normalize_config
from veil.recorder import Recorder

_ids = count(1000)


def text(value: str, node_id: int | None = None) -> dict[str, Any]:
    return {"type": 3, "id": node_id or next(_ids), "textContent": value}


def el(tag: str, attrs: dict[str, Any] | None = None, *children: dict[str, Any], node_id: int | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": 2, "id": node_id or next(_ids), "tagName": tag, "attributes": attrs or {}, "childNodes": list(children), **extra}


def document(*body_children: dict[str, Any], head: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {
        "type": 0,
        "id": 1,
        "childNodes": [
            {"type": 1, "id": 2, "name": "html", "publicId": "", "systemId": ""},
            el("html", {}, el("head", {}, *head, node_id=4), el("body", {}, *body_children, node_id=5), node_id=3),
        ],
    }


def meta(href: str = "https://shop.example/checkout", ts: int = 1) -> dict[str, Any]:
    return {"type": 4, "data": {"href": href, "width": 800, "height": 600}, "timestamp": ts}


def full(node: dict[str, Any], ts: int = 2) -> dict[str, Any]:
    return {"type": 2, "data": {"node": node, "initialOffset": {"top": 0, "left": 0}}, "timestamp": ts}


# A node's rarer keys, which the shim sends in a row's trailing object.
RARE_KEYS = ("isSVG", "isCustom", "isShadowHost", "isShadow", "rootId", "veilMatch", "veilSize")


def row(node: dict[str, Any], parent: int | None) -> list[Any]:
    """One node as the shim's walk sends it: [type, id, parentId, *fields, rare?]."""
    kind = node["type"]
    if kind == 0:
        fields = [node.get("compatMode")]
    elif kind == 1:
        fields = [node.get("name"), node.get("publicId"), node.get("systemId")]
    elif kind == 2:
        fields = [node.get("tagName"), node.get("attributes")]
    else:
        fields = [node.get("textContent")]
    rare = {key: node[key] for key in RARE_KEYS if key in node}
    return [kind, node["id"], parent, *fields, *([rare] if rare else [])]


def flat_rows(node: dict[str, Any]) -> list[list[Any]]:
    """A tree as the shim's walk reads it: pre-order, one row per node, naming its parent."""
    flat, stack = [], [(node, None)]
    while stack:
        current, parent = stack.pop()
        flat.append(row(current, parent))
        stack.extend((child, current["id"]) for child in reversed(current.get("childNodes", [])))
    return flat


def parts(node: dict[str, Any], size: int = 3, ts: int = 2) -> list[dict[str, Any]]:
    """A full snapshot as the shim's time-sliced walk sends it: parts of ``size`` rows."""
    flat = flat_rows(node)
    chunks = [flat[i : i + size] for i in range(0, len(flat), size)]
    return [
        {"type": 2, "data": {"part": chunk, "done": i == len(chunks) - 1, "initialOffset": {"top": 0, "left": 0}}, "timestamp": ts}
        for i, chunk in enumerate(chunks)
    ]


def mutation(ts: int = 3, **data: Any) -> dict[str, Any]:
    body = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": []}
    body.update(data)
    return {"type": 3, "data": body, "timestamp": ts}


def input_event(node_id: int, value: str, checked: bool = False, ts: int = 4) -> dict[str, Any]:
    return {"type": 3, "data": {"source": 5, "id": node_id, "text": value, "isChecked": checked}, "timestamp": ts}


def walk(node: dict[str, Any]):
    yield node
    for child in node.get("childNodes", []):
        yield from walk(child)


def record(events: list[dict[str, Any]], **config: Any) -> Recorder:
    """A started recorder (endpoint /c plus ``config``) that has observed ``events``."""
    recorder = Recorder(normalize_config({"endpoint": "/c", **config}), session="s" * 32)
    recorder.start()
    recorder.observe(events)
    return recorder


def sent_events(recorder: Recorder) -> list[dict[str, Any]]:
    """The events of the recorder's next batch (empty when nothing is pending)."""
    batch = recorder.take_batch()
    return json.loads(gzip.decompress(batch))["events"] if batch else []


ROOT = Path(__file__).resolve().parents[1]


@cache
def load_build() -> ModuleType:
    """build.py as a module (it is a script at the repository root, not a package)."""
    spec = importlib.util.spec_from_file_location("veil_build", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def dist_directories(dist: Path) -> dict[str, str]:
    """The content-hashed directory names of a built dist/ ({"pyodide": ..., "runtime": ...})."""
    return json.loads((dist / "manifest.json").read_text())["directories"]


def stored_events(store: Any, session: str) -> list[dict[str, Any]]:
    """Every event a collector's storage holds for ``session``, in visit order (loads it whole)."""
    events: list[dict[str, Any]] = json.loads(b"[" + b",".join(store.iter_event_chunks(session)) + b"]")
    return events


def stored_seqs(store: Any, session: str) -> list[int]:
    """The seqs of ``session``'s stored batches, in visit order."""
    return [seq for _, seq in store.identities(session)]


def run_async(main: Any) -> None:
    """Run the async function ``main`` to completion in a thread of its own.

    A test process may hold Playwright's sync driver (tests/playwright_shared.py), whose event loop
    counts as running in the main thread for as long as the session lasts: ``anyio.run`` there
    refuses to start. A fresh thread has no loop; its exception is raised here.
    """
    import threading

    import anyio

    failure: list[BaseException] = []

    def target() -> None:
        try:
            anyio.run(main)
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            failure.append(exc)

    thread = threading.Thread(target=target, name="run_async")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def css_fast_agrees(stylesheet_kind: bool, text: str) -> bool:
    """veil.css_fast agrees with the exact (tinycss2) path at every level wherever it vouches for
    ``text``, and never vouches for CSS the exact path drops; True if it vouched at any level."""
    from veil import css, css_fast
    from veil.css_edits import apply
    from veil.levels import Level

    vouched = False
    kind = css.STYLESHEET if stylesheet_kind else css.DECLARATIONS
    for level in (Level.MASK, Level.MASK_USER_INPUT, Level.ALLOW):
        edits = css_fast.edits(stylesheet_kind, text, css.text_policy(level, True))
        exact = css.mask_exact(kind, text, level)
        css.take_failures()
        if edits is None:
            continue
        vouched = True
        assert exact is not None, f"the fast path vouched for CSS the exact path drops: {text!r}"
        assert (apply(text, edits) if edits else text) == exact, (text, level)
    return vouched
