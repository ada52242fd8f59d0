"""Veil side by side with rrweb's record, in one Chromium run.

Run: ./dev bench   (or .venv/bin/python benchmarks/compare.py [--sizes 1000 10000 50000] [--json FILE])

Pages: generated documents of about 1k, 10k and 50k nodes, and a live-updating table. For each,
Veil (default config, debug on for its User Timing measures) and rrweb 2.2.2's record (with
maskAllInputs and maskTextSelector "*") record the same page in a fresh browser context. Measured:
  snapshot_ms   start() to the first masked full snapshot (Veil; runtime boot excluded) or the
                synchronous record() call (rrweb)
  serialize_ms / python_mask_ms  for Veil's first snapshot: rrweb-snapshot's serialization on the
                main thread, and Python's masking of it in the worker
  boot_ms       Veil's runtime boot (Veil.init), cold cache; boot_warm_ms a second page load
  longest_ms    the longest main-thread task during recording (PerformanceObserver longtask)
  tbt_ms        total blocking time: the sum over long tasks of (duration - 50 ms)
  slice_max_ms  Veil's longest own main-thread slice (veil:snapshot, veil:mutations measures)
  latency_p50/p95_ms  DOM change to masked event, on the mutation page (Veil)
  wire_bytes    bytes on the wire: Veil's gzipped batches; rrweb's events JSON gzipped the same way
It prints a table and writes JSON (benchmarks/results.json by default).
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from examples.demo.servers import DEMO_TOKEN, start_servers  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

LONGTASKS = """
window.__longtasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
  .observe({ type: "longtask", buffered: true });
"""


def generated_page(nodes: int) -> str:
    """About ``nodes`` DOM nodes: sections of headings, paragraphs, lists, inputs and text."""
    parts, count, i = [], 0, 0
    while count < nodes:
        parts.append(
            f"<section class='s{i % 7}'><h2>Section {i} title</h2><p>Paragraph {i} with some <b>bold</b> text "
            f"and a <a href='/p/{i}?q=x'>link</a>.</p><ul><li>Item one {i}</li><li>Item two</li></ul>"
            f"<label>Field {i} <input name='f{i}' value='v{i}'></label></section>"
        )
        count += 20
        i += 1
    return "<!doctype html><html><head><title>bench</title><style>section{margin:4px}</style></head><body>" + "".join(parts) + "</body></html>"


MUTATION_PAGE = """<!doctype html><html><head><title>live table</title></head><body>
<table id="t"></table>
<script>
  const t = document.getElementById('t');
  for (let r = 0; r < 50; r++) { const tr = t.insertRow(); for (let c = 0; c < 8; c++) tr.insertCell().textContent = 'cell ' + r + ',' + c; }
  window.startTicking = () => setInterval(() => {
    for (let k = 0; k < 20; k++) {
      const cell = t.rows[(Math.random() * 50) | 0].cells[(Math.random() * 8) | 0];
      cell.textContent = 'v ' + Math.round(Math.random() * 1e6);
    }
  }, 50);
