"""Closed shadow roots in Chromium, through the loader snippet, judged on what the collector stored.

The page inlines the loader (shim/loader.js) first in <head>, then defines web components that
attach closed shadow roots: one under the default level (mask), one inside an element marked
data-veil="allow", and one closed root nested in another. A closed root's text must follow its
host's level (masked at mask, in clear where the host is allowed), changes inside it and closed
roots attached while recording are recorded too, the replay shows them in rrweb's Replayer, and
the page can never reach the loader's roots. With veil.js by a script tag (no loader) closed roots
stay unread, as before.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import BOOT_TIMEOUT_MS, wait_recording
from tests.browser.test_visit import OPERATOR, TOKEN, Site
from tests.helpers import load_build

# Each root's text comes from the page's script, keyed by its host's id: nothing of it is in the light DOM.
COMPONENTS = """
const TEXTS = { masked: "ZQCLOSEDMASKED", allowed: "ZQCLOSEDALLOWED", nested: "ZQNESTEDTEXT", late: "ZQLATETEXT" };
window.closedRoots = {};
customElements.define("x-closed", class extends HTMLElement {
  connectedCallback() {
    if (this.rendered) return;
    this.rendered = true;
    const root = this.attachShadow({ mode: "closed" });
    root.innerHTML = '<style>p { color: rgb(1, 2, 3); }</style><p>' + TEXTS[this.id] + '</p><input>';
    window.closedRoots[this.id] = root; // the test's own handle, to change the root's content later
  }
});
customElements.define("x-outer", class extends HTMLElement {
  connectedCallback() {
    if (this.rendered) return;
    this.rendered = true;
    this.attachShadow({ mode: "closed" }).innerHTML = '<section><x-closed id="nested"></x-closed></section>';
  }
});
"""

BODY = """
<h1>Closed roots</h1>
<x-closed id="masked"></x-closed>
<div data-veil="allow"><x-closed id="allowed"></x-closed></div>
<x-outer id="outer"></x-outer>
<div id="later"></div>
"""


def page_html(loader: str | None) -> str:
    # Right after the loader, a page script asks the stub for the roots (it must get nothing) and keeps the stub.
    head = f"<script>\n{loader}\n</script><script>window.beforeVeil = Veil._roots(); window.keptStub = Veil;</script>" \
        if loader is not None else ""
    config = {"endpoint": "/v1/batches", "clientToken": TOKEN, "consent": "not-required"}
    init = f"<script>Veil.init({json.dumps(config)});</script>" if loader is not None else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>closed</title>{head}
<script>{COMPONENTS}</script></head><body>{BODY}{init}</body></html>"""


@pytest.fixture(scope="module")
def site(dist, tmp_path_factory):
    integrity = json.loads((dist / "manifest.json").read_text())["files"]["veil.js"]["sha384"]
    pages = {"loader": page_html(load_build().loader_snippet(integrity)), "tag": page_html(None)}
    with Site(dist, tmp_path_factory.mktemp("closed") / "closed.sqlite3", pages) as running:
        yield running


def stored_events(page, site) -> list[dict[str, Any]]:
    assert page.evaluate("() => Veil.flush()")["sent"] is True
    session = page.evaluate("JSON.parse(sessionStorage.getItem('veil:session')).id")
    return site.get(f"/v1/sessions/{session}/events")


def change_while_recording(page) -> None:
    page.evaluate("""() => {
      window.closedRoots.masked.querySelector('p').textContent = 'ZQCHANGEDTEXT';
      const late = document.createElement('x-closed');
      late.id = 'late';
      document.getElementById('later').appendChild(late);
    }""")
    page.wait_for_timeout(200)


