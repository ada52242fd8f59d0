"""Consent gates and the loader in each engine. Where recording must not happen, not one request
reaches the collector (judged where it would arrive: the site's request log) and the observer is
never loaded; the loader snippet records under the README's strict Content Security Policy with
no violation (the page's own securitypolicyviolation events and the policy's report-uri)."""

from __future__ import annotations

import base64
import hashlib
import json

from tests.engines.conftest import BOOT_TIMEOUT_S, delivered, flush, page_errors, wait_recording
from tests.engines.site import TOKEN, Site, veil_page
from tests.helpers import load_build

FORM = '<input id="word" autocomplete="off"><p>ZQGATESECRET</p>'
DNT = "<script>Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})</script>"
GPC = "<script>Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})</script>"
SILENCE_S = 1.5  # the gate has answered long before; a flush and a tick more would have sent


def assert_silent(page, site: Site) -> None:
    page.sleep(SILENCE_S * 1000)
    flush(page)
    assert site.endpoint_requests() == [], "a request reached the collector"
    assert not site.requested("veil-observer.mjs"), "the observer was loaded"
    assert page_errors(page) == []


def test_opt_in_observes_and_sends_nothing_before_start_and_records_after(engine, page, dist, tmp_path):
    pages = {"a": veil_page("opt-in", FORM, {"consent": "opt-in"})}
    with Site(dist, tmp_path / "optin.sqlite3", pages) as site:
        page.goto(site.url + "/pages/a")
        page.wait_for("() => window.Veil && Veil.status === 'idle'", timeout_s=BOOT_TIMEOUT_S)
        page.type("#word", "Pangolinword")
        assert_silent(page, site)
        assert page.evaluate("() => Veil.start()") == {"recording": True}
        page.type("#word", "Caracalword")
        delivered(page)
        stored = site.stored_text()
        assert "ZQGATESECRET" not in stored and "Caracalword" not in stored and "Pangolin" not in stored
        assert '"type": 2' in stored, "the full snapshot is stored once the visitor said yes"


def test_do_not_track_records_nothing_and_stores_nothing(engine, page, dist, tmp_path):
    pages = {"a": veil_page("dnt", FORM, {"consent": "opt-in"}, head=DNT)}
    with Site(dist, tmp_path / "dnt.sqlite3", pages) as site:
        page.goto(site.url + "/pages/a")
        page.wait_for("() => window.Veil && Veil.status === 'idle'", timeout_s=BOOT_TIMEOUT_S)
        assert page.evaluate("() => Veil.start()") == {"recording": False, "reason": "do-not-track"}
        assert page.evaluate("() => Veil.status") == "declined"
        page.type("#word", "Pangolinword")
        assert_silent(page, site)
        assert page.evaluate("() => sessionStorage.length") == 0, "nothing is stored for a visitor who said no"


def test_global_privacy_control_records_nothing(engine, page, dist, tmp_path):
    pages = {"a": veil_page("gpc", FORM, head=GPC)}  # consent not required: GPC alone says no
    with Site(dist, tmp_path / "gpc.sqlite3", pages) as site:
        page.goto(site.url + "/pages/a")
        page.wait_for("() => window.Veil && Veil.status === 'declined'", timeout_s=BOOT_TIMEOUT_S)
        page.type("#word", "Pangolinword")
        assert_silent(page, site)


def test_the_loader_records_under_the_readme_strict_csp_with_no_violation(engine, page, dist, tmp_path):
    integrity = json.loads((dist / "manifest.json").read_text())["files"]["veil.js"]["sha384"]
    config = json.dumps({"endpoint": "/v1/batches", "clientToken": TOKEN, "consent": "not-required"})
    script = "\n" + load_build().loader_snippet(integrity) + f"Veil.init({config});\n"
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    # The README's policy with the inline script's hash (no 'unsafe-inline', no 'unsafe-eval'),
    # and a report-uri so that a violation in a worker is seen too.
    csp = (f"script-src 'self' 'wasm-unsafe-eval' 'sha256-{digest}'; worker-src 'self'; connect-src 'self'; "
           "report-uri /csp-report")
    html = f'<!doctype html><html><head><meta charset="utf-8"></head><body><p>Hello ZQCSPTEXT</p><script>{script}</script></body></html>'
    with Site(dist, tmp_path / "csp.sqlite3", {"csp": html}, headers={"csp": {"Content-Security-Policy": csp}}) as site:
        page.goto(site.url + "/pages/csp")
        assert page.evaluate("() => Veil.status") in ("loading", "recording")  # the stub, until veil.js is there
        wait_recording(page)
        delivered(page)
        assert page_errors(page) == []
        assert site.csp_reports == []
        stored = site.stored_text()
        assert "ZQCSPTEXT" not in stored and "***** *********" in stored
