"""examples/consent: accept, decline and withdraw, wired to Veil.start()/stop(), in Chromium."""

from __future__ import annotations

from tests.browser.conftest import BOOT_TIMEOUT_MS


def collector_requests(capture, servers):
    return [u for u in capture.requests if u.startswith(servers.collector_url)]


def wait_banner(page):
    page.wait_for_selector("#banner:not([hidden])", timeout=BOOT_TIMEOUT_MS)


def test_accept_records_a_reload_remembers_and_withdraw_stops(page, servers, capture):
    page.goto(servers.site_url + "/consent/")
    wait_banner(page)
    assert collector_requests(capture, servers) == []
    page.click("#accept")
    page.wait_for_function("Veil.status === 'recording'")
    page.evaluate("() => Veil.flush()")
    assert collector_requests(capture, servers)
    page.reload()
    page.wait_for_function("window.Veil && Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
    assert page.is_hidden("#banner")
    page.click("#withdraw")
    page.wait_for_function("Veil.status === 'stopped'")
    page.wait_for_selector("#banner:not([hidden])", timeout=5_000)
    sent = len(collector_requests(capture, servers))
    page.fill("#search", "tent")
    page.wait_for_timeout(300)
    page.evaluate("() => Veil.flush()")
    assert len(collector_requests(capture, servers)) == sent


def test_decline_records_nothing(page, servers, capture):
    page.goto(servers.site_url + "/consent/")
    wait_banner(page)
    page.click("#decline")
    assert page.is_hidden("#banner")
    page.fill("#search", "tent")
    page.evaluate("() => Veil.flush()")
    assert collector_requests(capture, servers) == []
    assert page.evaluate("Veil.status") == "idle"


def test_explanation_page_is_served(page, servers):
    page.goto(servers.site_url + "/consent/what-we-record.html")
    assert "What is never recorded" in page.text_content("body")
