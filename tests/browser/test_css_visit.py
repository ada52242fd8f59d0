"""The visit's masked stylesheets, in Chromium: a page view masks its large stylesheets and stores
the masked text (never the source) in Cache Storage; the next page view of the visit takes them
from there and masks none again, and what the collector stored of both views is masked alike;
Veil.stop() deletes them."""

from __future__ import annotations

from tests.browser.conftest import BOOT_TIMEOUT_MS

CACHE = "veil-css-visit"
PAGE_PATH = "/test-assets/css-visit.html"  # tests/browser/assets/, with css-visit.css
SECRETS = ("sheet-secret-4b7e21", "url-secret-93ad0c", "inline-secret-6f02d9", "inline-comment-secret")


def record(page, servers) -> dict:
    page.goto(servers.site_url + PAGE_PATH)
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": servers.endpoint, "clientToken": "demo-client-token",
                                             "consent": "not-required"})
    page.wait_for_function("Veil.status === 'recording' && Veil.stats().batchesSent >= 1", timeout=BOOT_TIMEOUT_MS)
    return page.evaluate("Veil.stats()")


def stored(page) -> list[dict]:
    return page.evaluate("""async (name) => {
        if (!(await caches.has(name))) return [];
        const cache = await caches.open(name);
        const out = [];
        for (const request of await cache.keys()) out.push({url: request.url, body: await (await cache.match(request)).text()});
        return out;
    }""", CACHE)


def test_a_later_page_view_of_the_visit_masks_no_stylesheet_again(page, servers, capture):
    first = record(page, servers)
    assert first["cssSheetsMasked"] == 2 and first["cssSheetsReused"] == 0, first
    page.wait_for_function("async (name) => (await caches.has(name)) && (await (await caches.open(name)).keys()).length === 2",
                           arg=CACHE, timeout=15_000)
    entries = stored(page)
    session = page.evaluate("JSON.parse(sessionStorage.getItem('veil:session')).id")
    assert len(session) == 32
    for entry in entries:
        assert "***" in entry["body"], entry["body"][:200]  # the masked text
        assert not any(secret in entry["body"] for secret in SECRETS)
        assert session not in entry["url"] and session not in entry["body"]
    first_sent = capture.sent_text()

    second = record(page, servers)  # the same tab: the same visit
    assert second["cssSheetsMasked"] == 0 and second["cssSheetsReused"] == 2, second
    sent = capture.sent_text()
    assert len(sent) > len(first_sent) and sent.count("*******************") >= 2  # both views' masked sheets
    assert not any(secret in sent for secret in SECRETS)
    assert ".row-149" in sent and ".cell-119" in sent  # the stylesheets themselves were recorded
    assert capture.page_errors == [] and second["errors"] == 0


def test_veil_stop_deletes_the_visits_stylesheets(page, servers):
    record(page, servers)
    page.wait_for_function("async (name) => caches.has(name)", arg=CACHE, timeout=15_000)
    page.evaluate("Veil.stop()")
    page.wait_for_function("async (name) => !(await caches.has(name))", arg=CACHE, timeout=15_000)


def test_a_large_stylesheet_follows_the_structure_and_replays(page, servers, capture, context):
    """A <link>'s sheet of more than DEFERRED_SHEET_RULES rules is not in the first snapshot (nor
    its href: a replay loads nothing meanwhile); it follows as the node's _cssText, masked, and
    the replay ends styled by it."""
    from tests.browser.conftest import replay

    page.goto(servers.site_url + "/test-assets/css-large.html")
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": servers.endpoint, "clientToken": "demo-client-token", "consent": "not-required"})
    page.wait_for_function("Veil.status === 'recording' && Veil.stats().cssSheetsMasked >= 1", timeout=BOOT_TIMEOUT_MS)
    page.evaluate("Veil.flush()")
    events = capture.events()
    snapshot = next(e for e in events if e["type"] == 2)
    link = find(snapshot["data"]["node"], lambda n: n.get("tagName") == "link")
    assert link is not None and set(link["attributes"]) & {"href", "_cssText"} == set(), link
    later = [a for e in events if e["type"] == 3 and e["data"].get("source") == 0 for a in e["data"]["attributes"]
             if "_cssText" in a["attributes"]]
    assert [a["id"] for a in later] == [link["id"]]
    css = later[0]["attributes"]["_cssText"]
    assert ".big-399" in css and "late-sheet-secret" not in css and "late-url-secret" not in css
    assert events.index(snapshot) < next(i for i, e in enumerate(events) if e["type"] == 3 and e["data"].get("source") == 0
                                         and any("_cssText" in a["attributes"] for a in e["data"]["attributes"]))
    result = replay(context, servers, events)
    assert ".big-399" in result["html"] and "123px" in result["html"] and not result["errors"], result["warnings"]
    capture.assert_not_sent("late-sheet-secret-51c3aa", "late-url-secret-0d9e")


def find(node, match):
    if match(node):
        return node
    for child in node.get("childNodes", []):
        found = find(child, match)
        if found is not None:
            return found
    return None
