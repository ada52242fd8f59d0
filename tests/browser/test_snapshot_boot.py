"""Booting from the runtime's memory snapshot, in Chromium: a page view that records has one made
and stored (holding nothing of the page), the next page view boots from it and records, and a
missing, corrupt, truncated, mismatched snapshot, storage that refuses, or a full quota mean a
plain boot that records all the same, counted in Veil.stats(), never an error for the page.

One page view (module fixture ``made``) makes the real snapshot; the other tests plant its bytes,
or bytes spoilt from them, into their own fresh context's Cache Storage before their page view.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import json
import time
from typing import Any

import pytest

from tests.browser.conftest import BOOT_TIMEOUT_MS, Capture

CACHE = "veil-runtime-snapshot"
TOKEN = "demo-client-token"
# What a page view hands Veil and shows it: none of it may be in the stored snapshot.
URL_SECRET = "url-secret-8c4d71"
ENDPOINT_SECRET = "endpoint-secret-5d2e90"
CONFIG_SECRET = "cfg-secret-7f3a02"
PAGE_TEXT = "planted-page-text-3e9f55"
TYPED = "typed-secret-b61c07"
PAGE_PATH = "/test-assets/snapshot-boot.html"  # tests/browser/assets/
STORE_TIMEOUT_MS = 120_000
LONGTASKS = """window.__longtasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
  .observe({ type: "longtask", buffered: true });"""  # a plain boot, the core's import and packing 31 MB, on a busy machine


def page_url(servers) -> str:
    # A real document from the site (a routed one would count as public address space, and
    # Chromium's Local Network Access would then refuse its POSTs to the loopback collector).
    return f"{servers.site_url}{PAGE_PATH}?q={URL_SECRET}"


def open_recording(page, servers) -> dict[str, Any]:
    """Open the planted page, add Veil with a config full of secrets, wait until it records."""
    page.goto(page_url(servers))
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    config = {"endpoint": f"{servers.endpoint}?k={ENDPOINT_SECRET}", "clientToken": TOKEN, "consent": "not-required",
              "blockSelectors": [f".{CONFIG_SECRET}"], "excludeUrls": [f"/never-{CONFIG_SECRET}"]}
    page.evaluate("cfg => { Veil.init(cfg); }", config)
    page.wait_for_function("Veil.status === 'recording' && Veil.stats().bootKind", timeout=BOOT_TIMEOUT_MS)
    return page.evaluate("Veil.stats()")


PAGE_BYTES = 4096


def unpack_pages(body: bytes) -> bytes:
    """The raw snapshot from a stored body: [raw size][page count][kept page indices][kept pages]
    (little-endian uint32s; all-zero pages left out), as shim/worker/store.mjs writes it."""
    size, count = struct.unpack_from("<II", body)
    pages = struct.unpack_from(f"<{count}I", body, 8)
    raw = bytearray(size)
    head = 8 + 4 * count
    for k, index in enumerate(pages):
        chunk = body[head + k * PAGE_BYTES: head + (k + 1) * PAGE_BYTES]
        raw[index * PAGE_BYTES: index * PAGE_BYTES + len(chunk)] = chunk[: size - index * PAGE_BYTES]
    return bytes(raw)


def pack_pages(raw: bytes) -> bytes:
    pages = [i for i in range(0, len(raw), PAGE_BYTES) if any(raw[i: i + PAGE_BYTES])]
    body = struct.pack(f"<II{len(pages)}I", len(raw), len(pages), *(i // PAGE_BYTES for i in pages))
    return body + b"".join(raw[i: i + PAGE_BYTES].ljust(PAGE_BYTES, b"\0") for i in pages)


def stored_entries(page) -> list[dict[str, Any]]:
    """The snapshot cache's entries: key, headers, and the stored bytes as base64."""
    return page.evaluate("""async (name) => {
        const cache = await caches.open(name);
        const out = [];
        for (const request of await cache.keys()) {
            const response = await cache.match(request);
            const bytes = new Uint8Array(await response.arrayBuffer());
            let binary = "";
            for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            out.push({key: request.url, headers: Object.fromEntries(response.headers), body: btoa(binary)});
        }
        return out;
    }""", CACHE)


def stored_digest(page, key: str) -> str | None:
    return page.evaluate("""async ([name, key]) => {
        const found = await (await caches.open(name)).match(key);
        return found ? found.headers.get("x-veil-snapshot-sha256") : null;
    }""", [CACHE, key])


def is_stored(page, key: str) -> bool:
    return page.evaluate("async ([name, key]) => !!(await (await caches.open(name)).match(key))", [CACHE, key])


