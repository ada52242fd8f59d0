"""veil.testing: a pytest plugin for site owners' privacy regression tests (Playwright users).

Rules: test-side only; never imported by Veil itself or in the browser. The ``veil_capture``
fixture listens on the Playwright page's browser context (it needs a ``page`` fixture, such as
pytest-playwright's), keeps every Veil batch the page sends, and answers questions about the bytes
that actually left: ``assert_not_sent(*secrets)``, ``events()``, ``replayed_text()``.

    def test_checkout_sends_no_card_number(page, veil_capture):
        page.goto("https://shop.example/checkout")
        page.fill("#card", "4111 1111 1111 1111")
        veil_capture.flush()
        veil_capture.assert_not_sent("4111 1111 1111 1111", "Ada Lovelace")
"""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest

_VISIBLE = 3  # rrweb NodeType.Text


class VeilCapture:
    """Every Veil batch the pages of one browser context sent, as raw bytes and decoded.

    ``page`` is the page ``flush()`` talks to; batches are captured from its whole context (or
    from ``context`` when given), so pages opened later are covered too.
    """

    def __init__(self, page: Any = None, endpoint_contains: str = "", context: Any = None) -> None:
        self.page = page
        self.endpoint_contains = endpoint_contains
        self.bodies: list[bytes] = []
        (context if context is not None else page.context).on("request", self.on_request)

    def on_request(self, request: Any) -> None:
        if request.method != "POST" or self.endpoint_contains not in request.url:
            return
        if (request.headers.get("content-encoding") or "").lower() != "gzip":
            return
        body = request.post_data_buffer
        if body:
            self.bodies.append(body)

    def flush(self) -> dict[str, Any]:
        """Ask Veil to send everything observed so far (waits for the POST)."""
        answer: dict[str, Any] = self.page.evaluate("() => window.Veil ? Veil.flush() : {sent: false}")
        return answer

    def batches(self) -> list[dict[str, Any]]:
        """Every batch, decompressed: {"session", "seq", "events"}."""
        return [json.loads(gzip.decompress(body)) for body in self.bodies]

    def events(self) -> list[dict[str, Any]]:
        """Every event of every batch, in the order they were sent."""
        return [event for batch in self.batches() for event in batch["events"]]

    def sent_text(self) -> str:
        """All bytes that left, decompressed, as text."""
        return "\n".join(gzip.decompress(body).decode("utf-8") for body in self.bodies)

    def assert_not_sent(self, *secrets: str) -> None:
        """Fail if any secret appears in what left the page (also as JSON-escaped text)."""
        assert self.bodies, "Veil sent nothing: is it installed, started and flushed?"
        sent = self.sent_text()
        for secret in secrets:
            escaped = json.dumps(secret)[1:-1]
            assert secret not in sent and escaped not in sent, f"{secret!r} left the page"

    def replayed_text(self) -> str:
        """The text a replay shows at the end: the last full snapshot with every later mutation applied."""
        return " ".join(t for t in _texts(replay_tree(self.events())) if t.strip())


def replay_tree(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The serialized page after applying events as rrweb's Replayer does (structure and text only)."""
    root: dict[str, Any] | None = None
    index: dict[int, dict[str, Any]] = {}

    def add_to_index(node: dict[str, Any]) -> None:
        index[node["id"]] = node
        for child in node.get("childNodes", []):
            add_to_index(child)

    for event in events:
        data = event.get("data", {})
        if event.get("type") == 2:
            root = copy.deepcopy(data["node"])
            index.clear()
            add_to_index(root)
        elif event.get("type") == 3 and data.get("source") == 0 and root is not None:
            for rm in data.get("removes", []):
                parent, node = index.get(rm["parentId"]), index.get(rm["id"])
                if parent is not None and node in parent.get("childNodes", []):
                    parent["childNodes"].remove(node)
            for add in data.get("adds", []):
                parent = index.get(add["parentId"])
                if parent is None:
                    continue
                node = copy.deepcopy(add["node"])
                siblings = parent.setdefault("childNodes", [])
                following = index.get(add.get("nextId")) if add.get("nextId") is not None else None
                siblings.insert(siblings.index(following) if following in siblings else len(siblings), node)
                add_to_index(node)
            for change in data.get("texts", []):
                if change["id"] in index:
                    index[change["id"]]["textContent"] = change["value"] or ""
    return root


def _texts(node: dict[str, Any] | None, parent_tag: str | None = None) -> Iterator[str]:
    if node is None:
        return
    if node.get("type") == _VISIBLE and parent_tag not in ("style", "script"):
        yield node.get("textContent", "")
    for child in node.get("childNodes", []):
        yield from _texts(child, node.get("tagName", parent_tag))


@pytest.fixture
def veil_capture(page: Any) -> VeilCapture:
    """Captures every Veil batch the ``page`` sends, from before it navigates."""
    return VeilCapture(page)