def test_a_closed_roots_text_follows_its_hosts_level_through_the_loader(page, site, context, servers):
    page.goto(site.url + "/pages/loader")
    wait_recording(page)
    change_while_recording(page)
    events = stored_events(page, site)
    text = json.dumps(events)
    for secret in ("ZQCLOSEDMASKED", "ZQNESTEDTEXT", "ZQCHANGEDTEXT", "ZQLATETEXT"):
        assert secret not in text, f"{secret} left in clear from a closed root at mask"
        assert "*" * len(secret) in text, f"{secret}'s closed root was not recorded (its masked text is missing)"
    assert "ZQCLOSEDALLOWED" in text, "a closed root under an allowed host is recorded in clear"
    snapshot = next(e for e in events if e["type"] == 2)
    hosts = [n for n in walk(snapshot["data"]["node"]) if n.get("tagName") in ("x-closed", "x-outer")]
    assert len(hosts) == 4 and all(h.get("isShadowHost") for h in hosts)
    assert all(c.get("isShadow") for h in hosts for c in h["childNodes"])

    shown = replay_shadow_texts(context, servers, events)
    assert shown["allowed"] == "ZQCLOSEDALLOWED" and shown["masked"] == "*" * len("ZQCHANGEDTEXT")
    assert shown["nested"] == "*" * len("ZQNESTEDTEXT") and shown["late"] == "*" * len("ZQLATETEXT")
    assert shown["colour"] == "rgb(1, 2, 3)", "the closed root's own style replays"

    # And in the collector's viewer (no script in its replay).
    session = page.evaluate("JSON.parse(sessionStorage.getItem('veil:session')).id")
    viewer = context.new_page()
    viewer.goto(f"{site.url}/viewer/#session={session}&token={OPERATOR}")
    viewer.wait_for_function("s => window.veilViewer && window.veilViewer.session === s", arg=session, timeout=15_000)
    viewer.evaluate("() => { const p = window.veilViewer.player; p.goto(p.getMetaData().totalTime, false); }")
    viewer.wait_for_timeout(500)
    replayed = viewer.frame_locator(".rr-player iframe")
    assert replayed.locator("#allowed p").inner_text() == "ZQCLOSEDALLOWED"  # Playwright's locators pierce shadow roots
    assert set(replayed.locator("#masked p").inner_text()) == {"*"}


def test_the_page_cannot_reach_the_loaders_roots(page, site):
    page.goto(site.url + "/pages/loader")
    wait_recording(page)
    assert page.evaluate("() => window.beforeVeil") is None, "before veil.js: nobody gets the roots"
    reach = page.evaluate("""() => {
      const stub = window.keptStub;
      const props = [stub, Veil, window].flatMap((o) => Object.getOwnPropertyNames(o).concat(Object.getOwnPropertySymbols(o).map(String)));
      let found = 0;
      for (const o of [stub, Veil]) for (const key of Reflect.ownKeys(o)) {
        let v; try { v = o[key]; } catch (e) { continue; }
        if (v instanceof WeakMap || v instanceof Map || v instanceof ShadowRoot) found++;
      }
      return { again: stub._roots(), found, host: document.getElementById('masked').shadowRoot };
    }""")
    assert reach == {"again": None, "found": 0, "host": None}


def test_without_the_loader_closed_roots_stay_unread(page, site):
    page.goto(site.url + "/pages/tag")
    page.wait_for_load_state("load")
    page.add_script_tag(url=site.url + "/static/veil/veil.js")
    config = {"endpoint": "/v1/batches", "clientToken": TOKEN, "consent": "not-required", "defaultPrivacy": "allow"}
    page.evaluate("cfg => Veil.init(cfg)", config)
    page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
    change_while_recording(page)
    text = json.dumps(stored_events(page, site))
    assert "x-closed" in text, "the hosts are recorded"
    for secret in ("ZQCLOSEDMASKED", "ZQCLOSEDALLOWED", "ZQNESTEDTEXT", "ZQCHANGEDTEXT", "ZQLATETEXT"):
        assert secret not in text, f"{secret}: a closed root was read without the loader"


def walk(node):
    yield node
    for child in node.get("childNodes", []):
        yield from walk(child)


def replay_shadow_texts(context, servers, events) -> dict[str, Any]:
    """Replay in rrweb's Replayer (tests/browser/assets/replay.html) and read the replayed hosts' shadow roots."""
    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda err: errors.append(str(err)))
    viewer.goto(servers.site_url + "/test-assets/replay.html")
    viewer.evaluate("events => window.replayEvents(events)", events)
    shown: dict[str, Any] = viewer.evaluate("""() => {
      const doc = window.replayedDocument;
      const text = (id) => { const el = doc.getElementById(id); const p = el && el.shadowRoot && el.shadowRoot.querySelector("p"); return p ? p.textContent : null; };
      const outer = doc.getElementById("outer");
      const nested = outer && outer.shadowRoot && outer.shadowRoot.querySelector("x-closed");
      const p = doc.getElementById("masked").shadowRoot.querySelector("p");
      const nestedP = nested && nested.shadowRoot && nested.shadowRoot.querySelector("p");
      return { masked: text("masked"), allowed: text("allowed"), late: text("late"), nested: nestedP ? nestedP.textContent : null,
               colour: doc.defaultView.getComputedStyle(p).color };
    }""")
    viewer.close()
    assert errors == []
    return shown
