"""rrweb's own test pages (shared/peer-fixtures, written by others for another recorder), recorded by
Veil under the default config: each must replay in rrweb's Replayer with its structure intact and
every text masked."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PEER_FIXTURES, inject_veil, replay

PAGES = [
    "rrweb-snapshot/basic.html",
    "rrweb-snapshot/mask-text.html",
    "rrweb-snapshot/form-fields.html",
    "rrweb-snapshot/block-element.html",
    "rrweb-snapshot/svg.html",
    "rrweb-snapshot/dialog.html",
    "rrweb-snapshot/about-mozilla.html",
    "rrweb-snapshot/with-style-sheet.html",
    "rrweb-snapshot/compat-mode.html",
    "rrweb/password.html",
    "rrweb/block.html",
    "rrweb/mask-text.html",
    "rrweb/form.html",
    "rrweb/hello-world.html",
    "rrweb/move-node.html",
    "rrweb/shuffle.html",
]

# Tag names of the body's elements in document order, skipping what Veil never records
# (inside blocked elements) and what the Replayer rewrites (scripts become noscript).
BODY_SHAPE = """(root) => {
  const out = [];
  const walk = (el) => {
    for (const child of el.children) {
      const tag = child.localName;
      if (tag === 'script' || tag === 'noscript') continue;
      out.push(tag);
      const blocked = child.matches('.rr-block, .veil-block, [data-veil=block]');
      if (!blocked) walk(child);
    }
  };
  walk(root || document.body);
  return out;
}"""

LIVE_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement && n.parentElement.tagName;
    if (parent === 'SCRIPT' || parent === 'STYLE') continue;
    const text = n.textContent.trim();
    if (/[A-Za-z0-9]{3}/.test(text)) out.push(text);
  }
  return out;
}"""


def recorded_text_contents(events):
    """Every text node value in the recorded events: snapshot nodes, added nodes, text changes."""
    stack = []
    for event in events:
        data = event["data"]
        if event["type"] == 2:
            stack.append(data["node"])
        elif event["type"] == 3 and data.get("source") == 0:
            stack.extend(add["node"] for add in data["adds"])
            yield from (t["value"] or "" for t in data["texts"])
    while stack:
        node = stack.pop()
        if "textContent" in node:
            yield node["textContent"]
        stack.extend(node.get("childNodes", []))


pytestmark = pytest.mark.skipif(not PEER_FIXTURES.exists(), reason="shared/peer-fixtures not present")


@pytest.mark.parametrize("name", PAGES)
def test_peer_page_replays_with_structure_intact_and_text_masked(name, page, servers, capture, context):
    page.goto(f"{servers.site_url}/peer/{name}")
    page.wait_for_load_state("load")
    assert inject_veil(page, servers) == {"recording": True}
    page.wait_for_timeout(300)
    live_texts = page.evaluate(LIVE_TEXTS)
    live_shape = page.evaluate(BODY_SHAPE)
    page.evaluate("() => Veil.flush()")
    assert capture.bodies

    wire = capture.wire_text()
    recorded_texts = {t.strip() for t in recorded_text_contents(capture.events())}
    for text in live_texts:
        assert text not in recorded_texts, f"{text!r} left the page as a text node"
        if " " in text and len(text) >= 8:
            assert text not in wire, f"{text!r} left the page"

    shown = replay(context, servers, capture.events())
    assert shown["errors"] == []
    viewer_shape = shown["shape"]
    assert viewer_shape == live_shape
    assert not re.search(r"[A-Za-z0-9]", shown["visible_text"]), shown["visible_text"][:200]
