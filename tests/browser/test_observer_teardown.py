"""stop() undoes everything the observer's trackers did to the page: each tracker's teardown runs."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_recording

pytestmark = pytest.mark.browser

SETTERS = [["HTMLInputElement", "value"], ["HTMLInputElement", "checked"], ["HTMLTextAreaElement", "value"],
           ["HTMLSelectElement", "value"], ["HTMLSelectElement", "selectedIndex"], ["HTMLOptionElement", "selected"]]
# Before any page script: the browser's own setters, to compare with while and after recording.
STASH = "window.__nativeSetters = %s.map(([c, p]) => Object.getOwnPropertyDescriptor(window[c].prototype, p).set);"
NATIVE = "s => s.map(([c, p], i) => Object.getOwnPropertyDescriptor(window[c].prototype, p).set === window.__nativeSetters[i])"


def test_stop_restores_every_wrapped_setter_and_records_nothing_more(page, servers, capture):
    page.add_init_script(STASH % str(SETTERS).replace("'", '"'))
    page.goto(servers.site_url + "/")
    wait_recording(page)
    assert page.evaluate(NATIVE, SETTERS) == [False] * len(SETTERS)  # wrapped while recording
    page.evaluate("() => Veil.flush()")
    page.evaluate("() => Veil.stop()")
    assert page.evaluate(NATIVE, SETTERS) == [True] * len(SETTERS)
    sent = len(capture.bodies)
    page.fill("#name", "zqafterstop")
    page.mouse.move(10, 10)
    page.mouse.click(20, 20)
    page.keyboard.press("Enter")
    page.evaluate("() => { document.body.append('zqafterstop'); window.scrollTo(0, 50); }")
    page.wait_for_timeout(700)  # longer than every tracker's timer (pointer path: 500 ms)
    assert page.evaluate("() => Veil.flush()")["sent"] is False
    assert len(capture.bodies) == sent