</script></body></html>"""


def tbt(tasks: list[list[float]]) -> tuple[float, float]:
    longest = max((d for _, d in tasks), default=0.0)
    return longest, sum(max(0.0, d - 50) for _, d in tasks)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_veil(browser, servers, url: str, mutate: bool) -> dict:
    context = browser.new_context()
    context.add_init_script(LONGTASKS)
    bodies: list[bytes] = []
    context.on("request", lambda r: bodies.append(r.post_data_buffer or b"") if r.url == servers.endpoint else None)
    page = context.new_page()
    page.goto(url)
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    boot = page.evaluate("""cfg => { const t = performance.now(); return Veil.init(cfg).then(() => performance.now() - t); }""",
                         {"endpoint": servers.endpoint, "clientToken": DEMO_TOKEN, "debug": True})
    page.evaluate("() => { window.__longtasks.length = 0; }")
    snapshot = page.evaluate("() => { const t = performance.now(); return Veil.start().then(() => performance.now() - t); }")
    if mutate:
        page.evaluate("() => window.startTicking()")
        page.wait_for_timeout(3000)
    else:
        page.wait_for_timeout(500)
    page.evaluate("() => Veil.flush()")
    tasks = page.evaluate("window.__longtasks")
    slices = page.evaluate("() => performance.getEntriesByType('measure').filter(m => m.name === 'veil:snapshot' || m.name === 'veil:mutations').map(m => m.duration)")
    latency = page.evaluate("() => performance.getEntriesByName('veil:mask-latency').map(m => m.duration)")
    # The first hand-over is the full snapshot: rrweb-snapshot's serialization vs Python's masking.
    serialize = page.evaluate("() => (performance.getEntriesByName('veil:snapshot')[0] || {duration: 0}).duration")
    python_mask = page.evaluate("() => (performance.getEntriesByName('veil:worker-mask')[0] || {duration: 0}).duration")
    page.goto(url)  # the same context: an HTTP-cached dist/
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    warm = page.evaluate("""cfg => { const t = performance.now(); return Veil.init(cfg).then(() => performance.now() - t); }""",
                         {"endpoint": servers.endpoint, "clientToken": DEMO_TOKEN})
    context.close()
    longest, blocking = tbt(tasks)
    return {"snapshot_ms": snapshot, "serialize_ms": serialize, "python_mask_ms": python_mask,
            "boot_ms": boot, "boot_warm_ms": warm, "longest_ms": longest, "tbt_ms": blocking,
            "slice_max_ms": max(slices, default=0.0), "latency_p50_ms": percentile(latency, 50) if mutate else None,
            "latency_p95_ms": percentile(latency, 95) if mutate else None, "wire_bytes": sum(len(b) for b in bodies)}


def run_rrweb(browser, servers, url: str, mutate: bool) -> dict:
    context = browser.new_context()
    context.add_init_script(LONGTASKS)
    page = context.new_page()
    page.goto(url)
    page.add_script_tag(url=servers.site_url + "/bench-assets/rrweb.umd.js")
    page.evaluate("() => { window.__longtasks.length = 0; }")
    # In a task of the page's own (as Veil's snapshot is), so the longtask observer sees it.
    snapshot = page.evaluate("""() => new Promise((resolve) => setTimeout(() => {
        window.__events = [];
        const t = performance.now();
        window.__stop = rrweb.record({ emit: (e) => window.__events.push(e), maskAllInputs: true, maskTextSelector: '*' });
        resolve(performance.now() - t);
    }, 0))""")
    if mutate:
        page.evaluate("() => window.startTicking()")
        page.wait_for_timeout(3000)
    else:
        page.wait_for_timeout(500)
    tasks = page.evaluate("window.__longtasks")
    events = page.evaluate("window.__events")
    context.close()
    longest, blocking = tbt(tasks)
    wire = len(gzip.compress(json.dumps(events, separators=(",", ":")).encode(), 6))
    return {"snapshot_ms": snapshot, "longest_ms": longest, "tbt_ms": blocking, "wire_bytes": wire}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "pages"
        pages.mkdir()
        for n in args.sizes:
            (pages / f"nodes-{n}.html").write_text(generated_page(n))
        (pages / "mutations.html").write_text(MUTATION_PAGE)
        assets = Path(tmp) / "assets"
        assets.mkdir()
        (assets / "rrweb.umd.js").write_bytes((ROOT / "node_modules" / "rrweb" / "dist" / "rrweb.umd.cjs").read_bytes())
        servers = start_servers(ROOT / "dist", Path(tmp) / "bench.sqlite3", extra_dirs={"/bench": pages, "/bench-assets": assets})
        results = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            cases = [(f"{n // 1000}k nodes", f"/bench/nodes-{n}.html", False) for n in args.sizes] + [("live table", "/bench/mutations.html", True)]
            for name, path, mutate in cases:
                url = servers.site_url + path
                veil = run_veil(browser, servers, url, mutate)
                rrweb = run_rrweb(browser, servers, url, mutate)
                results.append({"page": name, "veil": veil, "rrweb": rrweb})
                print(f"measured {name}", file=sys.stderr)
            browser.close()
        servers.stop()

    def f(v):
        return "-" if v is None else f"{v:,.0f}"

    print("| page | recorder | snapshot ms | serialize / Python mask ms | longest task ms | TBT ms | Veil slice max ms | latency p50/p95 ms | wire bytes | boot ms cold/warm |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        v, w = r["veil"], r["rrweb"]
        lat = "-" if v["latency_p50_ms"] is None else f"{v['latency_p50_ms']:.0f}/{v['latency_p95_ms']:.0f}"
        print(f"| {r['page']} | Veil | {f(v['snapshot_ms'])} | {f(v['serialize_ms'])} / {f(v['python_mask_ms'])} | {f(v['longest_ms'])} | {f(v['tbt_ms'])} | {f(v['slice_max_ms'])} | {lat} | {f(v['wire_bytes'])} | {f(v['boot_ms'])}/{f(v['boot_warm_ms'])} |")
        print(f"| {r['page']} | rrweb record | {f(w['snapshot_ms'])} | - | {f(w['longest_ms'])} | {f(w['tbt_ms'])} | - | - | {f(w['wire_bytes'])} | - |")
    machine = {"python": platform.python_version(), "machine": platform.machine(), "processor": platform.processor()}
    args.json.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