def plant(context, page, servers, entry: dict[str, Any], body: bytes) -> None:
    """Store ``body`` under ``entry``'s key and headers in this context's Cache Storage."""
    context.route(f"{servers.site_url}/snapshot-boot-seed", lambda route: route.fulfill(body=body))
    page.goto(page_url(servers))
    page.evaluate("""async ({name, key, headers}) => {
        const body = await (await fetch("/snapshot-boot-seed")).blob();
        await (await caches.open(name)).put(key, new Response(body, {headers}));
    }""", {"name": CACHE, "key": entry["key"], "headers": entry["headers"]})


def assert_recorded(page, capture: Capture) -> None:
    """The page view recorded: a masked batch reached the collector, and nothing went wrong."""
    page.fill("#field", TYPED)
    result = page.evaluate("Veil.flush()")
    assert result.get("sent") is True, result
    sent = capture.sent_text()
    assert "Secret words" not in sent and "****** *****" in sent
    assert TYPED not in sent
    stats = page.evaluate("Veil.stats()")
    assert stats["errors"] == 0, stats
    assert capture.page_errors == []


@pytest.fixture(scope="module")
def made(browser, servers) -> dict[str, Any]:
    """A first page view in a fresh context: its stats, and the snapshot it stored."""
    context = browser.new_context()
    capture = Capture(context, servers.endpoint)
    page = context.new_page()
    page.on("pageerror", lambda err: capture.page_errors.append(str(err)))
    page.add_init_script(LONGTASKS)
    first = open_recording(page, servers)
    recording_at = page.evaluate("performance.now()")
    page.fill("#field", TYPED)  # typed text reaches the page's worker before the snapshot is made
    page.evaluate("Veil.flush()")
    page.wait_for_function("Veil.stats().snapshotStored + Veil.stats().snapshotStoreFailures > 0",
                           timeout=STORE_TIMEOUT_MS, polling=100)
    after = page.evaluate("Veil.stats()")
    # Every long task of the page from the recording's start until the snapshot was stored.
    long_tasks = page.evaluate("t => window.__longtasks.filter(([start, duration]) => start + duration > t)", recording_at)
    entries = stored_entries(page)
    sent = capture.sent_text()
    spawned = [u for u in capture.requests if "veil-snapshot-worker" in u]
    context.close()
    assert len(entries) == 1, [e["key"] for e in entries]
    entry = entries[0]
    return {"first": first, "after": after, "entry": entry, "body": base64.b64decode(entry.pop("body")), "sent": sent, "spawned": spawned,
            "long_tasks": long_tasks}


def test_a_page_view_that_records_boots_plain_then_stores_a_snapshot_holding_nothing_of_the_page(made):
    assert made["first"]["bootKind"] == "plain"
    assert made["first"]["snapshotFallbacks"] == 1 and made["first"]["snapshotFallbackReason"] == "missing"
    assert made["after"]["snapshotStored"] == 1 and made["after"]["snapshotStoreFailures"] == 0
    assert made["after"]["snapshotBytes"] == len(made["body"])
    assert made["spawned"]  # by a worker of its own
    assert made["long_tasks"] == []  # making and storing it never blocked the page's thread
    assert made["entry"]["key"].endswith("/veil-memory-snapshot") and "/runtime-" in made["entry"]["key"]
    # The page view really handed all of it to Python (its worker masked and sent the page).
    assert PAGE_TEXT in made["sent"]
    raw = unpack_pages(made["body"])  # the bytes as stored, put back together
    assert len(raw) == int(made["entry"]["headers"]["x-veil-snapshot-bytes"]) > 20_000_000
    assert len(made["body"]) < len(raw) * 0.6  # more than 40% of it was zero pages, left out
    assert b"veil.bridge" in raw and b"mask-user-input" in raw  # the core is in it: the search can find
    for secret in (URL_SECRET, ENDPOINT_SECRET, CONFIG_SECRET, PAGE_TEXT, TYPED, TOKEN, "Secret words", PAGE_PATH):
        for encoded in (secret.encode(), secret.encode("utf-16-le")):
            assert encoded not in raw, f"{secret!r} is in the stored snapshot"


def test_a_repeat_page_view_boots_from_the_snapshot_and_records(made, context, page, capture, servers):
    plant(context, page, servers, made["entry"], made["body"])
    stats = open_recording(page, servers)
    assert stats["bootKind"] == "snapshot", stats
    assert stats["snapshotFallbacks"] == 0 and stats["snapshotFallbackReason"] is None
    assert_recorded(page, capture)
    page.wait_for_timeout(1500)  # past the making's delay (1 s after the first batch): a snapshot boot makes none
    assert not [u for u in capture.requests if "veil-snapshot-worker" in u]
    # Withdrawn: the stored snapshot goes too.
    page.evaluate("Veil.stop()")
    deadline = time.monotonic() + 10
    while is_stored(page, made["entry"]["key"]) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert not is_stored(page, made["entry"]["key"])


