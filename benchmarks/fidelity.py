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
     default) or rrweb 2.2.2's ``record`` with its defaults (plus what a page of PAGE_SETUP asks for);
  3. run the page's change(), let it settle, screenshot the page (the original);
  4. collect the recording: Veil's batches as they left the page (decompressed), or rrweb's events;
  5. replay it to its end in rrweb 2.2.2's Replayer at the recorded viewport, in a page of its
     own (benchmarks/fidelity/replay.html), wait for fonts, images and two frames, screenshot it.
Animations, transitions and the caret are off in both (page CSS, Playwright's screenshot options,
reduced motion), and nothing is focused or hovered.

Three pages show what recorders usually leave blank (``PAGE_SETUP``):
  chartjs  Chart.js canvases animating while recorded. rrweb records canvas only when asked: it
           runs with recordCanvas and 2 image frames a second (its own sampling) and replays with
           UNSAFE_replayCanvas (scripts in its replay); Veil's frames replay with the collector
           viewer's canvas plugin (benchmarks/fidelity/replay.html loads canvas-replay.js), no
           script in the replay. The harness waits for the last frame before collecting. A row of
           its own counts long tasks (PerformanceObserver "longtask") on the page's thread while
           the charts animate, with each recorder.
  iframe   a page embedding a widget from a second loopback origin (a second site server): the
           recorder runs in both; Veil with iframeOrigins/parentOrigin (the child's batches reach
           the parent after the handshake), rrweb with recordCrossOriginIframes in both.
  closed   web components with closed shadow roots; the page inlines Veil's loader snippet first
           in <head> (it keeps the roots for Veil's observer). rrweb cannot record closed roots
           at all: Veil must reach 95% there.

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
    "chartjs": ("chart.js", "canvas charts, animating, at allow"),
    "iframe": ("", "cross-origin iframe, both origins recording"),
    "closed": ("", "web components, closed shadow roots, loader snippet"),
}
# What a page needs beyond the defaults: rrweb's record options and how its canvas events replay,
# a child page on the second origin, the loader snippet in <head>, a wait for canvas frames
# before collecting, long tasks counted while it animates; and whether rrweb can record it at all.
PAGE_SETUP: dict[str, dict[str, Any]] = {
    "chartjs": {"rrweb": {"recordCanvas": True, "sampling": {"canvas": 2}},
                "rrweb_canvas": "unsafe", "collect_wait_ms": 1500, "long_tasks": True},
    "iframe": {"child": "iframe-child", "rrweb": {"recordCrossOriginIframes": True}},
    "closed": {"loader": True, "rrweb_cannot": True},
}
EXTRA_ENTRIES = ("iframe-child",)  # bundled, but not pages of their own

HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name}</title>{loader}{css}</head>
<body><script type="module" src="{name}.js"></script></body></html>
"""
SECOND_ORIGIN_HOST = "127.0.0.1"  # the iframe's origin: the same loopback address on another port

# Each script takes its time limit as an argument: Playwright's evaluate itself never times out.
READY = """async (ms) => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('page script timed out')), ms));
  await Promise.race([new Promise((resolve) => { const poll = () => window.fidelity ? resolve() : setTimeout(poll, 20); poll(); }), late]);
  await window.fidelity.ready;
}"""

# The page's change() bounds its own waits (benchmarks/fidelity/common.js).
CHANGE = "() => window.fidelity.change()"

# Long tasks while the page animates, and in each long animation frame (LoAF, with its scripts'
# attribution) the time spent in Veil's own scripts (their URL is under /static/veil/).
LONG_TASKS = """() => {
  window.__longTasks = [];
  window.__veilInLongFrames = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: "longtask" });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const veil = (e.scripts || []).filter((s) => (s.sourceURL || "").includes("/static/veil/")).reduce((t, s) => t + s.duration, 0);
        window.__veilInLongFrames.push(veil);
      }
    }).observe({ type: "long-animation-frame" });
  } catch (e) { /* no LoAF in this browser */ }
}"""

VEIL_START = """async ([cfg, ms]) => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('Veil.start timed out')), ms));
  await Promise.race([Veil.init(cfg).then(() => Veil.start()), late]);
  if (Veil.status !== 'recording') throw new Error('Veil is ' + Veil.status + ', not recording');
}"""

VEIL_FLUSH = """async (ms) => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('Veil.flush timed out')), ms));
  return Promise.race([Veil.flush(), late]);
}"""

RRWEB_START = "(options) => { window.__events = []; window.__stopRecording = rrweb.record({ ...options, emit: (e) => window.__events.push(e) }); }"
RRWEB_TAKE = "() => { window.__stopRecording(); return JSON.stringify(window.__events); }"

REPLAY = """async ([events, canvas, ms]) => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('replay timed out')), ms));
  return Promise.race([window.replayToEnd(events, canvas), late]);
}"""


def library_version(package: str) -> str:
    return str(json.loads((ROOT / "node_modules" / package / "package.json").read_text())["version"])


def build_pages(out: Path, names: list[str]) -> None:
    """Bundle each page with esbuild (production), write its HTML, add the replay harness."""
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    children = [PAGE_SETUP[n]["child"] for n in names if "child" in PAGE_SETUP.get(n, {})]
    entries = [str(SOURCES / f"{name}.js") for name in names + children]
    subprocess.run([str(esbuild), *entries, "--bundle", "--minify", "--format=esm", f"--outdir={out}",
                    "--define:process.env.NODE_ENV=\"production\"", "--log-level=warning"],
                   check=True, cwd=ROOT, timeout=120)
    for name in names + children:
        css = f'<link rel="stylesheet" href="{name}.css">' if (out / f"{name}.css").exists() else ""
        # The loader snippet first in <head>, as the README recommends: before the page's components.
        loader = f"<script>\n{loader_snippet()}</script>" if PAGE_SETUP.get(name, {}).get("loader") else ""
        (out / f"{name}.html").write_text(HTML.format(name=name, css=css, loader=loader))
    shutil.copy2(SOURCES / "replay.html", out / "replay.html")
    shutil.copy2(ROOT / "sdk" / "veil_collector" / "viewer" / "canvas-replay.js", out / "canvas-replay.js")
    shutil.copy2(ROOT / "node_modules" / "rrweb" / "dist" / "rrweb.umd.cjs", out / "rrweb.umd.js")


def loader_snippet() -> str:
    """shim/loader.js with dist/'s integrity of veil.js (build.py's loader_snippet)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("veil_build", ROOT / "build.py")
    build = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(build)  # type: ignore[union-attr]
    integrity = json.loads((ROOT / "dist" / "manifest.json").read_text())["files"]["veil.js"]["sha384"]
    return str(build.loader_snippet(integrity))


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


def child_frame(page: Any, setup: dict[str, Any]) -> Any:
    """The page's iframe on the second origin, its widgets ready (None for a page without one)."""
    if "child" not in setup:
        return None
    frame = next(f for f in page.frames if f.parent_frame is not None and f.url.endswith(f"/{setup['child']}.html"))
    frame.evaluate(READY, WAIT_MS)
    return frame


def change(page: Any, frame: Any, long_tasks: bool) -> dict[str, Any]:
    """The page's change() (and its iframe's); when asked for, the long tasks meanwhile (ms), how many
    long animation frames, and Veil's own script time in each of those that ran any (ms)."""
    if long_tasks:
        page.evaluate(LONG_TASKS)
    page.evaluate(CHANGE)
    if frame is not None:
        frame.evaluate(CHANGE)
    if not long_tasks:
        return {}
    page.wait_for_timeout(200)  # the last entries' delivery
    tasks, frames = page.evaluate("() => [window.__longTasks || [], window.__veilInLongFrames || []]")
    return {"long_tasks_ms": [round(t, 1) for t in tasks], "long_frames": len(frames),
            "veil_ms_in_long_frames": [round(t, 1) for t in frames if t > 0]}


def record_veil(browser: Any, servers: Any, url: str, setup: dict[str, Any], origins: tuple[str, str]) -> dict[str, Any]:
    """The page recorded by Veil at allow: its original screenshot and the events that left it."""
    context = new_context(browser)
    capture = VeilCapture(endpoint_contains=servers.endpoint, context=context)
    errors: list[str] = []
    try:
        page = open_page(context, url, errors)
        capture.page = page
        if not setup.get("loader"):  # else the loader snippet in the page's <head> brings veil.js
            page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
        config = {"endpoint": servers.endpoint, "clientToken": DEMO_TOKEN, "defaultPrivacy": "allow"}
        frame = child_frame(page, setup)
        if frame is not None:
            config["iframeOrigins"] = [origins[1]]
        page.evaluate(VEIL_START, [config, BOOT_MS])
        if frame is not None:  # the widget's own Veil, its own config, handing its recording to the page
            frame.add_script_tag(url=origins[1] + "/static/veil/veil.js")
            frame.evaluate(VEIL_START, [{"endpoint": servers.endpoint, "clientToken": DEMO_TOKEN, "defaultPrivacy": "allow",
                                         "consent": "not-required", "parentOrigin": origins[0]}, BOOT_MS])
        long_tasks = change(page, frame, setup.get("long_tasks", False))
        page.wait_for_timeout(setup.get("collect_wait_ms", 0))  # the last canvas frame's way to the worker
        original = screenshot(page)
        if frame is not None:
            hand_over_child(page, frame)
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
    return {"original": original, "events": events, "errors": errors, "long_tasks": long_tasks,
            "wire_bytes": sum(len(b) for b in capture.bodies), "dropped": stats.get("dropped"), "stats": stats}


