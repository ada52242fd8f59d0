"""Real-site speed (issue 28): large stylesheets, quick page views and the first snapshot, in one
Chromium run, at 1x and 4x CPU throttling (CDP Emulation.setCPUThrottlingRate on the page).

Run: .venv/bin/python benchmarks/speed.py [--runs N] [--rates 1 4] [--json FILE]   (./dev bench runs it after compare.py)

Pages (generated markup, as benchmarks/compare.py's):
  styled     about 1,271 elements with 11 stylesheets from npm (pinned devDependencies, served from
             this machine as <link>s): Bootstrap, AG Grid and its Alpine theme, Handsontable, TinyMCE's
             skin, Choices, Tom Select, flatpickr, Shoelace's light theme, intl-tel-input, Quill (~1 MB)
  unstyled   the same markup without them
  17.5k      about 17,500 elements (35,000 nodes), unstyled
Rows (each the median of --runs, every run in a fresh browser context unless said):
  first snapshot  Veil.start() (the runtime already booted) to the first masked full snapshot
             delivered: the response to its batch's POST received (resource timing responseEnd);
             rrweb 2.2.2's record() on the same page (synchronous: it serializes the same CSS),
             maskAllInputs and maskTextSelector "*"
  second view  a visit's second page view (same tab), the first one recorded and its masked
             stylesheets stored: Veil.start() to the first masked snapshot delivered, and how many
             large stylesheets it masked again (Veil.stats().cssSheetsMasked; target 0)
  quick visit  the demo page, three page views each left 1.5 s after it began recording (its
             first batch requested), in a fresh context: the third view's navigation start to its
             first batch, against a cold view's (a plain boot, HTTP cache warm, no snapshot
             stored); whether a view stored the runtime's memory snapshot for the next; and the
             first view's own recording with and without the snapshot being made meanwhile
Targets (same-run ratios, at every rate): styled first snapshot <= 2x rrweb's record; second view
<= 1.5x the unstyled page's second view, 0 stylesheets masked again; quick visit third view <=
0.35x the cold view; 17.5k first snapshot <= 1.3x rrweb's record; the snapshot's making slows its
own view's recording by <= 10%.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.compare import generated_page  # noqa: E402
from examples.demo.servers import DEMO_TOKEN, start_servers  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SHEETS = (
    "bootstrap/dist/css/bootstrap.min.css",
    "ag-grid-community/styles/ag-grid.css",
    "ag-grid-community/styles/ag-theme-alpine.css",
    "handsontable/styles/handsontable.min.css",
    "tinymce/skins/ui/oxide/skin.min.css",
    "choices.js/public/assets/styles/choices.min.css",
    "tom-select/dist/css/tom-select.css",
    "flatpickr/dist/flatpickr.min.css",
    "@shoelace-style/shoelace/dist/themes/light.css",
    "intl-tel-input/dist/css/intlTelInput.css",
    "quill/dist/quill.snow.css",
)
STYLED_NODES = 2540  # about 1,271 elements
LARGE_NODES = 35_000  # about 17,500 elements
QUICK_VIEW_MS = 1500
SNAPSHOT_CACHE = "veil-runtime-snapshot"
CSS_CACHE = "veil-css-visit"

# Veil.start() (runtime booted): when it was called (epoch ms) and what start() itself took (the
# first snapshot masked); the batches' delivery is read from the requests (see Deliveries).
VEIL_START = """async () => {
    const t0 = performance.timeOrigin + performance.now();
    await Veil.start();
    return { t0, masked: performance.timeOrigin + performance.now() - t0 };
}"""
RRWEB_RECORD = """() => new Promise((resolve) => setTimeout(() => {
    const t = performance.now();
    window.__stop = rrweb.record({ emit: () => {}, maskAllInputs: true, maskTextSelector: "*" });
    resolve(performance.now() - t);
}, 0))"""
FIRST_BATCH = """() => {
    const batch = performance.getEntriesByType("resource").find((e) => e.name.includes("/v1/batches"));
    return batch && window.Veil && Veil.stats().bootKind ? { ms: batch.startTime, stats: Veil.stats() } : null;
}"""


def pages(directory: Path) -> None:
    """styled.html, unstyled.html, large.html and css/ (the stylesheets, copied from node_modules)."""
    css = directory / "css"
    css.mkdir()
    links = []
    for i, sheet in enumerate(SHEETS):
        shutil.copy2(ROOT / "node_modules" / sheet, css / f"{i:02d}-{Path(sheet).name}")
        links.append(f'<link rel="stylesheet" href="/speed/css/{i:02d}-{Path(sheet).name}">')
    unstyled = generated_page(STYLED_NODES)
    (directory / "unstyled.html").write_text(unstyled)
    (directory / "styled.html").write_text(unstyled.replace("</head>", "".join(links) + "</head>", 1))
    (directory / "large.html").write_text(generated_page(LARGE_NODES))


class Deliveries:
    """The batches a context POSTed to the collector: when each one's response ended (epoch ms),
    and whether it held the full snapshot, or stylesheets (_cssText)."""

    def __init__(self, context, endpoint: str) -> None:
        self.endpoint = endpoint
        self.batches: list[dict] = []
        context.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        if not request.url.startswith(self.endpoint) or request.method != "POST":
            return
        import gzip as _gzip

        body = _gzip.decompress(request.post_data_buffer or b"").decode("utf-8", "replace")
        timing = request.timing
        self.batches.append({"end": timing["startTime"] + timing["responseEnd"], "snapshot": '"type":2,' in body,
                             "sheets": body.count('"_cssText"')})

    def first_snapshot(self, page, t0: float) -> dict:
        """ms from t0 (epoch ms) to the response to the batch holding the full snapshot."""
        deadline = time.monotonic() + 120
        while True:
            snap = [b for b in self.batches if b["snapshot"] and b["end"] >= t0]
            if snap:
                return {"delivered": min(b["end"] for b in snap) - t0}
            if time.monotonic() > deadline:
                raise RuntimeError("no snapshot batch delivered")
            page.wait_for_timeout(5)


def veil_first_view(page, deliveries: Deliveries) -> dict:
    started = page.evaluate(VEIL_START)
    stats = page.evaluate("Veil.stats()")
    # The stylesheets that follow the structure: the large ones masked, less those in the snapshot.
    out = deliveries.first_snapshot(page, started["t0"])
    out.update(masked=started["masked"], stats=stats, t0=started["t0"])
    return out


def open_page(context, url: str, rate: float):
    page = context.new_page()
    if rate != 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    page.goto(url)
    return page


def boot_veil(page, servers) -> None:
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    page.evaluate("cfg => Veil.init(cfg)", {"endpoint": servers.endpoint, "clientToken": DEMO_TOKEN})


def veil_first(browser, servers, url: str, rate: float) -> dict:
    context = browser.new_context()
    deliveries = Deliveries(context, servers.endpoint)
    page = open_page(context, url, rate)
    boot_veil(page, servers)
    out = veil_first_view(page, deliveries)
    # Every large stylesheet delivered (those read after the structure follow the snapshot).
    page.wait_for_timeout(300)
    page.evaluate("Veil.flush()")
    page.wait_for_timeout(300)
    ends = [b["end"] for b in deliveries.batches if b["sheets"]]
    out["sheets_delivered"] = (max(ends) - deliveries_t0(out)) if ends else None
    context.close()
    return out


def deliveries_t0(out: dict) -> float:
    return out["t0"]


def rrweb_record(browser, servers, url: str, rate: float) -> float:
    context = browser.new_context()
    page = open_page(context, url, rate)
    page.add_script_tag(url=servers.site_url + "/speed-assets/rrweb.umd.js")
    took = page.evaluate(RRWEB_RECORD)
    context.close()
    return took


def second_view(browser, servers, url: str, rate: float) -> dict:
    """A visit's second page view (same tab), once the first one recorded and stored what it keeps."""
    context = browser.new_context()
    deliveries = Deliveries(context, servers.endpoint)
    page = open_page(context, url, rate)
    boot_veil(page, servers)
    veil_first_view(page, deliveries)
    masked = len(SHEETS) if url.endswith("/styled.html") else 0  # every one of them is large (2 KB or more)
    page.wait_for_function("n => Veil.stats().cssSheetsMasked >= n", arg=masked, timeout=180_000, polling=50)
    page.wait_for_function("""async ([name, n]) => n === 0 || ((await caches.has(name)) && (await (await caches.open(name)).keys()).length >= n)""",
                           arg=[CSS_CACHE, masked], timeout=180_000, polling=100)
    page.wait_for_function("Veil.stats().snapshotStored + Veil.stats().snapshotStoreFailures > 0", timeout=180_000, polling=200)
    page.goto(url)
    boot_veil(page, servers)
    second = veil_first_view(page, deliveries)
    page.wait_for_timeout(500)
    second["stats"] = page.evaluate("Veil.stats()")
    context.close()
    return second


