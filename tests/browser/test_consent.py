"""Every gate proves silence on the network: where recording must not happen, not one request
reaches the endpoint (not merely zero events). Where JavaScript alone knows the answer (Do-Not-Track,
GPC, no consent yet, a CMP's answer) the observer is never even loaded; where only the Python gate
knows it (an excluded URL, sampling) the observer may have started early and is torn down."""

from __future__ import annotations

import gzip
import json

from tests.browser.conftest import BOOT_TIMEOUT_MS
from tests.browser.test_observer_teardown import NATIVE, SETTERS, STASH

PAGE = "/test-assets/replay.html"  # a plain page of the site without Veil on it
TICK_S = 5.5  # longer than Veil's flush interval


def load(page, servers, path=PAGE):
    page.goto(servers.site_url + path)
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")


def init(page, servers, **config):
    cfg = {"endpoint": servers.endpoint, "clientToken": "demo-client-token", **config}
    page.evaluate("cfg => Veil.init(cfg)", cfg)


def endpoint_requests(capture, servers):
    return [u for u in capture.requests if u.startswith(servers.collector_url)]


def observer_loaded(capture):
    return any(u.endswith("veil-observer.mjs") for u in capture.requests)


def assert_silent(page, capture, servers, wait=0.3, early=False):
    page.wait_for_timeout(int(wait * 1000))
    page.evaluate("() => Veil.flush()")
    assert endpoint_requests(capture, servers) == []
    if early:  # observed before the gate said no: its buffer discarded, the observer torn down
        stats = page.evaluate("Veil.stats()")
        assert stats["earlyHandedOver"] == 0 and stats["earlyBufferBytes"] == 0, stats
        assert page.evaluate(NATIVE, SETTERS) == [True] * len(SETTERS)
    else:
        assert not observer_loaded(capture)


def test_do_not_track_records_nothing(context, page, servers, capture):
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})")
    load(page, servers)
    init(page, servers)
    assert page.evaluate("() => Veil.start()") == {"recording": False, "reason": "do-not-track"}
    assert page.evaluate("Veil.status") == "declined"
    assert_silent(page, capture, servers)
    assert page.evaluate("sessionStorage.length") == 0, "nothing is stored for a visitor who said no"


def test_global_privacy_control_records_nothing(context, page, servers, capture):
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})")
    load(page, servers)
    init(page, servers, consent="not-required")
    page.wait_for_function("Veil.status === 'declined'", timeout=BOOT_TIMEOUT_MS)
    assert_silent(page, capture, servers)


def test_sites_may_choose_to_ignore_do_not_track(context, page, servers, capture):
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})")
    load(page, servers)
    init(page, servers, respectDoNotTrack=False)
    assert page.evaluate("() => Veil.start()") == {"recording": True}


def test_sampled_out_session_stays_sampled_out_across_pages(page, servers, capture):
    load(page, servers)
    init(page, servers, sampleRate=0)
    assert page.evaluate("() => Veil.start()") == {"recording": False, "reason": "sampled-out"}
    assert_silent(page, capture, servers)
    # Same tab, next page, a site now sampling everyone: the session's draw still holds.
    load(page, servers)
    init(page, servers, sampleRate=100)
    assert page.evaluate("() => Veil.start()") == {"recording": False, "reason": "sampled-out"}
    assert_silent(page, capture, servers)


def test_excluded_url_on_a_full_load_records_nothing_until_the_visitor_leaves(context, page, servers, capture):
    context.add_init_script(STASH % json.dumps(SETTERS))
    load(page, servers, PAGE + "?account=1")
    init(page, servers, excludeUrls=["/test-assets/*"], consent="not-required", defaultPrivacy="allow")
    page.wait_for_function("Veil.status === 'paused'", timeout=BOOT_TIMEOUT_MS)
    page.evaluate("() => { document.body.append('ZQEXCLUDEDPAGE'); }")
    assert_silent(page, capture, servers, early=True)
    page.evaluate("() => history.pushState({}, '', '/shop')")
    page.wait_for_function("Veil.status === 'recording'", timeout=10_000)
    page.evaluate("() => Veil.flush()")
    events = [e for b in capture.bodies for e in json.loads(gzip.decompress(b))["events"]]
    assert [e["type"] for e in events[:2]] == [4, 2], "leaving starts with a fresh full snapshot"
    assert events[0]["data"]["href"].endswith("/shop")


def test_excluded_url_reached_by_an_spa_route_pauses_and_sends_nothing_from_there(page, servers, capture):
    load(page, servers)
    init(page, servers, excludeUrls=["/account"], defaultPrivacy="allow")
    assert page.evaluate("() => Veil.start()") == {"recording": True}
    page.evaluate("() => Veil.flush()")
    before = len(endpoint_requests(capture, servers))
    page.evaluate("""() => {
        history.pushState({}, '', '/account/settings');
        const p = document.createElement('p');
        p.textContent = 'ZQACCOUNTPAGE';
        document.body.appendChild(p);
    }""")
    page.wait_for_function("Veil.status === 'paused'", timeout=10_000)
    page.evaluate("() => document.body.append('ZQSTILLTHERE')")
    page.wait_for_timeout(int(TICK_S * 1000))
    page.evaluate("() => Veil.flush()")
    assert len(endpoint_requests(capture, servers)) == before, "a request left while on an excluded URL"
    wire = b"".join(gzip.decompress(b) for b in capture.bodies).decode()
    assert "ZQACCOUNTPAGE" not in wire and "ZQSTILLTHERE" not in wire and "/account" not in wire
    page.evaluate("() => history.back()")
    page.wait_for_function("Veil.status === 'recording'", timeout=10_000)


