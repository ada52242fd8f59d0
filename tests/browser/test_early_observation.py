"""Recording from the first moment: the observer starts as soon as consent allows, before the
runtime is up, buffers in page memory, and what it saw reaches the collector only masked and only
after the Python gate said yes; a "no" discards it unsent and tears the observer down.

Each test serves its own site with the real collector on the same origin (tests/browser/test_visit.py)
and judges what the collector STORED, or what left the page.
"""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import BOOT_TIMEOUT_MS, Capture
from tests.browser.test_observer_teardown import NATIVE, SETTERS, STASH
from tests.browser.test_visit import Site, veil_page
from veil.masking import MASKED_VALUE
from veil.rrweb import EventType, Source

CLICK = 2  # rrweb's MouseInteractions.Click
FOCUS = 5  # rrweb's MouseInteractions.Focus
EARLY_MS = 300  # after DOMContentLoaded: long before Pyodide is up on a first view
FORM = '<input id="word" autocomplete="off"><button id="go" data-veil="allow">go</button>'


def interact_early(page, url: str, word: str, click: str = "go", field: str = "word", start: bool = False) -> str:
    """Open ``url`` (and with ``start``, accept at once: Veil.start()); 300 ms after
    DOMContentLoaded (or once the early observer has begun, if later) click #``click`` and type
    ``word`` into #``field``, as a visitor would.
    Returns Veil.status at the click ("loading" while the runtime boots)."""
    page.goto(url, wait_until="domcontentloaded")
    if start:
        page.evaluate("() => { Veil.start(); }")
    since = page.evaluate("performance.now() - performance.getEntriesByType('navigation')[0].domContentLoadedEventStart")
    page.wait_for_timeout(max(0, EARLY_MS - since))
    # The observer is requested after the load event and its snapshot is time-sliced: on a machine
    # busy with the engine tests it may begin later than 300 ms, and what happens before it begins
    # is in its snapshot, not in events. The click waits for its first hand-over (as in tests/engines).
    page.wait_for_function("Veil.stats().earlyBufferBytes > 0 || !['loading', 'idle'].includes(Veil.status)", timeout=30_000, polling=20)
    status = page.evaluate("Veil.status")
    page.click("#" + click)
    page.type("#" + field, word)
    return status


def node_ids(snapshot: dict[str, Any], element_id: str) -> set[int]:
    """Ids of the elements with id=``element_id`` in a stored full snapshot."""
    found, stack = set(), [snapshot["data"]["node"]]
    while stack:
        node = stack.pop()
        if node.get("attributes", {}).get("id") == element_id:
            found.add(node["id"])
        stack.extend(node.get("childNodes", []))
    return found