def quick_visit(browser, site_url: str, rate: float, make_snapshot: bool = True) -> dict:
    """Three demo page views, each left QUICK_VIEW_MS after its first batch; then a cold view (a
    plain boot, HTTP cache warm). Navigation start to first batch of each, and their boot kinds."""
    context = browser.new_context()
    if not make_snapshot:  # the snapshot worker's script refused: no view makes one
        context.route("**/veil-snapshot-worker.mjs", lambda route: route.abort())
    page = context.new_page()
    if rate != 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    url = site_url + "/"
    views = []
    for _ in range(3):
        page.goto(url)
        found = page.wait_for_function(FIRST_BATCH, timeout=120_000, polling=10).json_value()
        views.append({"ms": found["ms"], "kind": found["stats"]["bootKind"]})
        page.wait_for_timeout(QUICK_VIEW_MS)
        stats = page.evaluate("Veil.stats()")
        views[-1]["stored"] = stats["snapshotStored"]
    page.goto(site_url + "/static/veil/veil.d.ts")  # a page of the origin without Veil
    page.evaluate("name => caches.delete(name)", SNAPSHOT_CACHE)
    page.goto(url)
    cold = page.wait_for_function(FIRST_BATCH, timeout=120_000, polling=10).json_value()
    context.close()
    return {"views": views, "cold_ms": cold["ms"], "cold_kind": cold["stats"]["bootKind"]}


