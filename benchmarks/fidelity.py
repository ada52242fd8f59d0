"""Replay fidelity: Veil at ``allow`` against rrweb's own ``record``, screenshot against screenshot.

Run: ./dev bench-fidelity   (or .venv/bin/python benchmarks/fidelity.py [--pages quill ...] [--shots DIR] [--json FILE])

Pages (benchmarks/fidelity/*.js) are built from real component libraries installed from npm
(package.json devDependencies) and bundled here with esbuild, NODE_ENV=production, into a temporary
directory served by the demo site on loopback: nothing comes from a CDN. Each page renders its
widgets (build), and changes them once recording runs (change): new CSS rules, new shadow roots,
re-rendered rows, so what a library does at run time counts too.

For each page and each recorder, in a fresh browser context at a fixed 1024x768 viewport:
  1. load the page, wait for its widgets and fonts (bounded waits);
  2. start the recorder: Veil (veil.js from dist/, ``defaultPrivacy: "allow"``, every other option
     default) or rrweb 2.2.2's ``record`` with its defaults;
  3. run the page's change(), let it settle, screenshot the page (the original);
  4. collect the recording: Veil's batches as they left the page (decompressed), or rrweb's events;
  5. replay it to its end in rrweb 2.2.2's Replayer at the recorded viewport, in a page of its
     own (benchmarks/fidelity/replay.html), wait for fonts, images and two frames, screenshot it.
Animations, transitions and the caret are off in both (page CSS, Playwright's screenshot options,
reduced motion), and nothing is focused or hovered.

Similarity (the headline number) is computed in the browser with a canvas: the fraction of
"content" pixels that match, where a pixel matches when each of R, G, B differs by at most
TOLERANCE (of 255), and content pixels are those where the original or the replay differs from
the background (the original's most frequent colour), so the empty part of a page cannot lift a
score. The whole-viewport match fraction and the mean absolute difference are printed too, and
``original vs original`` compares the two recorders' own originals: how deterministic the page is,
the noise floor of the comparison.

It prints one table (page, Veil, rrweb, Veil >= rrweb?) and writes JSON
(benchmarks/fidelity-results.json by default); with --shots it also writes every screenshot and a
diff image per replay (matching pixels faded, differing ones red).
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from examples.demo.servers import DEMO_TOKEN, start_servers  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from veil.testing import VeilCapture  # noqa: E402

SOURCES = ROOT / "benchmarks" / "fidelity"
VIEWPORT = {"width": 1024, "height": 768}
TOLERANCE = 16  # of 255 per channel: absorbs anti-aliasing, not a changed colour
WAIT_MS = 30_000  # every wait of the harness: page load, recorder start, flush, replay
BOOT_MS = 60_000  # Veil boots Pyodide: 2-3 s on a quiet machine, far more on a busy one

# page: (npm package whose version is reported, what it stands for)
PAGES: dict[str, tuple[str, str]] = {
    "shoelace": ("@shoelace-style/shoelace", "web components, adopted stylesheets"),
    "emotion": ("@emotion/css", "CSS-in-JS, production (insertRule)"),
    "quill": ("quill", "rich-text editor"),
    "tabulator": ("tabulator-tables", "data grid"),
    "flatpickr": ("flatpickr", "date picker"),
}

HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name}</title>{css}</head>
<body><script type="module" src="{name}.js"></script></body></html>
"""

# Each script takes its time limit as an argument: Playwright's evaluate itself never times out.
READY = """async (ms) => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('page script timed out')), ms));
  await Promise.race([new Promise((resolve) => { const poll = () => window.fidelity ? resolve() : setTimeout(poll, 20); poll(); }), late]);
  await window.fidelity.ready;
}"""

# The page's change() bounds its own waits (benchmarks/fidelity/common.js).
CHANGE = "() => window.fidelity.change()"

VEIL_START = """async ([cfg, ms]) => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('Veil.start timed out')), ms));
  await Promise.race([Veil.init(cfg).then(() => Veil.start()), late]);
  if (Veil.status !== 'recording') throw new Error('Veil is ' + Veil.status + ', not recording');
}"""

VEIL_FLUSH = """async (ms) => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('Veil.flush timed out')), ms));
  return Promise.race([Veil.flush(), late]);
}"""

RRWEB_START = "() => { window.__events = []; window.__stopRecording = rrweb.record({ emit: (e) => window.__events.push(e) }); }"
RRWEB_TAKE = "() => { window.__stopRecording(); return JSON.stringify(window.__events); }"

REPLAY = """async ([events, ms]) => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('replay timed out')), ms));
  return Promise.race([window.replayToEnd(events), late]);
}"""


def library_version(package: str) -> str:
    return str(json.loads((ROOT / "node_modules" / package / "package.json").read_text())["version"])