def spoilt(made: dict[str, Any], how: str) -> tuple[dict[str, Any], bytes]:
    entry = json.loads(json.dumps(made["entry"]))
    if how == "truncated":
        return entry, made["body"][: len(made["body"]) // 2]
    if how == "mismatch":
        # Made by another Pyodide build: the header's build id (bytes 16-48) differs, stored whole.
        raw = bytearray(unpack_pages(made["body"]))
        raw[16:48] = bytes(b ^ 0x5A for b in raw[16:48])
        body = pack_pages(bytes(raw))
        entry["headers"]["x-veil-snapshot-sha256"] = base64.b64encode(hashlib.sha256(body).digest()).decode()
        return entry, body
    raise AssertionError(how)


# Garbage and an entry labelled for another runtime are tested under Node (tests/js/snapshot.test.mjs).
@pytest.mark.parametrize(("how", "reason"), [("truncated", "corrupt"), ("mismatch", "mismatch")])
def test_an_unusable_snapshot_means_a_plain_boot_that_records_and_it_is_deleted(made, context, page, capture,
                                                                                 servers, how, reason):
    entry, body = spoilt(made, how)
    plant(context, page, servers, entry, body)
    stats = open_recording(page, servers)
    assert stats["bootKind"] == "plain", stats
    assert stats["snapshotFallbacks"] == 1 and stats["snapshotFallbackReason"] == reason
    # Deleted at once: what is stored under its key now, if anything, is a fresh snapshot (one is
    # made beside the plain boot and stored once the view records).
    assert stored_digest(page, entry["key"]) != entry["headers"]["x-veil-snapshot-sha256"]
    assert_recorded(page, capture)


# Storage refused (as in some private modes): reading `caches` throws in both workers.
REFUSE = ('Object.defineProperty(self, "caches", { get() { throw new DOMException("storage refused", '
          '"SecurityError"); } });\n')


def test_storage_refused_means_a_plain_boot_that_records_and_no_snapshot(context, page, capture, servers):
    def refuse(route):
        response = route.fetch()
        route.fulfill(response=response, body=REFUSE + response.text())

    context.route("**/veil-*worker.mjs", refuse)
    stats = open_recording(page, servers)
    assert stats["bootKind"] == "plain" and stats["snapshotFallbackReason"] == "refused", stats
    assert_recorded(page, capture)
    page.wait_for_timeout(1500)  # past the making's delay: storage that refused is not asked again
    assert not [u for u in capture.requests if "veil-snapshot-worker" in u]
    stats = page.evaluate("Veil.stats()")
    assert stats["snapshotStored"] == 0 and stats["snapshotStoreFailures"] == 0 and stats["errors"] == 0


def test_a_full_quota_fails_the_store_quietly(context, page, capture, servers):
    cdp = context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": servers.site_url, "quotaSize": 1_000_000})
    stats = open_recording(page, servers)
    assert stats["bootKind"] == "plain", stats
    assert_recorded(page, capture)
    page.wait_for_function("Veil.stats().snapshotStored + Veil.stats().snapshotStoreFailures > 0",
                           timeout=STORE_TIMEOUT_MS, polling=100)
    stats = page.evaluate("Veil.stats()")
    assert stats["snapshotStoreFailures"] == 1 and stats["snapshotStoreReason"] == "quota", stats
    assert stats["snapshotStored"] == 0 and stats["errors"] == 0
    assert capture.page_errors == []



def test_a_view_likely_to_record_has_its_snapshot_made_beside_its_boot_and_stored_only_once_it_records(context, page, capture, servers):
    """With a visit under way in this tab (a stored session), the snapshot worker starts beside a
    plain boot, before any consent: a short page view can store one for the next. What it made is
    stored only once the view records (Veil.start(): consent given, the gate said yes)."""
    page.goto(page_url(servers))
    page.evaluate("""() => sessionStorage.setItem("veil:session", JSON.stringify(
        { id: "0123456789abcdef0123456789abcdef", started: Date.now(), lastActive: Date.now(), sampled: true }))""")
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": servers.endpoint, "clientToken": TOKEN, "consent": "opt-in"})
    page.wait_for_function("Veil.stats().bootKind === 'plain'", timeout=BOOT_TIMEOUT_MS)
    assert [u for u in capture.requests if "veil-snapshot-worker" in u], "not started beside the boot"
    page.wait_for_timeout(3000)
    assert page.evaluate("Veil.status") != "recording" and stored_entries(page) == []  # nothing stored before consent
    assert page.evaluate("Veil.stats().snapshotStored") == 0
    page.evaluate("Veil.start()")
    page.wait_for_function("Veil.stats().snapshotStored + Veil.stats().snapshotStoreFailures > 0", timeout=STORE_TIMEOUT_MS, polling=100)
    stats = page.evaluate("Veil.stats()")
    assert stats["snapshotStored"] == 1 and stats["errors"] == 0, stats
    assert len(stored_entries(page)) == 1