def hand_over_child(page: Any, frame: Any) -> None:
    """Flush the child's Veil until its batch went to the page (after the handshake), and wait for the
    page's core to take it."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if frame.evaluate(VEIL_FLUSH, WAIT_MS).get("sent") and page.evaluate("Veil.stats().iframeBatches") > 0:
            page.wait_for_timeout(300)
            return
        page.wait_for_timeout(250)
    raise RuntimeError("the iframe's Veil never handed its recording to the page")


def record_rrweb(browser: Any, servers: Any, url: str, setup: dict[str, Any], origins: tuple[str, str]) -> dict[str, Any]:
    """The page recorded by rrweb 2.2.2's record (its defaults, plus what the page asks for)."""
    context = new_context(browser)
    errors: list[str] = []
    options = setup.get("rrweb", {})
    try:
        page = open_page(context, url, errors)
        page.add_script_tag(url=servers.site_url + "/fidelity/rrweb.umd.js")
        page.evaluate(RRWEB_START, options)
        frame = child_frame(page, setup)
        if frame is not None:  # the child records too, passing its events to the page
            frame.add_script_tag(url=origins[1] + "/fidelity/rrweb.umd.js")
            frame.evaluate(RRWEB_START, options)
        long_tasks = change(page, frame, setup.get("long_tasks", False))
        page.wait_for_timeout(setup.get("collect_wait_ms", 0))
        original = screenshot(page)
        events = json.loads(page.evaluate(RRWEB_TAKE))
    finally:
        context.close()
    return {"original": original, "events": events, "errors": errors, "long_tasks": long_tasks}


def long_tasks_without_a_recorder(browser: Any, url: str) -> dict[str, Any]:
    """The page's own long tasks while it animates, with no recorder: the baseline of the row."""
    context = new_context(browser)
    try:
        page = open_page(context, url, [])
        return change(page, None, True)
    finally:
        context.close()


def replay(browser: Any, servers: Any, events: list[dict[str, Any]], canvas: str | None) -> dict[str, Any]:
    """Events replayed to their end in rrweb's Replayer, screenshot at the recorded viewport."""
    context = new_context(browser)
    errors: list[str] = []
    try:
        viewer = context.new_page()
        viewer.on("pageerror", lambda err: errors.append(str(err)))
        viewer.goto(servers.site_url + "/fidelity/replay.html", wait_until="load", timeout=WAIT_MS)
        info = viewer.evaluate(REPLAY, [events, canvas, WAIT_MS])
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
             8: "stylesheet-rule", 9: "canvas", 13: "style-declaration", 15: "adopted-stylesheet"}
    kinds: Counter[str] = Counter()
    for event in events:
        if event.get("type") == 2:
            kinds["full-snapshot"] += 1
        elif event.get("type") == 3:
            source = event.get("data", {}).get("source")
            kinds[names.get(source, f"source-{source}")] += 1
    return dict(sorted(kinds.items()))