def build_pages(out: Path, names: list[str]) -> None:
    """Bundle each page with esbuild (production), write its HTML, add the replay harness."""
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    entries = [str(SOURCES / f"{name}.js") for name in names]
    subprocess.run([str(esbuild), *entries, "--bundle", "--minify", "--format=esm", f"--outdir={out}",
                    "--define:process.env.NODE_ENV=\"production\"", "--log-level=warning"],
                   check=True, cwd=ROOT, timeout=120)
    for name in names:
        css = f'<link rel="stylesheet" href="{name}.css">' if (out / f"{name}.css").exists() else ""
        (out / f"{name}.html").write_text(HTML.format(name=name, css=css))
    shutil.copy2(SOURCES / "replay.html", out / "replay.html")
    shutil.copy2(ROOT / "node_modules" / "rrweb" / "dist" / "rrweb.umd.cjs", out / "rrweb.umd.js")


def new_context(browser: Any) -> Any:
    # Headless Chromium draws no scrollbars, so the original and the replay (whose iframe rrweb
    # makes scrolling="no") show the same area; one device pixel per CSS pixel in both.
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, reduced_motion="reduce", color_scheme="light")
    context.set_default_timeout(WAIT_MS)
    return context


def screenshot(page: Any, clip: dict[str, int] | None = None) -> bytes:
    shot: bytes = page.screenshot(animations="disabled", caret="hide", scale="css", clip=clip, timeout=WAIT_MS)
    return shot


def open_page(context: Any, url: str, errors: list[str]) -> Any:
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(url, wait_until="load", timeout=WAIT_MS)
    page.evaluate(READY, WAIT_MS)
    page.mouse.move(VIEWPORT["width"] - 1, VIEWPORT["height"] - 1)  # no hover on any widget
    return page


def record_veil(browser: Any, servers: Any, url: str) -> dict[str, Any]:
    """The page recorded by Veil at allow: its original screenshot and the events that left it."""
    context = new_context(browser)
    capture = VeilCapture(endpoint_contains=servers.endpoint, context=context)
    errors: list[str] = []
    try:
        page = open_page(context, url, errors)
        capture.page = page
        page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
        page.evaluate(VEIL_START, [{"endpoint": servers.endpoint, "clientToken": DEMO_TOKEN, "defaultPrivacy": "allow"}, BOOT_MS])
        page.evaluate(CHANGE)
        original = screenshot(page)
        flushed = page.evaluate(VEIL_FLUSH, WAIT_MS)
        deadline = time.monotonic() + WAIT_MS / 1000
        while not capture.bodies and time.monotonic() < deadline:  # the POST's request event
            page.wait_for_timeout(50)
        events = capture.events()
        stats = page.evaluate("() => Veil.stats()")
    finally:
        context.close()
    if not events:
        raise RuntimeError(f"Veil sent nothing for {url}: flush answered {flushed!r}")
    return {"original": original, "events": events, "errors": errors,
            "wire_bytes": sum(len(b) for b in capture.bodies), "dropped": stats.get("dropped")}


def record_rrweb(browser: Any, servers: Any, url: str) -> dict[str, Any]:
    """The page recorded by rrweb 2.2.2's record (defaults): its original screenshot and events."""
    context = new_context(browser)
    errors: list[str] = []
    try:
        page = open_page(context, url, errors)
        page.add_script_tag(url=servers.site_url + "/fidelity/rrweb.umd.js")
        page.evaluate(RRWEB_START)
        page.evaluate(CHANGE)
        original = screenshot(page)
        events = json.loads(page.evaluate(RRWEB_TAKE))
    finally:
        context.close()
    return {"original": original, "events": events, "errors": errors}


