"""Where an engine lacks something Veil uses, Veil takes its fallback, and the fallback fails
closed: less is recorded, nothing unmasked, and the page sees no exception. Each lack is made the
same way in every engine (a script that runs before veil.js takes the global away), so each engine
proves it, besides the lacks it has for real (WebKitGTK has no Scheduler API: every WebKit test
walks the page on setTimeout; Cache Storage without a secure context: test_snapshot_boot.py).

- module workers (Firefox before 114, Safari before 15): init rejects, nothing is observed for
  long, sent or stored, and the rejection does not surface as an unhandled one in the page;
- CompressionStream / DecompressionStream (beforeSend needs both): every batch the hook would
  see is dropped and counted, none is sent as it was;
- the Scheduler API: the snapshot's walk yields on setTimeout and the whole page is stored masked.
"""

from __future__ import annotations

import json

from tests.engines.conftest import BOOT_TIMEOUT_S, delivered, flush, page_errors, wait_recording
from tests.engines.site import TOKEN, Site, veil_page
from tests.helpers import walk

NO_MODULE_WORKERS = """<script>(function () {
  var Native = window.Worker;
  function Worker(url, options) {
    if (options && options.type === "module") throw new TypeError("Module scripts are not supported on DedicatedWorker yet");
    return new Native(url, options);
  }
  Worker.prototype = Native.prototype;
  window.Worker = Worker;
})();</script>"""
NO_STREAMS = "<script>delete window.CompressionStream; delete window.DecompressionStream;</script>"
NO_SCHEDULER = "<script>delete window.scheduler; delete window.Scheduler; delete window.TaskController;</script>"
FORM = '<input id="word" autocomplete="off"><p>ZQFALLBACKSECRET</p>'


def test_without_module_workers_nothing_is_sent_and_the_page_sees_no_exception(engine, page, dist, tmp_path):
    pages = {"a": veil_page("no module workers", FORM, head=NO_MODULE_WORKERS)}
    with Site(dist, tmp_path / "nomodule.sqlite3", pages) as site:
        page.goto(site.url + "/pages/a")
        page.type("#word", "Pangolinword")
        page.wait_for("() => Veil.status !== 'loading'", timeout_s=BOOT_TIMEOUT_S)
        page.sleep(1000)
        assert page.evaluate("() => Veil.status") == "idle"
        stats = page.evaluate("() => Veil.stats()")
        assert stats["errors"] >= 1 and stats["earlyBufferBytes"] == 0 and stats["earlyHandedOver"] == 0, stats
        assert page.evaluate("() => Veil.flush().then(() => 'resolved', (e) => 'rejected')") in ("resolved", "rejected")
        assert site.endpoint_requests() == [], "a request reached the collector"
        assert not site.requested("veil-worker.mjs")
        assert page_errors(page) == []


BEFORE_SEND_PAGE = f"""<!doctype html><html><head><meta charset="utf-8">{NO_STREAMS}</head><body>{FORM}
<script src="/static/veil/veil.js"></script>
<script>Veil.init({{endpoint: "/v1/batches", clientToken: "{TOKEN}", consent: "not-required",
  beforeSend: function (events) {{ window.__hookSaw = (window.__hookSaw || 0) + 1; return events; }}}});</script>
</body></html>"""


def test_without_compression_streams_before_send_drops_every_batch_and_sends_none(engine, page, dist, tmp_path):
    with Site(dist, tmp_path / "nostreams.sqlite3", {"a": BEFORE_SEND_PAGE}) as site:
        page.goto(site.url + "/pages/a")
        wait_recording(page)
        page.type("#word", "Pangolinword")
        flush(page)
        page.wait_for("() => Veil.stats().beforeSendDropped >= 1")
        assert page.evaluate("() => window.__hookSaw") is None, "the hook saw events it could not hand back compressed"
        assert [p for m, p in site.endpoint_requests() if m == "POST"] == [], "a batch was sent"
        assert page_errors(page) == []


def test_without_the_scheduler_api_the_walk_yields_on_timers_and_the_whole_page_is_stored_masked(engine, page, dist, tmp_path):
    rows = "".join(f'<p class="row">row {i} ZQROWSECRET</p>' for i in range(3000))
    pages = {"a": veil_page("no scheduler", FORM + rows, head=NO_SCHEDULER)}
    with Site(dist, tmp_path / "nosched.sqlite3", pages) as site:
        page.goto(site.url + "/pages/a")
        wait_recording(page)
        assert page.evaluate("() => typeof scheduler") == "undefined"
        page.type("#word", "Pangolinword")
        delivered(page)
        events = site.stored_events()
        stored = json.dumps(events)
        assert "ZQROWSECRET" not in stored and "Pangolinword" not in stored
        (snapshot,) = [e for e in events if e["type"] == 2]
        rows_stored = [n for n in walk(snapshot["data"]["node"]) if n.get("attributes", {}).get("class") == "row"]
        assert len(rows_stored) == 3000, "the time-sliced walk stored the whole page"
        assert page_errors(page) == []
