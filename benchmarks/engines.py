"""Boot and first snapshot per engine: Chromium, Firefox ESR and WebKitGTK (Debian's), driven by
tests/engines/driver.py, one engine at a time, with same-run ratios to Chromium.

Rows (median of --runs page views per engine; each view on a site of its own, so caches are cold):
  boot_ms           Veil.stats().bootMs of a first page view: the runtime's plain boot in the worker
                    (Pyodide, the stdlib, the veil wheel, the core's import), cold HTTP cache
  recording_ms      navigation start to Veil.status "recording" on that first view (consent not
                    required: the runtime's download, boot, the gate, and the first masked snapshot)
  snapshot_boot_ms  Veil.stats().bootMs of the repeat view (a reload), booted from the runtime's
                    memory snapshot that the first view stored ("-" where the engine stored none)
  first_snapshot_ms Veil.start() to its answer on an opt-in page of --nodes nodes, the runtime
                    already up: the time-sliced walk, the hand-overs and Python's masking of the
                    first full snapshot

Writes JSON (benchmarks/engines-results.json by default). Numbers from a busy machine are noisy:
compare the ratios, which come from the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.compare import generated_page, machine_facts  # noqa: E402
from tests.engines.driver import ENGINES, launch  # noqa: E402
from tests.engines.site import TOKEN, Site, veil_page  # noqa: E402

BOOT_TIMEOUT_S = 240
RECORDING_AT = """<script>
  window.__recordingAt = null;
  (function poll() { if (window.Veil && Veil.status === "recording") window.__recordingAt = performance.now(); else setTimeout(poll, 5); })();
</script>"""


def _wait_recording(page, engine, view: str) -> None:
    """Until the view records; if it never does, say where it stood (its status, the worker's boot
    stats, the errors Veil reported), so that a view that hangs once can be read afterwards."""
    try:
        page.wait_for("() => window.__recordingAt", timeout_s=BOOT_TIMEOUT_S)
    except TimeoutError as err:
        try:
            where = page.evaluate("() => ({status: window.Veil && Veil.status, stats: window.Veil && Veil.stats(), "
                                  "href: location.href, ready: document.readyState})")
        except Exception as inner:  # noqa: BLE001 - a diagnostic: the page may be gone
            where = f"(the page did not answer: {inner})"
        raise TimeoutError(f"{engine.name}: the {view} did not record in {BOOT_TIMEOUT_S} s; it stood at {where!r}") from err


def first_and_repeat_view(engine, dist: Path, work: Path) -> dict:
    """A first page view (plain boot) until its snapshot is stored, then a reload."""
    page = engine.new_page()
    try:
        with Site(dist, work / "boot.sqlite3", {"a": veil_page("boot", "<p>words</p>" + RECORDING_AT)}) as site:
            page.goto(site.url + "/pages/a")
            _wait_recording(page, engine, "first view")
            first = page.evaluate("() => ({stats: Veil.stats(), recordingAt: window.__recordingAt})")
            page.wait_for("() => Veil.stats().snapshotStored + Veil.stats().snapshotStoreFailures > 0", timeout_s=BOOT_TIMEOUT_S)
            stored = page.evaluate("() => Veil.stats().snapshotStored") > 0
            page.reload()
            _wait_recording(page, engine, "repeat view")
            repeat = page.evaluate("() => Veil.stats()")
    finally:
        page.close()
    return {"boot_ms": first["stats"]["bootMs"], "recording_ms": first["recordingAt"],
            "snapshot_boot_ms": repeat["bootMs"] if stored and repeat["bootKind"] == "snapshot" else None}


def first_snapshot(engine, dist: Path, work: Path, nodes: int) -> float:
    html = generated_page(nodes).replace(
        "</body>", f'<script src="/static/veil/veil.js"></script><script>window.__ready = Veil.init({{endpoint: "/v1/batches", '
                   f'clientToken: "{TOKEN}", consent: "opt-in"}}).then(() => true)</script></body>')
    page = engine.new_page()
    try:
        with Site(dist, work / "snap.sqlite3", {"a": html}) as site:
            page.goto(site.url + "/pages/a")
            page.wait_for("() => window.__ready && window.Veil.status === 'idle'", timeout_s=BOOT_TIMEOUT_S)
            return page.evaluate("async () => { const t = performance.now(); await Veil.start(); return performance.now() - t; }")
    finally:
        page.close()


def measure(name: str, dist: Path, runs: int, nodes: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        engine = launch(name, work)
        try:
            views = []
            snaps = []
            for run in range(runs):
                run_dir = work / f"run-{run}"
                run_dir.mkdir()
                views.append(first_and_repeat_view(engine, dist, run_dir))
                snaps.append(first_snapshot(engine, dist, run_dir, nodes))
                print(f"{name}: run {run + 1}/{runs}", file=sys.stderr)
        finally:
            engine.close()

    def median(key: str) -> float | None:
        values = [v[key] for v in views if v[key] is not None]
        return statistics.median(values) if values else None

    return {"engine": name, "version": engine.version, "boot_ms": median("boot_ms"), "recording_ms": median("recording_ms"),
            "snapshot_boot_ms": median("snapshot_boot_ms"), "first_snapshot_ms": statistics.median(snaps), "views": views,
            "first_snapshots": snaps}


def print_table(rows: list[dict], nodes: int) -> None:
    base = rows[0]
    columns = [("boot_ms", "runtime boot, first view"), ("recording_ms", "navigation start to recording, first view"),
               ("snapshot_boot_ms", "boot from the memory snapshot, repeat view"),
               ("first_snapshot_ms", f"start() to first masked snapshot, {nodes // 1000}k nodes")]
    print("\n| row (median, ms) | " + " | ".join(f"{r['engine']} {r['version']}" for r in rows) + " |")
    print("| --- |" + " --- |" * len(rows))
    for key, label in columns:
        cells = []
        for r in rows:
            value, reference = r[key], base[key]
            if value is None:
                cells.append("-")
            elif r is base or not reference:
                cells.append(f"{value:,.0f}")
            else:
                cells.append(f"{value:,.0f} ({value / reference:.2f}x)")
        print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=10000)
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "engines-results.json")
    args = parser.parse_args()
    dist = ROOT / "dist"
    names = ["chromium", *[e for e in args.engines if e != "chromium"]]  # Chromium first: the ratios' base
    rows = [measure(name, dist, args.runs, args.nodes) for name in names]
    print_table(rows, args.nodes)
    args.json.write_text(json.dumps({"machine": machine_facts(), "nodes": args.nodes, "rows": rows}, indent=2) + "\n")
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
