"""A runtime the browser cannot instantiate, in each engine: Pyodide 314 only prints that its
WebAssembly failed to instantiate and never settles (Firefox fails it, "out of memory", once a
content process holds too many WebAssembly memories). Veil's boot fails at once with the browser's
reason instead of leaving Veil.init pending until the worker's deadline, and the page is spared."""

from __future__ import annotations

import json
import time

from tests.engines.conftest import page_errors
from tests.engines.site import TOKEN, Site

# In both workers, before anything else runs: WebAssembly refuses to instantiate Pyodide's module,
# as a browser out of memory for it does (the few-byte helper module Pyodide makes first still works).
NO_INSTANTIATION = """{ const refuse = () => Promise.reject(new RangeError('out of WebAssembly memory (test)'));
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiateStreaming = refuse;
  WebAssembly.instantiate = (source, imports) => (source && source.byteLength > 1e6 ? refuse() : instantiate.call(WebAssembly, source, imports)); }
"""
CONFIG = {"endpoint": "/v1/batches", "clientToken": TOKEN, "consent": "not-required"}
PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><title>boot failure</title></head><body>
<button id="own" onclick="window.clicks = (window.clicks || 0) + 1">page button</button>
<script src="/static/veil/veil.js"></script>
<script>window.veilErrors = []; Veil.on("error", (e) => window.veilErrors.push(e.where));
Veil.init({json.dumps(CONFIG)}).then(() => {{ window.initOutcome = "booted"; }}, (e) => {{ window.initOutcome = e.message; }});</script>
</body></html>"""
FAILS_WITHIN_S = 60  # a plain boot's time on a busy machine; the worker's own deadline is 150 s


def test_a_runtime_the_browser_cannot_instantiate_fails_init_at_once_with_the_reason(engine, page, dist, tmp_path):
    with Site(dist, tmp_path / "boot-failure.sqlite3", {"boot": PAGE}, worker_prefix=NO_INSTANTIATION) as site:
        started = time.monotonic()
        page.goto(site.url + "/pages/boot")
        outcome = page.wait_for("() => window.initOutcome", timeout_s=FAILS_WITHIN_S)
        took = time.monotonic() - started
        assert "Pyodide could not instantiate its WebAssembly: RangeError: out of WebAssembly memory (test)" in outcome, outcome
        stats = page.evaluate("() => Veil.stats()")
        assert stats["workerTimeouts"] == 0 and stats["bootKind"] is None, (took, stats)
        assert page.evaluate("() => [Veil.status, window.veilErrors]") == ["idle", ["worker"]]
        page.click("#own")
        assert page.evaluate("() => window.clicks") == 1
        assert page_errors(page) == []
        assert not [path for _method, path in site.requests if path.startswith("/v1/")], "nothing was sent"