def views(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The stored events cut into page views (each starts with a meta event)."""
    out: list[list[dict[str, Any]]] = []
    for event in events:
        if event["type"] == EventType.META:
            out.append([])
        out[-1].append(event)
    return out


def click_and_word_stored(view: list[dict[str, Any]], click: str = "go", field: str = "word") -> tuple[bool, bool]:
    """In one stored page view: (a click on #``click``, #``field``'s typed value stored, masked)."""
    snapshot = next(e for e in view if e["type"] == EventType.FULL_SNAPSHOT)
    button, box = node_ids(snapshot, click), node_ids(snapshot, field)
    incremental = [e["data"] for e in view if e["type"] == EventType.INCREMENTAL_SNAPSHOT]
    clicked = any(d["source"] == Source.MOUSE_INTERACTION and d["type"] == CLICK and d["id"] in button for d in incremental)
    inputs = [d for d in incremental if d["source"] == Source.INPUT and d["id"] in box]
    return clicked, bool(inputs) and all(d["text"] == MASKED_VALUE for d in inputs)


def test_a_click_and_a_word_300_ms_after_domcontentloaded_are_stored_masked_first_and_repeat_view(context, dist, tmp_path):
    pages = {"a": veil_page("early", FORM)}
    with Site(dist, tmp_path / "early.sqlite3", pages) as site:
        page = context.new_page()
        words = ["Quokkaword", "Narwhalword"]
        statuses = []
        for word in words:  # a first view, then a repeat view (HTTP-cached runtime)
            statuses.append(interact_early(page, site.url + "/pages/a", word))
            page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
            page.evaluate("() => Veil.flush()")
            page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0")
            stats = page.evaluate("Veil.stats()")
            assert stats["earlyHandedOver"] >= 1 and stats["earlyBufferBytes"] == 0, stats
        assert statuses[0] == "loading", "the first view's click came before the runtime was up"
        session = site.only_session()
        events = site.get(f"/v1/sessions/{session}/events")
        stored = json.dumps(events, ensure_ascii=False)
        for word in words:
            assert word not in stored, "typed text was stored"
        per_view = views(events)
        assert len(per_view) == 2, [e["type"] for e in events]
        for view in per_view:
            assert [e["type"] for e in view[:2]] == [EventType.META, EventType.FULL_SNAPSHOT]
            assert click_and_word_stored(view) == (True, True), "the early click and the masked word are stored"


def gate_says_no(context, dist, tmp_path, config: dict[str, Any], status: str) -> None:
    context.add_init_script(STASH % json.dumps(SETTERS))
    pages = {"a": veil_page("no", FORM + "<p>ZQEARLYSECRET</p>", config)}
    with Site(dist, tmp_path / "no.sqlite3", pages) as site:
        capture = Capture(context, site.url + "/v1/batches")
        page = context.new_page()
        interact_early(page, site.url + "/pages/a", "Wombatword")
        page.wait_for_function(f"Veil.status === '{status}'", timeout=BOOT_TIMEOUT_MS)
        page.evaluate("() => document.body.append('ZQAFTERNO')")
        page.wait_for_timeout(300)
        page.evaluate("() => Veil.flush()")
        assert [u for u in capture.requests if "/v1/" in u] == [], "a request reached the endpoint"
        assert any(u.endswith("veil-observer.mjs") for u in capture.requests), "the observer started before the gate"
        stats = page.evaluate("Veil.stats()")
        assert stats["earlyDiscarded"] >= 1 and stats["earlyHandedOver"] == 0 and stats["earlyBufferBytes"] == 0, stats
        # Torn down: every setter it wrapped is the browser's own again.
        assert page.evaluate(NATIVE, SETTERS) == [True] * len(SETTERS)
        assert site.get("/v1/sessions") == []


def test_an_excluded_url_discards_the_early_buffer_unsent_and_tears_the_observer_down(context, dist, tmp_path):
    gate_says_no(context, dist, tmp_path, {"excludeUrls": ["/pages/*"]}, "paused")


def test_a_sampled_out_view_discards_the_early_buffer_unsent_and_tears_the_observer_down(context, dist, tmp_path):
    gate_says_no(context, dist, tmp_path, {"sampleRate": 0}, "declined")


def test_an_overflowing_early_buffer_is_counted_and_followed_by_a_full_snapshot(context, dist, tmp_path):
    # About 150 KB of snapshot JSON against the smallest bound (64 KiB): the buffer overflows.
    rows = "".join(f"<p>row {i} of the long early page, with some words</p>" for i in range(2500))
    pages = {"big": veil_page("big", FORM + rows, {"maxQueueBytes": 65536})}
    with Site(dist, tmp_path / "big.sqlite3", pages) as site:
        page = context.new_page()
        page.goto(site.url + "/pages/big")
        page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
        page.evaluate("() => Veil.flush()")
        page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0")
        stats = page.evaluate("Veil.stats()")
        assert stats["earlyOverflows"] == 1 and stats["earlyDiscarded"] >= 1 and stats["earlyHandedOver"] == 0, stats
        events = site.get(f"/v1/sessions/{site.only_session()}/events")
        assert [e["type"] for e in events[:2]] == [EventType.META, EventType.FULL_SNAPSHOT]
        snapshot = events[1]
        assert node_ids(snapshot, "word"), "the fresh snapshot is the whole page"
        assert site.get("/v1/stats")["droppedBatches"] >= 1, "the loss is reported to the collector"


def test_a_route_change_before_the_runtime_is_up_starts_the_recording_afresh_on_the_new_url(context, dist, tmp_path):
    # The gate judges the URL the page is on when the runtime is up: what was observed on the
    # previous URL is dropped unsent, and the recording starts from a fresh snapshot.
    pages = {"a": veil_page("route", FORM)}
    with Site(dist, tmp_path / "route.sqlite3", pages) as site:
        page = context.new_page()
        interact_early(page, site.url + "/pages/a", "Okapiword")
        page.evaluate("() => history.pushState({}, '', '/pages/a/second-step')")
        page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
        page.evaluate("() => Veil.flush()")
        page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0")
        stats = page.evaluate("Veil.stats()")
        assert stats["earlyDiscarded"] >= 1 and stats["earlyHandedOver"] == 0, stats
        events = site.get(f"/v1/sessions/{site.only_session()}/events")
        assert [e["type"] for e in events[:2]] == [EventType.META, EventType.FULL_SNAPSHOT]
        assert all(e["data"]["href"].endswith("/pages/a/second-step") for e in events if e["type"] == EventType.META)


def test_opt_in_observes_from_start_and_from_a_restored_consent_before_the_runtime_is_up(context, dist, tmp_path):
    pages = {"a": veil_page("opt-in", FORM, {"consent": "opt-in", "persistConsent": True})}
    with Site(dist, tmp_path / "optin.sqlite3", pages) as site:
        page = context.new_page()
        words = ["Tapirword", "Dugongword"]
        # First view: the visitor accepts at once; repeat view: the remembered yes, no start() call.
        for word, start in zip(words, (True, False), strict=True):
            interact_early(page, site.url + "/pages/a", word, start=start)
            page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
            page.evaluate("() => Veil.flush()")
            page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0")
            assert page.evaluate("Veil.stats().earlyHandedOver") >= 1
        events = site.get(f"/v1/sessions/{site.only_session()}/events")
        assert not any(word in json.dumps(events) for word in words)
        per_view = views(events)
        shape = [[(e["type"], e["data"].get("source")) for e in view] for view in per_view]
        assert len(per_view) == 2, shape
        for view in per_view:
            assert click_and_word_stored(view) == (True, True), shape


def test_stop_before_the_runtime_is_up_discards_the_buffer_and_recording_never_starts(context, dist, tmp_path):
    context.add_init_script(STASH % json.dumps(SETTERS))
    pages = {"a": veil_page("stop", FORM)}
    with Site(dist, tmp_path / "stop.sqlite3", pages) as site:
        capture = Capture(context, site.url + "/v1/batches")
        page = context.new_page()
        interact_early(page, site.url + "/pages/a", "Gerenukword")
        assert page.evaluate("Veil.stats().earlyBufferBytes") > 0, "the early observer was buffering"
        page.evaluate("() => Veil.stop()")
        # The runtime comes up after the stop: consent "not-required" must not start it again.
        assert page.evaluate("Veil.stats().earlyDiscarded") >= 1
        page.evaluate("() => Veil.explain(document.body)")  # resolves once the runtime is up
        page.wait_for_timeout(500)
        page.evaluate("() => Veil.flush()")
        assert page.evaluate("Veil.status") == "stopped"
        assert [u for u in capture.requests if "/v1/" in u] == []
        assert page.evaluate(NATIVE, SETTERS) == [True] * len(SETTERS)


# Rows before the form: the snapshot's walk takes many slices and reaches the form last.
LATE_FORM = "".join(f"<p>row {i} of a long page, with some words</p>" for i in range(2000)) + FORM

# Right after the walk's first slice (under debug each slice is measured: a wrapped
# performance.measure sees it, and a microtask runs before the next slice can), long before the
# walk reaches the form: a pointer move over #go, a click on it, focus, a typed word and Enter in
# #word. In the page itself, not from the test: a test's round trip can come after the whole walk
# on a busy machine. window.veilTestAt: how many slices the walk had taken by then.
INTERACT_DURING_WALK = """(() => {
    const measure = performance.measure.bind(performance);
    let fired = false;
    performance.measure = (name, ...rest) => {
        const entry = measure(name, ...rest);
        if (name !== 'veil:snapshot' || fired) return entry;
        fired = true;
        queueMicrotask(() => {
            const go = document.getElementById('go'), word = document.getElementById('word');
            go.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: 5, clientY: 5 }));
            go.click();
            word.focus();
            word.value = 'Quokkaword';
            word.dispatchEvent(new Event('input', { bubbles: true }));
            word.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
            window.veilTestAt = performance.getEntriesByName('veil:snapshot').length;
        });
        return entry;
    };
})();"""


def test_what_happens_on_a_node_the_walk_has_not_reached_yet_names_that_node(context, dist, tmp_path):
    # Events during the walk follow its fix-up, so they must name their nodes as the snapshot
    # numbered them: resolved when the click happened, the button was not numbered yet, and the
    # click named its nearest walked ancestor (a replay shows it on <body>) or nothing (-1).
    pages = {"late": veil_page("late", LATE_FORM, {"debug": True})}
    with Site(dist, tmp_path / "late.sqlite3", pages) as site:
        page = context.new_page()
        page.add_init_script(INTERACT_DURING_WALK)
        page.goto(site.url + "/pages/late", wait_until="domcontentloaded")
        at = page.wait_for_function("window.veilTestAt", timeout=BOOT_TIMEOUT_MS).json_value()
        page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
        page.evaluate("() => Veil.flush()")
        page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0")
        slices = page.evaluate("() => performance.getEntriesByName('veil:snapshot').length")
        assert slices >= at + 2, f"the walk was over ({at} of {slices} slices) before the form was reached"
        events = site.get(f"/v1/sessions/{site.only_session()}/events")
        assert "Quokkaword" not in json.dumps(events)
        snapshot = next(e for e in events if e["type"] == EventType.FULL_SNAPSHOT)
        button, box = node_ids(snapshot, "go"), node_ids(snapshot, "word")
        incremental = [e["data"] for e in events if e["type"] == EventType.INCREMENTAL_SNAPSHOT]
        interactions = {d["type"]: d["id"] for d in incremental if d["source"] == Source.MOUSE_INTERACTION}
        moves = [p["id"] for d in incremental if d["source"] == Source.MOUSE_MOVE for p in d["positions"]]
        inputs = [d["id"] for d in incremental if d["source"] == Source.INPUT]
        custom = {e["data"]["tag"]: e["data"]["payload"] for e in events if e["type"] == EventType.CUSTOM}
        named = {
            "click": interactions.get(CLICK) in button,
            "focus": interactions.get(FOCUS) in box,
            "move": bool(moves) and all(i in button for i in moves),
            "input": bool(inputs) and all(i in box for i in inputs),
            "action": custom.get("veil:action", {}).get("id") in button,
            "key": custom.get("veil:key", {}).get("id") in box,
        }
        assert named == dict.fromkeys(named, True), (named, button, box, interactions, moves, inputs, custom)
