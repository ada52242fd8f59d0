"""Realistic Veil batches for the collector benchmark: rrweb-shaped events, 5–50 KB once gzipped.

Rules: deterministic for a seed. A session's first batch carries a meta event and a full snapshot
(a nested DOM with text, attributes and inline CSS); later batches carry mutations (added nodes,
texts, attributes), mouse moves, scrolls and masked inputs, as a recording tab sends every few
seconds. As Veil's default level (``mask``) records them, page text keeps its length and spaces
with every other character ``*``, and typed values are ``********``; markup (tags, classes, CSS,
links) is recorded as is, drawn from a vocabulary so it compresses about as well as real pages do.
"""

from __future__ import annotations

import gzip
import json
import random
from typing import Any

WORDS = ["checkout", "cart", "product", "price", "shipping", "delivery", "account", "order", "review", "rating", "size", "colour", "stock", "basket", "total", "discount", "offer", "newsletter", "support", "contact", "returns", "warranty", "details", "features", "gallery", "related", "customers", "bought", "together", "free", "express", "standard", "tracking", "payment", "secure"]


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


def _sentence(rng: random.Random, n: int) -> str:
    """Page text as the default level records it: every non-space character masked."""
    text = " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."
    return "".join(c if c == " " else "*" for c in text)


def _node(rng: random.Random, ids: _Ids, depth: int) -> dict[str, Any]:
    tag = rng.choice(["div", "section", "li", "span", "p", "a", "button", "article"])
    attrs = {"class": f"{rng.choice(WORDS)}-{rng.choice(WORDS)} c{rng.randrange(999)}"}
    if tag == "a":
        attrs["href"] = f"/{rng.choice(WORDS)}/{rng.randrange(10**6)}"
    children: list[dict[str, Any]] = []
    if depth > 0:
        children = [_node(rng, ids, depth - 1) for _ in range(rng.randint(1, 4))]
    else:
        children = [{"type": 3, "id": ids(), "textContent": _sentence(rng, rng.randint(3, 14))}]
    return {"type": 2, "id": ids(), "tagName": tag, "attributes": attrs, "childNodes": children}


def _snapshot(rng: random.Random, ids: _Ids, size: int, ts: float) -> dict[str, Any]:
    css = "".join(f".{rng.choice(WORDS)}-{i}{{margin:{i % 9}px;color:#{rng.randrange(16**6):06x}}}" for i in range(size * 8))
    body = [_node(rng, ids, 4) for _ in range(size)]
    html = {"type": 2, "id": ids(), "tagName": "html", "attributes": {}, "childNodes": [
        {"type": 2, "id": ids(), "tagName": "head", "attributes": {}, "childNodes": [
            {"type": 2, "id": ids(), "tagName": "style", "attributes": {"_cssText": css}, "childNodes": []}]},
        {"type": 2, "id": ids(), "tagName": "body", "attributes": {}, "childNodes": body}]}
    return {"type": 2, "data": {"node": {"type": 0, "id": ids(), "childNodes": [html]},
                                "initialOffset": {"left": 0, "top": 0}}, "timestamp": ts}


def _incremental(rng: random.Random, ids: _Ids, ts: float) -> dict[str, Any]:
    pick = rng.random()
    if pick < 0.35:
        positions = [{"x": rng.randrange(1400), "y": rng.randrange(900), "id": rng.randrange(1, ids.n + 2),
                      "timeOffset": -i * 16} for i in range(rng.randint(5, 30))]
        return {"type": 3, "data": {"source": 1, "positions": positions}, "timestamp": ts}
    if pick < 0.5:
        return {"type": 3, "data": {"source": 3, "id": 1, "x": 0, "y": rng.randrange(5000)}, "timestamp": ts}
    if pick < 0.6:
        return {"type": 3, "data": {"source": 5, "id": rng.randrange(1, 500), "text": "********",
                                    "isChecked": False}, "timestamp": ts}
    adds = [{"parentId": rng.randrange(1, ids.n + 2), "nextId": None, "node": _node(rng, ids, rng.randint(0, 2))}
            for _ in range(rng.randint(1, 4))]
    texts = [{"id": rng.randrange(1, ids.n + 2), "value": _sentence(rng, rng.randint(2, 10))} for _ in range(rng.randint(0, 3))]
    attributes = [{"id": rng.randrange(1, ids.n + 2), "attributes": {"class": f"{rng.choice(WORDS)} active"}}]
    return {"type": 3, "data": {"source": 0, "adds": adds, "removes": [], "texts": texts, "attributes": attributes},
            "timestamp": ts}


def session_batches(seed: int, batches: int) -> list[tuple[str, str, int, bytes]]:
    """One visit: (session, view, seq, gzip body) for each of its batches."""
    rng = random.Random(seed)
    session = f"{rng.getrandbits(128):032x}"
    view = f"{rng.getrandbits(64):016x}"
    ids = _Ids()
    ts = 1_700_000_000_000.0 + seed * 1000
    out = []
    for seq in range(batches):
        events: list[dict[str, Any]] = []
        if seq == 0:
            events.append({"type": 4, "data": {"href": "https://shop.example/", "width": 1400, "height": 900},
                           "timestamp": ts})
            events.append(_snapshot(rng, ids, rng.randint(4, 12), ts + 1))
        for _ in range(rng.randint(25, 200)):
            ts += rng.randint(5, 60)
            events.append(_incremental(rng, ids, ts))
        raw = json.dumps({"session": session, "view": view, "seq": seq, "events": events}, separators=(",", ":"))
        out.append((session, view, seq, gzip.compress(raw.encode(), 6)))
    return out
