"""The network and console channels in real Chromium: what the page's requests and console calls
may tell the replay, judged on the decompressed bytes that left the page.

Planted secrets sit in console messages, request URLs (query tokens), request and response
headers and JSON bodies. Under the defaults none of them leaves (metadata only, console off);
allow-listed fields leave once configured. The page's own fetch/XHR results and console output are
the same with Veil recording as without it, and Veil's own POSTs are never recorded.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.browser.conftest import inject_veil, stored_text
from veil.masking import mask_text

# The test page: tests/browser/assets/network.html (its API is answered by Playwright, below).

SECRETS_ALWAYS = (
    "zqurltoken", "ada@example.com", "ada%40example.com", "zqauthheader", "zqapikeyheader", "zqxhrquery",
    "zqxhrtokenheader", "zqbodypassword", "4111 1111 1111 1111", "zqresptoken", "zqrespsession",
    "zqfailquery", "zqconsolelog", "zqresponsecookie", "zqplainrequest", "zqplainresponse",
)
# Under the defaults these leave neither: console is off, bodies and headers are never read.
SECRETS_BY_DEFAULT = ("zqconsoledate", "zqconsolewarn", "zqbodynote", "zqrespname", "req-42")


def serve(page, servers) -> None:
    """The test page, served by the site, and its API, answered by Playwright (same origin)."""
    def api(route):
        url = route.request.url
        if "/api/fail" in url:
            route.abort()
        elif "/api/plain" in url:
            route.fulfill(status=201, content_type="text/plain", body="zqplainresponse")
        elif "/api/profile" in url:
            route.fulfill(status=200, content_type="application/json", body=json.dumps({"ssn": "078-05-1120", "plan": "pro"}))
        else:
            route.fulfill(status=200, content_type="application/json",
                          headers={"X-Session-Id": "zqrespsession", "Set-Cookie": "sid=zqresponsecookie",
                                   "X-Request-Id": "resp-7", "Cache-Control": "no-store"},
                          body=json.dumps({"token": "zqresptoken", "name": "zqrespname", "orderId": "A-1",
                                           "total": 42.5, "paid": True, "contact": "ada@example.com"}))
    page.route("**/api/**", api)
    page.goto(servers.site_url + "/test-assets/network.html")
    page.wait_for_load_state("load")


def context_events(capture, tag: str) -> list[dict]:
    return [e["data"]["payload"] for e in capture.events() if e["type"] == 5 and e["data"]["tag"] == tag]


def flush_until(page, capture, count: int, timeout_s: float = 15.0) -> list[dict]:
    """Flush until ``count`` network events left (each waits for its resource timing entry)."""
    deadline = time.monotonic() + timeout_s
    while True:
        page.evaluate("() => Veil.flush()")
        events = context_events(capture, "veil:network")
        if len(events) >= count or time.monotonic() > deadline:
            return events
        page.wait_for_timeout(250)


def test_defaults_send_network_metadata_only_and_no_console_and_the_page_sees_the_same_results(page, servers, capture):
    serve(page, servers)
    printed: list[str] = []
    # The page's own console calls (the browser's own network errors aside).
    page.on("console", lambda msg: printed.append(f"{msg.type}: {msg.text}") if "zq" in msg.text else None)
    page.evaluate("() => { window.originals = [window.fetch, XMLHttpRequest.prototype.send, XMLHttpRequest.prototype.open, console.error]; }")
    without_veil = page.evaluate("() => probe()")
    printed_without = list(printed)
    printed.clear()

    assert inject_veil(page, servers) == {"recording": True}
    with_veil = page.evaluate("() => probe()")
    assert with_veil == without_veil  # same statuses, texts, headers and the same thrown error
    assert without_veil["failure"].startswith("TypeError: ") and without_veil["xhr"]["status"] == 200
    assert printed == printed_without  # the console printed exactly the same

    network = flush_until(page, capture, 4)
    wire = capture.wire_text()
    for secret in SECRETS_ALWAYS + SECRETS_BY_DEFAULT:
        assert secret not in wire, f"{secret!r} left the page"
    assert not context_events(capture, "veil:console")

    by_url = {e["url"].split("/api/")[1]: e for e in network}
    assert set(by_url) == {"orders/***?token=***&email=***", "profile?ssn=***", "fail?k=***", "plain"}, by_url
    post = by_url["orders/***?token=***&email=***"]
    assert post["initiator"] == "fetch" and post["method"] == "POST" and post["status"] == 200
    assert post["requestBytes"] > 50 and post["responseBytes"] > 50 and post["durationMs"] >= 0
    assert by_url["profile?ssn=***"]["initiator"] == "xhr" and by_url["profile?ssn=***"]["status"] == 200
    assert by_url["fail?k=***"]["status"] == 0
    assert by_url["plain"]["status"] == 201 and by_url["plain"]["requestBytes"] == len("zqplainrequest")
    assert all(set(e) == {"initiator", "method", "url", "status", "durationMs", "requestBytes", "responseBytes"}
               for e in network), "no headers and no bodies by default"
    # Veil's own POSTs to its endpoint went through the wrapped fetch and were never recorded.
    assert len(capture.bodies) >= 2
    assert all("/v1/batches" not in e["url"] and "/static/veil/" not in e["url"] for e in network)

    # Stopping puts the page's fetch, XHR and console back exactly as they were.
    page.evaluate("() => Veil.stop()")
    assert page.evaluate("""() => window.originals.every((f, i) =>
        f === [window.fetch, XMLHttpRequest.prototype.send, XMLHttpRequest.prototype.open, console.error][i])""")


def test_configured_channels_record_allow_listed_fields_masked_at_the_default_level(page, servers, capture):
    serve(page, servers)
    config = {"console": ["error", "warn"], "networkDetailUrls": ["/api/orders/*", "/api/profile"],
              "networkHeaders": ["content-type", "x-request-id", "cache-control"]}
    assert inject_veil(page, servers, config) == {"recording": True}
    result = page.evaluate("() => probe()")
    # Veil read the bodies from a clone: the page still reads its own in full.
    assert json.loads(result["fetchText"])["token"] == "zqresptoken"
    assert json.loads(result["xhr"]["text"]) == {"ssn": "078-05-1120", "plan": "pro"}
    network = flush_until(page, capture, 4)
    wire = capture.wire_text()
    # Body values and console text are masked at `mask`; only the allowed header value leaves.
    for secret in SECRETS_ALWAYS + ("zqconsoledate", "zqconsolewarn", "zqbodynote", "zqrespname"):
        assert secret not in wire, f"{secret!r} left the page"

    post = next(e for e in network if "/orders/" in e["url"])
    # Allowed header names leave (their values masked nowhere but PII), denied ones never do.
    assert post["requestHeaders"] == {"content-type": "application/json", "x-request-id": "req-42"}
    assert post["responseHeaders"] == {"content-type": "application/json", "x-request-id": "resp-7", "cache-control": "no-store"}
    # At the default level `mask` the JSON bodies keep their shape, every value masked.
    assert post["requestBody"] == {"password": "********", "card": "********", "email": "********", "note": "********",
                                   "items": [{"sku": "********", "qty": "********"}]}
    assert post["responseBody"] == {"token": "********", "name": "********", "orderId": "********", "total": "********",
                                    "paid": "********", "contact": "********"}
    profile = next(e for e in network if "/profile" in e["url"])
    assert profile["responseBody"] == {"ssn": "********", "plan": "********"}
    plain = next(e for e in network if e["url"].endswith("/api/plain"))
    assert "requestBody" not in plain and "responseHeaders" not in plain  # not an allow-listed URL

    messages = context_events(capture, "veil:console")
    assert [m["level"] for m in messages] == ["error", "warn"]  # console.log is not opted in
    # Masked like page text at `mask`: whitespace and length kept, every other character a "*".
    assert messages[0]["message"] == mask_text('Invalid date provided: zqconsoledate {email: "ada@example.com", step: 3}')
    assert messages[1]["message"] == mask_text("retrying zqconsolewarn after 250 ms")


def test_at_allow_bodies_and_messages_leave_scrubbed_and_deny_listed_keys_masked(page, servers, capture):
    serve(page, servers)
    config = {"defaultPrivacy": "allow", "console": ["error", "warn"], "networkDetailUrls": ["/api/orders/*"],
              "networkHeaders": ["content-type", "x-request-id"]}
    assert inject_veil(page, servers, config) == {"recording": True}
    page.evaluate("() => probe()")
    network = flush_until(page, capture, 4)
    wire = capture.wire_text()
    for secret in SECRETS_ALWAYS:
        assert secret not in wire, f"{secret!r} left the page"

    post = next(e for e in network if "/orders/" in e["url"])
    assert post["requestHeaders"] == {"content-type": "application/json", "x-request-id": "req-42"}
    assert post["requestBody"] == {"password": "********", "card": "********", "email": "***************",
                                   "note": "zqbodynote", "items": [{"sku": "A-1", "qty": 2}]}
    assert post["responseBody"] == {"token": "********", "name": "zqrespname", "orderId": "A-1", "total": 42.5,
                                    "paid": True, "contact": "***************"}
    profile = next(e for e in network if "/profile" in e["url"])
    assert "responseBody" not in profile and "requestHeaders" not in profile  # not an allow-listed URL

    messages = context_events(capture, "veil:console")
    assert messages[0] == {"level": "error", "message": 'Invalid date provided: zqconsoledate {email: "***************", step: 3}'}
    assert messages[1] == {"level": "warn", "message": "retrying zqconsolewarn after 250 ms"}


@pytest.mark.parametrize("level", ["allow", "mask"])
def test_a_token_passed_as_a_bare_query_item_is_stored_masked_in_the_page_url_and_request_urls(level, page, servers, capture):
    # Issue 27: magic and share links pass their token as a bare item, with no "=". At every level
    # it is masked like a value; a plain word beside it (?print, ?amp) stays readable.
    page.route("**/api/**", lambda route: route.fulfill(status=200, content_type="application/json", body="{}"))
    page.goto(servers.site_url + "/test-assets/network.html?3f9KqL2vX8&print")
    page.wait_for_load_state("load")
    assert inject_veil(page, servers, {"defaultPrivacy": level}) == {"recording": True}
    page.evaluate("() => fetch('/api/share?Zq7shareToken42&amp').then((r) => r.status)")
    page.evaluate("() => fetch('/api/magic?dG9rZW5zZWNyZXQ=').then((r) => r.status)")  # base64, its padding an "="
    network = flush_until(page, capture, 2)
    assert len(network) == 2

    stored = stored_text(servers, capture.batches()[0]["session"])
    for token in ("3f9KqL2vX8", "Zq7shareToken42", "dG9rZW5zZWNyZXQ"):
        assert token not in stored, f"{token} stored under {level}"
    assert '"href":"' + servers.site_url + '/test-assets/network.html?***&print"' in stored  # the meta event
    assert '/api/share?***&amp"' in stored and '/api/magic?***"' in stored  # the requests' URLs
