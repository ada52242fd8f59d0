"""The public API's contract and the transport, in real Chromium."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import wait_recording

BLANK = "/test-assets/replay.html"  # any page of the site without Veil on it


def load_veil(page, servers) -> None:
    page.goto(servers.site_url + BLANK)
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")


@pytest.mark.parametrize(
    "config, key",
    [
        ({"endpoint": "/c", "endpiont": "/c"}, "endpiont"),
        ({}, "endpoint"),
        ({"endpoint": "/c", "sampleRate": 150}, "sampleRate"),
        ({"endpoint": "/c", "consent": "always"}, "consent"),
        ({"endpoint": "/c", "maskSelectors": ["div["]}, "maskSelectors"),
    ],
)
def test_bad_config_rejects_with_an_error_naming_the_key(page, servers, capture, config, key):
    load_veil(page, servers)
    err = page.evaluate(
        "cfg => Veil.init(cfg).then(() => null, e => ({name: e.name, key: e.key, message: e.message}))", config
    )
    assert err is not None and err["key"] == key and f"`{key}`" in err["message"]
    assert page.evaluate("Veil.status") == "idle"
    assert not capture.bodies


def test_regexp_and_function_values_are_judged_not_dropped(page, servers):
    load_veil(page, servers)
    err = page.evaluate("() => Veil.init({endpoint: () => '/c'}).then(() => null, e => e.key)")
    assert err == "endpoint"


def test_start_before_init_rejects(page, servers):
    load_veil(page, servers)
    message = page.evaluate("() => Veil.start().then(() => null, e => e.message)")
    assert "Veil.init" in message


def test_opt_in_observes_and_sends_nothing_before_start(page, servers, capture):
    load_veil(page, servers)
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": servers.endpoint, "clientToken": "demo-client-token"})
    assert page.evaluate("Veil.status") == "idle"
    assert page.evaluate("() => Veil.flush()")["sent"] is False
    assert not [u for u in capture.requests if u.startswith(servers.collector_url)]
    assert not [u for u in capture.requests if u.endswith("veil-observer.mjs")], "the observer loaded before consent"
    assert page.evaluate("() => Veil.start()") == {"recording": True}
    assert page.evaluate("Veil.status") == "recording"


def test_stop_drops_unsent_data(page, servers, capture):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.evaluate("() => Veil.flush()")
    sent_before = len(capture.bodies)
    page.fill("#name", "Typed after flush")
    page.evaluate("() => Veil.stop()")
    page.evaluate("() => Veil.flush()")
    time.sleep(0.5)
    assert len(capture.bodies) == sent_before
    assert page.evaluate("Veil.status") == "stopped"


def test_batches_are_sent_on_a_timer_without_flush(page, servers, capture):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    # The timer fires every 5 s; the margin is for a machine busy with other tests.
    deadline = time.monotonic() + 15
    while not capture.bodies and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert capture.bodies, "no batch within 15 s of recording"


def test_batches_carry_the_token_and_gzip_encoding(page, servers, context):
    seen = []
    context.on("request", lambda r: seen.append(r.headers) if r.url == servers.endpoint and r.method == "POST" else None)
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.evaluate("() => Veil.flush()")
    assert seen and seen[0]["x-veil-token"] == "demo-client-token" and seen[0]["content-encoding"] == "gzip"


def test_leaving_the_page_sends_what_was_typed_last(page, servers, capture):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.evaluate("() => Veil.flush()")
    sent_before = len(capture.bodies)
    page.click("#email")
    page.keyboard.type("last.words@example.com")
    page.wait_for_timeout(200)  # let the observer hand the input to the worker
    page.goto(servers.site_url + BLANK)
    session = capture.batches()[0]["session"]
    store = servers.collector_app.state.store
    deadline = time.monotonic() + 15  # on a busy machine the keepalive request may take a while
    while store.batch_count(session) <= sent_before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.batch_count(session) > sent_before, "nothing was sent on pagehide/visibilitychange"
    assert "last.words" not in capture.wire_text()


def test_veil_boots_in_a_module_worker_not_on_the_main_thread(page, servers):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    assert [w.url for w in page.workers if w.url.endswith("veil-worker.mjs")]
    assert page.evaluate("typeof window.loadPyodide") == "undefined"
    assert page.evaluate("typeof window.pyodide") == "undefined"


def test_stats_report_the_memory_python_uses_in_the_worker(page, servers):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.wait_for_function("Veil.stats().workerMemoryBytes > 0")
    memory = page.evaluate("Veil.stats().workerMemoryBytes")
    assert 4 * 2**20 < memory < 512 * 2**20, memory  # Python's heap: megabytes, not bytes nor gigabytes


def test_start_after_stop_begins_a_new_recording_with_a_fresh_snapshot(page, servers, capture):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.evaluate("() => Veil.flush()")
    page.evaluate("() => Veil.stop()")
    assert page.evaluate("() => Veil.start()") == {"recording": True}
    page.evaluate("() => Veil.flush()")
    assert [e["type"] for e in capture.events()].count(2) == 2


def test_scroll_resize_and_pointer_are_recorded(page, servers, capture):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.set_viewport_size({"width": 600, "height": 400})
    page.mouse.move(10, 10)
    page.mouse.move(200, 150, steps=5)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(700)
    page.evaluate("() => Veil.flush()")
    sources = {e["data"]["source"] for e in capture.events() if e["type"] == 3}
    assert {1, 3, 4} <= sources, sources