def median(values: list[float]) -> float:
    return statistics.median(values)


def run(json_path: Path | None = None, runs: int = 3, rates: tuple[float, ...] = (1, 4)) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {"runs": runs, "rates": {}}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "speed"
        directory.mkdir()
        pages(directory)
        assets = Path(tmp) / "assets"
        assets.mkdir()
        shutil.copy2(ROOT / "node_modules" / "rrweb" / "dist" / "rrweb.umd.cjs", assets / "rrweb.umd.js")
        servers = start_servers(ROOT / "dist", Path(tmp) / "speed.sqlite3", extra_dirs={"/speed": directory, "/speed-assets": assets})
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for rate in rates:
                    results["rates"][f"{rate:g}x"] = measure(browser, servers, rate, runs)
                    print(f"measured real-site speed at {rate:g}x", file=sys.stderr)
                browser.close()
        finally:
            servers.stop()
    results["targets"] = targets(results)
    print_tables(results)
    if json_path:
        json_path.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nJSON: {json_path}")
    return results


def measure(browser, servers, rate: float, runs: int) -> dict:
    url = {name: f"{servers.site_url}/speed/{name}.html" for name in ("styled", "unstyled", "large")}
    rows: dict = {"veil": {k: [] for k in url}, "rrweb": {k: [] for k in ("styled", "large")},
                  "second": {k: [] for k in ("styled", "unstyled")}, "quick": [], "quick_no_snapshot": []}
    for _ in range(runs):
        for name in url:
            rows["veil"][name].append(veil_first(browser, servers, url[name], rate))
        for name in rows["rrweb"]:
            rows["rrweb"][name].append(rrweb_record(browser, servers, url[name], rate))
        for name in rows["second"]:
            rows["second"][name].append(second_view(browser, servers, url[name], rate))
        rows["quick"].append(quick_visit(browser, servers.site_url, rate))
        rows["quick_no_snapshot"].append(quick_visit(browser, servers.site_url, rate, make_snapshot=False))
    out = {
        "first_ms": {k: median([r["delivered"] for r in v]) for k, v in rows["veil"].items()},
        "first_masked_ms": {k: median([r["masked"] for r in v]) for k, v in rows["veil"].items()},
        "sheets_delivered_ms": median([r["sheets_delivered"] or r["delivered"] for r in rows["veil"]["styled"]]),
        "sheets_masked_first_view": median([r["stats"]["cssSheetsMasked"] for r in rows["veil"]["styled"]]),
        "rrweb_ms": {k: median(v) for k, v in rows["rrweb"].items()},
        "second_ms": {k: median([r["delivered"] for r in v]) for k, v in rows["second"].items()},
        "second_sheets_masked": max(r["stats"]["cssSheetsMasked"] for r in rows["second"]["styled"]),
        "second_sheets_reused": min(r["stats"]["cssSheetsReused"] for r in rows["second"]["styled"]),
        "quick_third_ms": median([q["views"][2]["ms"] for q in rows["quick"]]),
        "quick_cold_ms": median([q["cold_ms"] for q in rows["quick"]]),
        "quick_kinds": [[v["kind"] for v in q["views"]] for q in rows["quick"]],
        "quick_first_ms": median([q["views"][0]["ms"] for q in rows["quick"]]),
        "quick_first_no_snapshot_ms": median([q["views"][0]["ms"] for q in rows["quick_no_snapshot"]]),
        "raw": rows,
    }
    return out


