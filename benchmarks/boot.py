"""Boot benchmark: what the runtime downloads, first visit and repeat visit, and how long it takes
from opening the demo page to recording, with a cold and with an HTTP-cached dist/; and a repeat
page view booting from the runtime's memory snapshot against a plain boot, at full speed and with
the CPU throttled 4x.

Run: .venv/bin/python benchmarks/boot.py [--runs N] [--dist DIR]   (after ./dev build; needs Debian's chromium)

Snapshot rows (snapshot_boot; ./dev bench prints them too, benchmarks/compare.py): in one context
(HTTP cache warm), a first page view of the demo page stores the snapshot; then, alternately, a
repeat page view that boots from it and one that boots plain (the snapshot cache deleted just
before; that view stores a fresh snapshot for the next). Measured from navigation start to the
first batch requested (the first masked full snapshot, queued and sent at once), and the
worker's own boot (Veil.stats().bootMs). The 4x rows set CDP Emulation.setCPUThrottlingRate on
the page before it navigates; Chromium throttles the page's main thread with it (whether the
workers are slowed too shows in the bootMs column).

Bytes are what crossed the wire for /static/veil/ (Playwright's request sizes: encoded body plus
response headers, including the worker's requests), served by examples/demo/servers.py, which
sends the precompressed .br/.gz siblings. Over http://127.0.0.1 Chromium advertises
`gzip, deflate, br, zstd` (loopback is a secure context); over plain http to any other host only
`gzip, deflate`. So the browser rows use brotli; --encoding gzip forces the gzip siblings (what a
plain-http origin gets). The manifest rows are dist/manifest.json's per-file sizes.
The micropip row boots Pyodide under Node (node_modules/pyodide, same machine) twice: installing
the veil wheel with pyodide.loadPackage(url) as the worker does, and with micropip from the full
stdlib as Veil did before; it is skipped when .cache/wheels holds no micropip wheel.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from examples.demo.servers import start_servers  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PREFIX = "/static/veil/"


ENTRY_FILES = ("veil.js", "veil.mjs")


def visit(context, url: str, encoding: str | None = None) -> dict:
    """Open the demo page in ``context``; return boot seconds, the bytes per /static/veil/ file,
    and how long after the page's load event the first runtime file (anything but the entry
    script) was requested (negative: before it)."""
    page = context.new_page()
    transfers: dict[str, dict] = {}

    def finished(request):
        if PREFIX not in request.url:
            return
        response = request.response()
        sizes = request.sizes()
        rel = request.url.split(PREFIX, 1)[1]
        seen = {"status": response.status if response else 0,
                # a cache hit reports -1 or 0: nothing crossed the wire
                "body": max(0, sizes["responseBodySize"]), "headers": max(0, sizes["responseHeadersSize"]),
                "encoding": (response.headers.get("content-encoding", "") if response else ""),
                "started": request.timing["startTime"], "requests": 1}
        earlier = transfers.get(rel)
        if earlier is not None:
            # The same file again (the worker that makes the memory snapshot loads the runtime a
            # second time, from the HTTP cache): what crossed the wire adds up; the first request
            # says when it started.
            seen = {**earlier, "body": earlier["body"] + seen["body"], "headers": earlier["headers"] + seen["headers"],
                    "encoding": earlier["encoding"] or seen["encoding"], "requests": earlier["requests"] + 1}
        transfers[rel] = seen

    context.on("requestfinished", finished)
    if encoding:
        page.set_extra_http_headers({"Accept-Encoding": encoding})
    page.goto(url)
    page.wait_for_function("window.Veil && Veil.status === 'recording'", timeout=60_000)
    boot = page.evaluate("performance.now()") / 1000
    loaded = page.evaluate("performance.timeOrigin + performance.getEntriesByType('navigation')[0].loadEventEnd")
    page.wait_for_timeout(300)  # let the last requestfinished events arrive
    context.remove_listener("requestfinished", finished)
    page.close()
    runtime = [f["started"] for rel, f in transfers.items() if rel not in ENTRY_FILES and f["started"] > 0]
    return {"boot": boot, "files": transfers, "runtime_after_load_ms": (min(runtime) - loaded) if runtime else None}


def browser_runs(dist: Path, runs: int, encoding: str | None) -> list[tuple[dict, dict]]:
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        servers = start_servers(dist, Path(tmp) / "bench.sqlite3")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                context = browser.new_context()
                cold = visit(context, servers.site_url + "/", encoding)
                warm = visit(context, servers.site_url + "/", encoding)  # same context: HTTP cache
                results.append((cold, warm))
                context.close()
            browser.close()
        servers.stop()
    return results


SNAPSHOT_CACHE = "veil-runtime-snapshot"
STORE_TIMEOUT_MS = 180_000
# Navigation start to the first POST of a batch (resource timing), with the worker's stats.
FIRST_BATCH = """() => {
    const batch = performance.getEntriesByType("resource").find((e) => e.name.includes("/v1/batches"));
    return batch && window.Veil && Veil.stats().bootKind ? { ms: batch.startTime, stats: Veil.stats() } : null;
}"""


def repeat_view(context, url: str, throttle: float, plain: bool) -> dict:
    """One repeat page view: navigation start to the first batch requested, and its boot stats.
    ``plain`` deletes the stored snapshot first (and waits for the fresh one that view stores)."""
    page = context.new_page()
    if plain:
        page.goto(url.rsplit("/", 1)[0] + "/static/veil/veil.d.ts")  # a page of the origin, without Veil
        page.evaluate("name => caches.delete(name)", SNAPSHOT_CACHE)
    if throttle != 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.goto(url)
    found = page.wait_for_function(FIRST_BATCH, timeout=120_000, polling=20).json_value()
    if plain:
        page.wait_for_function("Veil.stats().snapshotStored + Veil.stats().snapshotStoreFailures > 0",
                               timeout=STORE_TIMEOUT_MS, polling=200)
    page.close()
    stats = found["stats"]
    return {"ms": found["ms"], "boot_ms": stats["bootMs"], "kind": stats["bootKind"]}


def snapshot_boot(browser, site_url: str, runs: int, throttles: tuple[float, ...] = (1, 4)) -> dict:
    """Per CPU throttling rate: median ms of a repeat page view booting from the snapshot and plain,
    navigation start to the first batch, and the worker's boot."""
    out = {}
    for throttle in throttles:
        context = browser.new_context()
        url = site_url + "/"
        repeat_view(context, url, throttle, plain=True)  # the first page view: stores the snapshot
        views: dict[str, list[dict]] = {"snapshot": [], "plain": []}
        for i in range(runs):
            for plain in ((False, True) if i % 2 == 0 else (True, False)):
                view = repeat_view(context, url, throttle, plain)
                views["plain" if plain else "snapshot"].append(view)
        context.close()
        kinds = {kind: sorted({v["kind"] for v in got}) for kind, got in views.items()}
        if kinds != {"snapshot": ["snapshot"], "plain": ["plain"]}:
            raise RuntimeError(f"repeat views booted as {kinds}")
        out[f"{throttle:g}x"] = {kind: {"first_batch_ms": statistics.median(v["ms"] for v in got),
                                        "boot_ms": statistics.median(v["boot_ms"] for v in got)}
                                 for kind, got in views.items()}
    return out