def test_stop_sends_nothing_afterwards(page, servers, capture):
    load(page, servers)
    init(page, servers, consent="not-required")
    page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
    page.evaluate("() => Veil.flush()")
    page.evaluate("() => { document.body.append('after flush'); return Veil.stop(); }")
    before = len(endpoint_requests(capture, servers))
    page.evaluate("() => document.body.append('after stop')")
    page.mouse.move(10, 10)
    page.wait_for_timeout(int(TICK_S * 1000))
    page.evaluate("() => Veil.flush()")
    assert len(endpoint_requests(capture, servers)) == before
    assert page.evaluate("Veil.status") == "stopped"


TCF_STUB = """
window.__tcfConsent = %s;
window.__tcfListeners = [];
window.__tcfapi = function (command, version, callback) {
  if (command !== 'addEventListener') return;
  window.__tcfListeners.push(callback);
  callback({gdprApplies: true, eventStatus: 'tcloaded', purpose: {consents: window.__tcfConsent}}, true);
};
window.__tcfUpdate = function (consents) {
  window.__tcfConsent = consents;
  window.__tcfListeners.forEach(cb => cb({gdprApplies: true, eventStatus: 'useractioncomplete', purpose: {consents}}, true));
};
"""


def test_tcf_denied_records_nothing_and_a_later_grant_starts_recording(context, page, servers, capture):
    context.add_init_script(TCF_STUB % json.dumps({"1": True, "8": False, "10": False}))
    load(page, servers)
    init(page, servers, consent="tcf")
    page.wait_for_function("Veil.status === 'declined'", timeout=BOOT_TIMEOUT_MS)
    assert_silent(page, capture, servers)
    page.evaluate("() => __tcfUpdate({'1': true, '8': true, '10': true})")
    page.wait_for_function("Veil.status === 'recording'", timeout=10_000)
    page.evaluate("() => __tcfUpdate({'1': true, '8': false, '10': true})")
    page.wait_for_function("Veil.status === 'declined'", timeout=10_000)


def test_tcf_without_a_cmp_records_nothing(page, servers, capture):
    load(page, servers)
    init(page, servers, consent="tcf")
    page.wait_for_function("Veil.status === 'declined'", timeout=BOOT_TIMEOUT_MS)
    assert_silent(page, capture, servers)


def test_persisted_consent_survives_a_reload_and_stop_clears_it(page, servers, capture):
    load(page, servers)
    init(page, servers, persistConsent=True)
    assert page.evaluate("Veil.status") == "idle"
    assert page.evaluate("() => Veil.start()") == {"recording": True}
    load(page, servers)
    init(page, servers, persistConsent=True)
    page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
    page.evaluate("() => Veil.stop()")
    load(page, servers)
    init(page, servers, persistConsent=True)
    page.wait_for_timeout(300)
    assert page.evaluate("Veil.status") == "idle"


def test_without_persist_consent_nothing_is_remembered(page, servers, capture):
    load(page, servers)
    init(page, servers)
    page.evaluate("() => Veil.start()")
    assert page.evaluate("localStorage.length") == 0
    load(page, servers)
    init(page, servers)
    assert page.evaluate("Veil.status") == "idle"


def test_session_id_is_kept_in_the_tab_and_new_in_another(context, browser, page, servers, capture):
    load(page, servers)
    init(page, servers, consent="not-required")
    page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
    first = page.evaluate("JSON.parse(sessionStorage.getItem('veil:session')).id")
    # The session goes on across a reload once the collector's answer gave its write key; a page
    # that unloads before that answer records on in a new session (test_visit covers that case).
    page.wait_for_function(f"sessionStorage.getItem('veil:session-key:{first}') !== null", timeout=BOOT_TIMEOUT_MS)
    load(page, servers)
    init(page, servers, consent="not-required")
    page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("JSON.parse(sessionStorage.getItem('veil:session')).id") == first
    page.evaluate("() => Veil.flush()")
    sessions = {json.loads(gzip.decompress(b))["session"] for b in capture.bodies}
    assert sessions == {first} and len(first) == 32


def test_before_send_sees_masked_events_and_may_drop_a_batch(page, servers, capture):
    load(page, servers)
    page.evaluate("() => { document.body.append('ZQHOOKTEXT'); }")
    page.evaluate(
        """cfg => Veil.init(Object.assign(cfg, {beforeSend: (events) => {
            window.__seen = (window.__seen || '') + JSON.stringify(events);
            return events.filter(e => e.type !== 4);
        }}))""",
        {"endpoint": servers.endpoint, "clientToken": "demo-client-token"},
    )
    page.evaluate("() => Veil.start()")
    page.evaluate("() => Veil.flush()")
    seen = page.evaluate("window.__seen")
    assert "ZQHOOKTEXT" not in seen and "**********" in seen
    events = [e for b in capture.bodies for e in json.loads(gzip.decompress(b))["events"]]
    assert events and all(e["type"] != 4 for e in events)


def test_a_throwing_before_send_drops_the_batch_and_spares_the_page(page, servers, capture):
    load(page, servers)
    page.evaluate(
        "cfg => Veil.init(Object.assign(cfg, {beforeSend: () => { throw new Error('site bug'); }}))",
        {"endpoint": servers.endpoint, "clientToken": "demo-client-token"},
    )
    assert page.evaluate("() => Veil.start()") == {"recording": True}
    page.evaluate("() => Veil.flush()")
    assert endpoint_requests(capture, servers) == []
    assert page.evaluate("Veil.stats().beforeSendDropped") >= 1
    assert capture.page_errors == []