def measure_page(browser: Any, servers: Any, comparer: Any, name: str, shots: Path | None,
                 origins: tuple[str, str] | None = None) -> dict[str, Any]:
    """One page measured; ``origins``: the page's and the second origin (needed by a page with a child)."""
    setup = PAGE_SETUP.get(name, {})
    origins = origins or (servers.site_url, servers.site_url)
    url = f"{servers.site_url}/fidelity/{name}.html"
    if "child" in setup:
        url += f"?child={origins[1]}/fidelity/{setup['child']}.html"
    veil = record_veil(browser, servers, url, setup, origins)
    rrweb = record_rrweb(browser, servers, url, setup, origins)
    package = PAGES[name][0]
    result: dict[str, Any] = {"page": name, "library": f"{package}@{library_version(package)}" if package else "(vanilla)",
                              "kind": PAGES[name][1], "rrweb_options": setup.get("rrweb", {}),
                              "rrweb_cannot_record": bool(setup.get("rrweb_cannot"))}
    for recorder, run in (("veil", veil), ("rrweb", rrweb)):
        played = replay(browser, servers, run["events"], "plugin" if recorder == "veil" else setup.get("rrweb_canvas"))
        score = compare(comparer, run["original"], played["screenshot"])
        result[recorder] = {
            "similarity": score["similarity"], "viewport_similarity": score["viewport_similarity"],
            "mean_abs_diff": score["meanAbsDiff"], "content_pixels": score["content"], "background": score["background"],
            "sizes": score["sizes"], "events": len(run["events"]), "event_kinds": event_kinds(run["events"]),
            "page_errors": run["errors"], "replay_errors": played["errors"], "replay_warnings": played["warnings"],
        }
        if recorder == "veil":
            result[recorder].update(wire_bytes=run["wire_bytes"], dropped=run["dropped"])
            if setup.get("long_tasks") or "child" in setup:
                result[recorder]["stats"] = {k: v for k, v in run["stats"].items() if k.startswith(("canvas", "iframe"))}
        if setup.get("long_tasks"):
            result[recorder]["while_animating"] = run["long_tasks"]
        if shots is not None:
            (shots / f"{name}-{recorder}-original.png").write_bytes(run["original"])
            (shots / f"{name}-{recorder}-replay.png").write_bytes(played["screenshot"])
            (shots / f"{name}-{recorder}-diff.png").write_bytes(score["diff_png"])
    if setup.get("long_tasks"):
        result["no_recorder_while_animating"] = long_tasks_without_a_recorder(browser, url)
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
        second = second_origin(served)
        origins = (servers.site_url, second[0])
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                comparer_context = new_context(browser)
                comparer = comparer_context.new_page()
                comparer.goto(servers.site_url + "/fidelity/replay.html", wait_until="load", timeout=WAIT_MS)
                for name in args.pages:
                    try:  # one page that times out or breaks is reported, the others still measured
                        results.append(measure_page(browser, servers, comparer, name, args.shots, origins))
                        print(f"measured {name}", file=sys.stderr)
                    except (PlaywrightError, RuntimeError) as err:
                        results.append({"page": name, "error": f"{type(err).__name__}: {err}"[:500]})
                        print(f"FAILED {name}: {err}", file=sys.stderr)
                comparer_context.close()
                browser.close()
        finally:
            second[1].stop()
            servers.stop()

    print_table(results)
    args.json.write_text(json.dumps({"viewport": VIEWPORT, "tolerance": TOLERANCE, "results": results}, indent=2) + "\n")
    print(f"\nJSON: {args.json}" + (f"; screenshots: {args.shots}" if args.shots else ""))
    if any("error" in r for r in results):
        sys.exit(1)


def second_origin(served: Path) -> tuple[str, Any]:
    """The iframe page's origin: dist/ and the pages again, on another loopback port."""
    from examples.demo.servers import _ThreadedServer, free_port, site_app

    port = free_port()
    server = _ThreadedServer(site_app(ROOT / "dist", "/v1/batches", DEMO_TOKEN, {"/fidelity": served}), port)
    server.start()
    return f"http://{SECOND_ORIGIN_HOST}:{port}", server


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
        if r.get("rrweb_cannot_record"):
            met += " (≥ 95%: " + ("yes" if v["similarity"] >= 0.95 else "NO") + ")"
        print(f"| {r['page']} | {r['library']} ({r['kind']}) | {pct(v['similarity'])} ({pct(v['viewport_similarity'])}) | "
              f"{pct(w['similarity'])} ({pct(w['viewport_similarity'])}) | {met} | {pct(r['original_vs_original'])} |")
    for r in results:
        if "error" not in r and "while_animating" in r["veil"]:
            none, v, w = r["no_recorder_while_animating"], r["veil"]["while_animating"], r["rrweb"]["while_animating"]
            veil_own = v["veil_ms_in_long_frames"]
            print(f"\nWhile {r['page']} animates, long tasks (> 50 ms) on the page's thread: no recorder {len(none['long_tasks_ms'])}, "
                  f"Veil {len(v['long_tasks_ms'])}, rrweb {len(w['long_tasks_ms'])} (longest {max(none['long_tasks_ms'], default=0)}, "
                  f"{max(v['long_tasks_ms'], default=0)}, {max(w['long_tasks_ms'], default=0)} ms); Veil's own scripts in the "
                  f"{v['long_frames']} long animation frames: {len(veil_own)} frames, longest {max(veil_own, default=0)} ms, "
                  f"long tasks of Veil's own: {sum(1 for t in veil_own if t >= 50)}. Veil's canvas: {r['veil'].get('stats', {})}")
    problems = [(r["page"], rec, key, r[rec][key]) for r in results if "error" not in r for rec in ("veil", "rrweb")
                for key in ("page_errors", "replay_errors") if r[rec][key]]
    problems += [(r["page"], "harness", "error", [r["error"]]) for r in results if "error" in r]
    for page, rec, key, errors in problems:
        print(f"  {page} / {rec}: {key}: {'; '.join(errors)[:300]}")


if __name__ == "__main__":
    main()
