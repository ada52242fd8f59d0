"""The full snapshot is walked in slices that yield to the page, and stays exactly consistent:
a page that keeps changing during the walk replays to its final DOM (PostHog abandoned a sliced
snapshot over lost mutations; this is the test that keeps Veil's honest)."""

from __future__ import annotations


# Element tree with the class and title attributes and every text, through open shadow roots;
# a blocked element (live: data-veil=block, replayed: Veil's placeholder) is just "blocked".
SHAPE = """(root) => {
  const node = (n) => {
    if (n.nodeType === 3) return n.textContent;
    if (n.nodeType !== 1) return null;
    const tag = n.localName;
    if (tag === 'script' || tag === 'noscript') return null;
    if (n.matches('[data-veil=block], .veil-placeholder')) return ['blocked', tag];
    const kids = [...n.childNodes].map(node).filter((k) => k !== null);
    const out = [tag, n.getAttribute('class') || '', n.getAttribute('title') || '', kids];
    if (n.shadowRoot) out.push([...n.shadowRoot.childNodes].map(node).filter((k) => k !== null));
    return out;
  };
  return node(root);
}"""


def open_busy_page(page, servers, **config) -> None:
    """The busy page with Veil initialized (debug on, for its slice measures), not yet started."""
    page.goto(servers.site_url + "/test-assets/busy.html")
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": servers.endpoint, "clientToken": "demo-client-token", "debug": True, **config})


def test_a_page_changing_during_the_walk_replays_to_its_final_dom(page, servers, capture, context):
    open_busy_page(page, servers, defaultPrivacy="allow")
    during = page.evaluate("""async () => {
        window.startMutating();
        const before = window.__mutations;
        await Veil.start();
        window.stopMutating();
        return window.__mutations - before;
    }""")
    slices = page.evaluate("() => performance.getEntriesByName('veil:snapshot').length")
    assert slices >= 5, "the snapshot was not walked in slices"
    assert during >= 5 * 8, "the page did not change during the walk"
    page.wait_for_timeout(200)
    live = page.evaluate(f"() => ({SHAPE})(document.body)")
    page.evaluate("() => Veil.flush()")

    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda err: errors.append(str(err)))
    viewer.goto(servers.site_url + "/test-assets/replay.html")
    viewer.evaluate("events => { window.replayEvents(events); }", capture.events())
    replayed = viewer.evaluate(f"() => ({SHAPE})(window.replayedDocument.body)")
    assert errors == []
    assert replayed == live
    # Inside the blocked element nothing was read, before, during or after the walk.
    assert "vault" not in capture.wire_text()


def test_events_during_the_walk_follow_the_snapshot_in_order(page, servers, capture, context):
    open_busy_page(page, servers)
    page.evaluate("""async () => {
        let walking = false;
        const started = Veil.start().then(() => { if (!walking) throw new Error('the walk ended before a click'); });
        // Once the walk has begun (its first slice is measured): a click on a node walked early.
        while (!performance.getEntriesByName('veil:snapshot').length) await new Promise((r) => setTimeout(r, 0));
        walking = true;
        document.querySelector('li').click();
        window.scrollTo(0, 300);
        await started;
    }""")
    page.wait_for_timeout(300)
    page.evaluate("() => Veil.flush()")
    events = capture.events()
    kinds = [(e["type"], e["data"].get("source")) for e in events]
    full = kinds.index((2, None))
    assert kinds[0] == (4, None) and full == 1, kinds[:4]
    assert (3, 2) in kinds[full + 1:], "the click observed during the walk was lost"
    stamps = [e["timestamp"] for e in events]
    assert stamps == sorted(stamps), "events are not in time order"


def test_every_recording_numbers_its_nodes_from_one_like_rrweb(page, servers, capture):
    """rrweb-snapshot gives every node a rootId unless its document is id 1: about 11 bytes per
    node for nothing. Veil's one-time setup must not take an id, and a new recording starts again."""
    open_busy_page(page, servers)
    page.evaluate("async () => { await Veil.start(); Veil.stop(); await Veil.start(); }")
    page.evaluate("() => Veil.flush()")
    snapshots = [e["data"]["node"] for e in capture.events() if e["type"] == 2]
    assert len(snapshots) == 1, "the first recording was not dropped by stop()"
    page.evaluate("async () => { Veil.stop(); await Veil.start(); await Veil.flush(); }")
    snapshots = [e["data"]["node"] for e in capture.events() if e["type"] == 2]
    assert len(snapshots) == 2
    for document in snapshots:
        assert document["id"] == 1
        stack = [document]
        while stack:
            node = stack.pop()
            assert "rootId" not in node, node
            stack.extend(node.get("childNodes", []))
