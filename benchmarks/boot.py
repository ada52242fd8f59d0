"""Boot benchmark: dist/ download size and the time from page load to the first masked snapshot.

Run: .venv/bin/python benchmarks/boot.py [--runs N]   (after ./dev build; needs Debian's chromium)
Prints a table; issue 8's side-by-side benchmark against rrweb will replace it.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from examples.demo.servers import start_servers  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

RUNTIME_FILES = ["veil.js", "veil-worker.mjs", "veil-observer.mjs", "vendor/rrweb-snapshot/rrweb-snapshot.js",
                 "pyodide/pyodide.mjs", "pyodide/pyodide.asm.mjs", "pyodide/pyodide.asm.wasm",
                 "pyodide/python_stdlib.zip", "pyodide/pyodide-lock.json"]


def sizes(dist: Path) -> tuple[int, int]:
    files = RUNTIME_FILES + [str(p.relative_to(dist)) for p in (dist / "python").glob("*.whl")]
    raw = sum((dist / f).stat().st_size for f in files)
    packed = sum(len(gzip.compress((dist / f).read_bytes(), 6)) for f in files)
    return raw, packed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    dist = ROOT / "dist"
    raw, packed = sizes(dist)
    with tempfile.TemporaryDirectory() as tmp:
        servers = start_servers(dist, Path(tmp) / "bench.sqlite3")
        boots = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                ctx = browser.new_context()
                page = ctx.new_page()
                page.goto(servers.site_url + "/")
                page.wait_for_function("Veil.status === 'recording'", timeout=60_000)
                boots.append(page.evaluate("performance.now()") / 1000)
                ctx.close()
            browser.close()
        servers.stop()
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| runtime download, first visit (raw) | {raw / 1e6:.1f} MB |")
    print(f"| runtime download, first visit (gzip) | {packed / 1e6:.1f} MB |")
    print(f"| page open to recording, median of {args.runs} (cold cache each) | {statistics.median(boots):.2f} s |")
    print(f"| page open to recording, max | {max(boots):.2f} s |")


if __name__ == "__main__":
    main()