def print_snapshot_boot(rows: dict, runs: int) -> None:
    print(f"| repeat page view, median of {runs} | CPU | snapshot boot | plain boot | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for rate, row in rows.items():
        s, p = row["snapshot"], row["plain"]
        print(f"| navigation start to first batch | {rate} | {s['first_batch_ms']:,.0f} ms | {p['first_batch_ms']:,.0f} ms "
              f"| {s['first_batch_ms'] / p['first_batch_ms']:.2f} |")
        print(f"| worker boot (Veil.stats().bootMs) | {rate} | {s['boot_ms']:,.0f} ms | {p['boot_ms']:,.0f} ms "
              f"| {s['boot_ms'] / p['boot_ms']:.2f} |")


NODE_BOOT = r"""
import { loadPyodide } from "%(pyodide)s/pyodide.mjs";
import { readFileSync } from "node:fs";
const [mode, wheel, micropip] = process.argv.slice(1);
const t0 = performance.now();
const py = await loadPyodide({ indexURL: "%(pyodide)s/", fullStdLib: false });
if (mode === "micropip") {
  await py.loadPackage(micropip, { messageCallback: () => {} });
  const name = "/tmp/" + wheel.split("/").pop();  // micropip reads an emfs: path under Node
  py.FS.writeFile(name, readFileSync(wheel));
  py.globals.set("_url", "emfs:" + name);
  await py.runPythonAsync("import micropip\nawait micropip.install(_url, deps=False)");
} else {
  await py.loadPackage(wheel, { messageCallback: () => {} });
}
py.pyimport("veil.bridge");
console.log(performance.now() - t0);
"""


def node_micropip(dist: Path, runs: int) -> dict[str, float] | None:
    """Median ms to boot Pyodide and import veil.bridge under Node, with and without micropip."""
    micropip = next((ROOT / ".cache" / "wheels").glob("micropip-*.whl"), None)
    full = ROOT / "node_modules" / "pyodide"
    wheel = next(dist.glob("runtime-*/python/veil-*.whl"), None)
    if micropip is None or wheel is None:
        return None
    script = NODE_BOOT % {"pyodide": full.as_posix()}
    out = {}
    for mode in ("loadPackage", "micropip"):
        times = []
        for _ in range(runs):
            done = subprocess.run(["node", "--input-type=module", "-e", script, mode, str(wheel), str(micropip)],
                                  capture_output=True, text=True, check=True, cwd=ROOT)
            times.append(float(done.stdout.strip().splitlines()[-1]))
        out[mode] = statistics.median(times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--encoding", default=None, help='Accept-Encoding to send, e.g. "gzip" (default: Chromium\'s own)')
    parser.add_argument("--no-node", action="store_true", help="skip the Node micropip comparison")
    parser.add_argument("--snapshot-runs", type=int, default=3, help="repeat views per kind for the snapshot rows (0: skip)")
    args = parser.parse_args()
    dist = args.dist.resolve()
    manifest = json.loads((dist / "manifest.json").read_text())["files"]

    results = browser_runs(dist, args.runs, args.encoding)
    cold_files = results[0][0]["files"]
    first = sum(f["body"] + f["headers"] for f in cold_files.values())
    repeat = [sum(f["body"] + f["headers"] for f in warm["files"].values()) for _, warm in results]
    repeat_statuses = sorted({f"{rel} {f['status']}" for _, warm in results for rel, f in warm["files"].items() if f["body"] > 0})

    print("First visit, per file (bytes on the wire; manifest sizes):")
    print("| file | encoding | transferred | raw | gzip | brotli |")
    print("| --- | --- | --- | --- | --- | --- |")
    totals = [0, 0, 0]
    for rel, f in sorted(cold_files.items()):
        m = manifest.get(rel, {})
        raw, gz, br = m.get("size", 0), m.get("gzip", 0), m.get("br", 0)
        totals = [totals[0] + raw, totals[1] + gz, totals[2] + br]
        print(f"| {rel} | {f['encoding'] or '-'} | {f['body'] + f['headers']:,} | {raw:,} | {gz:,} | {br:,} |")
    print(f"| total | | {first:,} | {totals[0]:,} | {totals[1]:,} | {totals[2]:,} |")
    print()
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| runtime download, first visit (on the wire) | {first / 1e6:.2f} MB |")
    print(f"| runtime download, first visit (manifest: raw / gzip / brotli) | {totals[0] / 1e6:.2f} / {totals[1] / 1e6:.2f} / {totals[2] / 1e6:.2f} MB |")
    print(f"| runtime download, repeat visit (max of {args.runs}) | {max(repeat):,} bytes |")
    cold = [c["boot"] for c, _ in results]
    warm = [w["boot"] for _, w in results]
    print(f"| page open to recording, cold, median of {args.runs} (max) | {statistics.median(cold):.2f} s ({max(cold):.2f}) |")
    print(f"| page open to recording, warm (HTTP-cached), median of {args.runs} (max) | {statistics.median(warm):.2f} s ({max(warm):.2f}) |")
    if not args.no_node:
        node = node_micropip(dist, max(3, args.runs // 2))
        if node is None:
            print("| Pyodide boot + veil install under Node, loadPackage / micropip | skipped (no .cache/wheels/micropip-*.whl) |")
        else:
            print(f"| Pyodide boot + veil install under Node, loadPackage / micropip (median) | {node['loadPackage']:.0f} / {node['micropip']:.0f} ms |")
    if repeat_statuses:
        print()
        print("Repeat-visit responses with a body: " + ", ".join(repeat_statuses))
    if args.snapshot_runs:
        print()
        print_snapshot_boot(snapshot_runs(dist, args.snapshot_runs), args.snapshot_runs)


def snapshot_runs(dist: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        servers = start_servers(dist, Path(tmp) / "bench.sqlite3")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                rows = snapshot_boot(browser, servers.site_url, runs)
                browser.close()
        finally:
            servers.stop()
    return rows


if __name__ == "__main__":
    main()