def targets(results: dict) -> list[dict]:
    out = []

    def target(name: str, value: float, reference: float, limit: float, reference_name: str) -> None:
        ratio = value / reference if reference else float("inf")
        out.append({"target": name, "value": value, "reference": reference, "reference_name": reference_name,
                    "ratio": ratio, "limit": limit, "met": ratio <= limit})

    for rate, r in results["rates"].items():
        target(f"styled page, start to first masked snapshot delivered, CPU {rate}", r["first_ms"]["styled"], r["rrweb_ms"]["styled"], 2.0, "rrweb record")
        target(f"second view, same stylesheets, vs the unstyled page's, CPU {rate}", r["second_ms"]["styled"], r["second_ms"]["unstyled"], 1.5, "unstyled second view")
        out.append({"target": f"second view, stylesheets masked again, CPU {rate}", "value": r["second_sheets_masked"], "reference": 0,
                    "reference_name": "none", "ratio": None, "limit": None, "met": r["second_sheets_masked"] == 0})
        target(f"quick visit, third view vs cold view, navigation to recording, CPU {rate}", r["quick_third_ms"], r["quick_cold_ms"], 0.35, "cold view")
        target(f"quick visit, first view's own recording while making the snapshot, CPU {rate}", r["quick_first_ms"], r["quick_first_no_snapshot_ms"], 1.10, "no snapshot made")
        target(f"17.5k elements, start to first masked snapshot delivered, CPU {rate}", r["first_ms"]["large"], r["rrweb_ms"]["large"], 1.3, "rrweb record")
    return out


def print_tables(results: dict) -> None:
    runs = results["runs"]
    print(f"| page (median of {runs}) | CPU | Veil start to first masked snapshot delivered | start() resolved (snapshot masked) | rrweb record | second view of the visit |")
    print("| --- | --- | --- | --- | --- | --- |")
    for rate, r in results["rates"].items():
        for name, label in (("styled", "styled, 11 npm stylesheets (~1 MB)"), ("unstyled", "the same page unstyled"), ("large", "17.5k elements")):
            rr = r["rrweb_ms"].get(name)
            second = r["second_ms"].get(name)
            print(f"| {label} | {rate} | {r['first_ms'][name]:,.0f} ms | {r['first_masked_ms'][name]:,.0f} ms | "
                  f"{'-' if rr is None else f'{rr:,.0f} ms'} | {'-' if second is None else f'{second:,.0f} ms'} |")
    for rate, r in results["rates"].items():
        print(f"| styled: every stylesheet delivered (those read after the structure included) | {rate} | {r['sheets_delivered_ms']:,.0f} ms | | | |")
    print()
    print(f"| quick visit, views left 1.5 s after recording (median of {runs}) | CPU | third view | cold view | boot kinds (views 1-3) | first view's navigation to recording, making the snapshot / not |")
    print("| --- | --- | --- | --- | --- | --- |")
    for rate, r in results["rates"].items():
        kinds = "; ".join("/".join(k or "-" for k in ks) for ks in r["quick_kinds"])
        print(f"| navigation start to first batch | {rate} | {r['quick_third_ms']:,.0f} ms | {r['quick_cold_ms']:,.0f} ms | {kinds} | "
              f"{r['quick_first_ms']:,.0f} / {r['quick_first_no_snapshot_ms']:,.0f} ms |")
    print()
    print("| target | value | against | ratio | met |")
    print("| --- | --- | --- | --- | --- |")
    for t in results["targets"]:
        ratio = "-" if t["ratio"] is None else f"{t['ratio']:.2f} (≤ {t['limit']:.2f})"
        print(f"| {t['target']} | {t['value']:,.1f} | {t['reference']:,.1f} ({t['reference_name']}) | {ratio} | {'yes' if t['met'] else 'NO'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rates", type=float, nargs="+", default=[1, 4])
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "speed-results.json")
    args = parser.parse_args()
    run(args.json, args.runs, tuple(args.rates))


if __name__ == "__main__":
    main()
