"""The README's example of veil.testing, run against the demo: how a site owner writes a privacy
regression test for their own page with the `veil_capture` fixture."""

from tests.browser.conftest import wait_recording


def test_checkout_sends_no_personal_data(page, servers, veil_capture):
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.fill("#name", "Ada Lovelace")
    page.fill("#card", "4111 1111 1111 1111")
    veil_capture.flush()
    veil_capture.assert_not_sent("Ada Lovelace", "4111 1111 1111 1111", "Margaret Hamilton")
    assert veil_capture.events()[0]["type"] == 4
    text = veil_capture.replayed_text()
    assert "****" in text and "Margaret" not in text
    assert "Acme Outdoor Supply" in text  # the site's own words, from its site-text list


def test_the_kit_catches_a_leak(page, servers, veil_capture):
    page.goto(servers.site_url + "/")
    page.evaluate("() => document.querySelector('header p:last-child').setAttribute('data-veil', 'allow')")
    wait_recording(page)
    veil_capture.flush()
    try:
        veil_capture.assert_not_sent("Margaret Hamilton")
    except AssertionError as err:
        assert "Margaret Hamilton" in str(err)
    else:
        raise AssertionError("assert_not_sent missed text the page allowed")
    assert "Margaret Hamilton" in veil_capture.replayed_text()