def replay(browser: Any, servers: Any, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Events replayed to their end in rrweb's Replayer, screenshot at the recorded viewport."""
    context = new_context(browser)
    errors: list[str] = []
    try:
        viewer = context.new_page()
        viewer.on("pageerror", lambda err: errors.append(str(err)))
        viewer.goto(servers.site_url + "/fidelity/replay.html", wait_until="load", timeout=WAIT_MS)
        info = viewer.evaluate(REPLAY, [events, WAIT_MS])
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": VIEWPORT["height"]}
        info["screenshot"] = screenshot(viewer, clip)
    finally:
        context.close()
    info["errors"] = errors
    return dict(info)


def compare(comparer: Any, original: bytes, replayed: bytes) -> dict[str, Any]:
    """Pixel similarity of two screenshots (see the module docstring), with a diff image."""
    result: dict[str, Any] = comparer.evaluate("([a, b, t]) => window.comparePngs(a, b, t)",
                                               [base64.b64encode(original).decode(), base64.b64encode(replayed).decode(), TOLERANCE])
    result["similarity"] = result["contentMatched"] / result["content"] if result["content"] else 1.0
    result["viewport_similarity"] = result["matched"] / result["pixels"]
    result["diff_png"] = base64.b64decode(result.pop("diffPng"))
    return result


def event_kinds(events: list[dict[str, Any]]) -> dict[str, int]:
    """How many events of each kind: full snapshots, and incremental ones by rrweb source."""
    names = {0: "mutation", 1: "mouse-move", 2: "mouse-interaction", 3: "scroll", 4: "viewport-resize", 5: "input",
             8: "stylesheet-rule", 13: "style-declaration", 15: "adopted-stylesheet"}
    kinds: Counter[str] = Counter()
    for event in events:
        if event.get("type") == 2:
            kinds["full-snapshot"] += 1
        elif event.get("type") == 3:
            source = event.get("data", {}).get("source")
            kinds[names.get(source, f"source-{source}")] += 1
    return dict(sorted(kinds.items()))


def measure_page(browser: Any, servers: Any, comparer: Any, name: str, shots: Path | None) -> dict[str, Any]:
    url = f"{servers.site_url}/fidelity/{name}.html"
    veil = record_veil(browser, servers, url)
    rrweb = record_rrweb(browser, servers, url)
    result: dict[str, Any] = {"page": name, "library": f"{PAGES[name][0]}@{library_version(PAGES[name][0])}", "kind": PAGES[name][1]}
    for recorder, run in (("veil", veil), ("rrweb", rrweb)):
        played = replay(browser, servers, run["events"])
        score = compare(comparer, run["original"], played["screenshot"])
        result[recorder] = {
            "similarity": score["similarity"], "viewport_similarity": score["viewport_similarity"],
            "mean_abs_diff": score["meanAbsDiff"], "content_pixels": score["content"], "background": score["background"],
            "sizes": score["sizes"], "events": len(run["events"]), "event_kinds": event_kinds(run["events"]),
            "page_errors": run["errors"], "replay_errors": played["errors"], "replay_warnings": played["warnings"],
        }
        if recorder == "veil":
            result[recorder].update(wire_bytes=run["wire_bytes"], dropped=run["dropped"])
        if shots is not None:
            (shots / f"{name}-{recorder}-original.png").write_bytes(run["original"])
            (shots / f"{name}-{recorder}-replay.png").write_bytes(played["screenshot"])
            (shots / f"{name}-{recorder}-diff.png").write_bytes(score["diff_png"])
    floor = compare(comparer, veil["original"], rrweb["original"])
    result["original_vs_original"] = floor["similarity"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGES), default=list(PAGES))
    parser.add_argument("--shots", type=Path, help="write every screenshot and diff image here")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "fidelity-results.json")
    args = parser.parse_args()
    if not (ROOT / "dist" / "veil.js").exists():
        sys.exit("dist/ is not built: run ./dev build (or ./dev bench-fidelity)")
    if args.shots is not None:
        args.shots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        served = Path(tmp) / "fidelity"
        served.mkdir()
        build_pages(served, args.pages)
        servers = start_servers(ROOT / "dist", Path(tmp) / "fidelity.sqlite3", extra_dirs={"/fidelity": served})
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                comparer_context = new_context(browser)
                comparer = comparer_context.new_page()
                comparer.goto(servers.site_url + "/fidelity/replay.html", wait_until="load", timeout=WAIT_MS)
                for name in args.pages:
                    try:  # one page that times out or breaks is reported, the others still measured
                        results.append(measure_page(browser, servers, comparer, name, args.shots))
                        print(f"measured {name}", file=sys.stderr)
                    except (PlaywrightError, RuntimeError) as err:
                        results.append({"page": name, "error": f"{type(err).__name__}: {err}"[:500]})
                        print(f"FAILED {name}: {err}", file=sys.stderr)
                comparer_context.close()
                browser.close()
        finally:
            servers.stop()

    print_table(results)
    args.json.write_text(json.dumps({"viewport": VIEWPORT, "tolerance": TOLERANCE, "results": results}, indent=2) + "\n")
    print(f"\nJSON: {args.json}" + (f"; screenshots: {args.shots}" if args.shots else ""))
    if any("error" in r for r in results):
        sys.exit(1)


def print_table(results: list[dict[str, Any]]) -> None:
    def pct(v: float) -> str:
        return f"{100 * v:.1f}%"

    print(f"Similarity: content pixels matching within {TOLERANCE}/255 per channel (whole {VIEWPORT['width']}x{VIEWPORT['height']} viewport in brackets)")
    print()
    print("| page | library | Veil (allow) | rrweb record | Veil ≥ rrweb? | original vs original |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        if "error" in r:
            print(f"| {r['page']} | {PAGES[r['page']][0]} | - | - | not measured | - |")
            continue
        v, w = r["veil"], r["rrweb"]
        met = "yes" if v["similarity"] >= w["similarity"] else "NO"
        print(f"| {r['page']} | {r['library']} ({r['kind']}) | {pct(v['similarity'])} ({pct(v['viewport_similarity'])}) | "
              f"{pct(w['similarity'])} ({pct(w['viewport_similarity'])}) | {met} | {pct(r['original_vs_original'])} |")
    problems = [(r["page"], rec, key, r[rec][key]) for r in results if "error" not in r for rec in ("veil", "rrweb")
                for key in ("page_errors", "replay_errors") if r[rec][key]]
    problems += [(r["page"], "harness", "error", [r["error"]]) for r in results if "error" in r]
    for page, rec, key, errors in problems:
        print(f"  {page} / {rec}: {key}: {'; '.join(errors)[:300]}")


if __name__ == "__main__":
    main()
