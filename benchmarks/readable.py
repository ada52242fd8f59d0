"""Readable and private: how much of an app's own UI a recording shows, and what of the visitor left.

Run: ./dev bench-readable   (or .venv/bin/python benchmarks/readable.py [--json FILE])

The app (benchmarks/readable/) is a React 19 checkout page bundled here by esbuild (pinned npm
devDependencies, NODE_ENV=production, minified): its labels, options and placeholders are in its
JSX, its messages in an ICU message file (src/messages/en.json), and its visitor's data (with
planted secrets) comes from a JSON API at run time (api/visitor.json, written here). It is served
by the demo site on loopback beside the collector; nothing comes from a CDN.

1. The site-text list: ``python -m veil.allowlist`` over the app's sources (src/) and build output
   (index.html, main.js), timed; its size is printed.
2. The app's static UI strings, independently of any recorder: the page is rendered for two
   different visitors (A and B) and read in document order (every text node outside script,
   style, textarea and noscript, and the placeholder, title, alt, aria-label, aria-description and
   label attributes). What both visitors see alike is a static string; what differs is the
   visitor's data, and where the two share static text of 2 letters or more around it, a
   template (its static parts are what may be shown, each filled slot masked).
3. Each configuration records visitor A's page with Veil in a fresh browser context: after the
   data loaded Veil starts, the benchmark types five values into the form (one field echoes it
   as it is typed), places the order (the confirmation quotes the note) and flushes. The
   recording is judged on what the collector stored (its operator API, decompressed): a static
   string is shown when the stored first full snapshot holds it, at the same place, in clear; a
   template when its static parts are there: with each filled slot masked (its stored text fits
   both visitors' texts with each ``********`` a slot), or in clear with the visitor's data. Every
   planted value and every typed value is then looked for in everything stored (case-insensitive,
   each zq-token of it too).

It prints one table and writes JSON (benchmarks/readable-results.json by default).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from examples.demo.servers import DEMO_TOKEN, start_servers  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from veil import sitetext  # noqa: E402
from veil.allowlist.__main__ import main as allowlist  # noqa: E402
from veil.sitetext import SLOT_MASK, normalize  # noqa: E402

APP = ROOT / "benchmarks" / "readable"
OPERATOR_TOKEN = "bench-readable-operator"
WAIT_MS = 30_000
BOOT_MS = 60_000
LIST_NAME = "veil-site-text.json"

# Visitor A is recorded; B only tells static text from the visitor's. Every planted value of A
# starts with zq (so that any part of it that leaves is found), and B shares no run of 3 characters
# with it. savedCountry is a visitor value that is also a site string (the country menu's): the
# limit the README states, reported on its own line, not among the planted secrets.
VISITOR_A = {
    "firstName": "Zqada", "fullName": "Zqada Lovelace", "city": "Zqlondon", "street": "12 Zqmain Street",
    "postcode": "ZQ1 2AB", "phone": "zq-0199-2046", "accountId": "zqacct-77812", "cardLast4": "zq4242", "cartCount": 3,
    "savedCountry": "Germany",
    "orders": [{"id": "ZQ-1001", "item": "Zqtelescope", "status": "shipped", "total": "€129.00"},
               {"id": "ZQ-1002", "item": "Zqstarchart", "status": "processing", "total": "€19.50"}],
}
VISITOR_B = {
    "firstName": "Bob", "fullName": "Bob Hopper", "city": "Vienna", "street": "7 Ringstrasse", "postcode": "W1 9XY",
    "phone": "+43 1 5555", "accountId": "acct-00001", "cardLast4": "8888", "cartCount": 5, "savedCountry": "France",
    "orders": [{"id": "B-7", "item": "Kite", "status": "shipped", "total": "€8.00"},
               {"id": "B-8", "item": "Yoyo", "status": "processing", "total": "€2.25"}],
}
PLANTED = ["Zqada", "Zqada Lovelace", "Zqlondon", "12 Zqmain Street", "ZQ1 2AB", "zq-0199-2046", "zqacct-77812", "zq4242",
           "ZQ-1001", "ZQ-1002", "Zqtelescope", "Zqstarchart"]
LIMIT_VALUE = "Germany"  # visitor A's saved country, alone in its node, and an option of the site's menu
TYPED = {"#note": "zqnote leave it at the back door", "#promo": "ZQPROMO25", "#gift": "zqgift happy birthday",
         "#phone": "zq555 0142", "#password": "zqhunter2-secret"}
CONFIGS = [
    ("mask (default), no list", {}),
    ("mask (default) + site-text list", "list"),
    ("mask-user-input, no list", {"defaultPrivacy": "mask-user-input"}),
]

CENSUS = """() => {
  const names = ["placeholder", "title", "alt", "aria-label", "aria-description", "label"];
  const skip = new Set(["SCRIPT", "STYLE", "TEXTAREA", "NOSCRIPT"]);
  const out = [];
  const walk = (node) => {
    if (node.nodeType === 3) {
      if (node.nodeValue.trim() && !skip.has(node.parentNode.nodeName)) out.push(["text", node.nodeValue]);
      return;
    }
    if (node.nodeType !== 1) return;
    for (const name of names) if (node.hasAttribute(name)) out.push([name, node.getAttribute(name)]);
    node.childNodes.forEach(walk);
  };
  walk(document.documentElement);
  return out;
}"""

START = """async ([cfg, ms]) => {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error('Veil did not start in time')), ms));
  await Promise.race([Veil.init(cfg), late]);
  return Promise.race([Veil.start(), late]);
}"""


def build_app(out: Path) -> None:
    """The app bundled by esbuild (production), its page and stylesheet beside it."""
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    subprocess.run([str(esbuild), str(APP / "src" / "main.jsx"), "--bundle", "--minify", "--format=esm", "--jsx=automatic",
                    f"--outdir={out}", "--define:process.env.NODE_ENV=\"production\"", "--log-level=warning"],
                   check=True, cwd=ROOT, timeout=120)
    shutil.copy2(APP / "index.html", out / "index.html")
    shutil.copy2(APP / "main.css", out / "main.css")


def serve_visitor(app: Path, visitor: dict[str, Any]) -> None:
    (app / "api").mkdir(exist_ok=True)
    (app / "api" / "visitor.json").write_text(json.dumps(visitor))


def build_list(app: Path) -> dict[str, Any]:
    """``python -m veil.allowlist`` over the app's sources and build output: the list, timed."""
    started = time.perf_counter()
    code = allowlist([str(APP / "src"), str(app / "index.html"), str(app / "main.js"), "--out", str(app / LIST_NAME), "--quiet"])
    seconds = time.perf_counter() - started
    if code != 0:
        raise RuntimeError("python -m veil.allowlist failed")
    data = (app / LIST_NAME).read_bytes()
    listed = json.loads(data)
    import gzip

    return {"bytes": len(data), "gzip_bytes": len(gzip.compress(data, 9)), "strings": len(listed["strings"]),
            "templates": len(listed["templates"]), "seconds": round(seconds, 2), "integrity": sitetext.integrity_of(data)}


def open_app(context: Any, url: str, errors: list[str]) -> Any:
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(url, wait_until="load", timeout=WAIT_MS)
    page.wait_for_selector("h1", timeout=WAIT_MS)  # the visitor's data has arrived
    return page


def census(browser: Any, url: str) -> list[list[str]]:
    context = browser.new_context()
    try:
        errors: list[str] = []
        page = open_app(context, url, errors)
        found: list[list[str]] = page.evaluate(CENSUS)
    finally:
        context.close()
    return found


def static_blocks(a: str, b: str) -> str:
    """The text two visitors' renderings share in runs of 3 characters or more."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return "".join(a[m.a:m.a + m.size] for m in matcher.get_matching_blocks() if m.size >= 3)


def classify(a: list[list[str]], b: list[list[str]]) -> list[dict[str, Any]]:
    """Each entry of visitor A's page: "static", "template" or "data" (see the module's rules)."""
    if [k for k, _ in a] != [k for k, _ in b]:
        raise RuntimeError("the app's page differs in shape between the two visitors")
    out = []
    for (kind, va), (_, vb) in zip(a, b, strict=True):
        na, nb = normalize(va), normalize(vb)
        if na == nb:
            what = "static" if any(c.isalpha() for c in na) else "no letter"
        else:
            what = "template" if sum(c.isalpha() for c in static_blocks(na, nb)) >= 2 else "data"
        out.append({"kind": kind, "a": na, "b": nb, "class": what})
    return out


def fits(shown: str, text: str) -> bool:
    """Whether ``shown`` is ``text`` with filled slots masked: its static parts around ``********``."""
    parts = shown.split(SLOT_MASK)
    if len(parts) < 2:
        return False
    return re.fullmatch(".+".join(re.escape(p) for p in parts), text, re.S) is not None


def stored_entries(node: dict[str, Any], out: list[list[str]], parent: str = "") -> list[list[str]]:
    """A stored snapshot's entries in document order, read as CENSUS reads the live page."""
    if node.get("type") == 3:
        value = node.get("textContent") or ""
        if value.strip() and parent not in ("script", "style", "textarea", "noscript"):
            out.append(["text", value])
        return out
    tag = node.get("tagName", "")
    attributes = node.get("attributes") or {}
    for name in ("placeholder", "title", "alt", "aria-label", "aria-description", "label"):
        if isinstance(attributes.get(name), str):
            out.append([name, attributes[name]])
    for child in node.get("childNodes") or []:
        stored_entries(child, out, tag)
    return out


def fetch_stored(servers: Any, session: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(f"{servers.collector_url}/v1/sessions/{session}/events",
                                     headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        events: list[dict[str, Any]] = json.loads(response.read())
    return events


def leaked(value: str, haystack: str) -> bool:
    folded = value.lower()
    tokens = [t for t in re.split(r"[\s]+", folded) if "zq" in t and len(t) >= 4]
    return folded in haystack or any(t in haystack for t in tokens)


def record(browser: Any, servers: Any, url: str, config: dict[str, Any], truth: list[dict[str, Any]]) -> dict[str, Any]:
    context = browser.new_context()
    errors: list[str] = []
    try:
        page = open_app(context, url, errors)
        page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
        started = page.evaluate(START, [{"endpoint": servers.endpoint, "clientToken": DEMO_TOKEN, **config}, BOOT_MS])
        if started != {"recording": True}:
            raise RuntimeError(f"Veil did not record: {started}")
        page.wait_for_function("Veil.status === 'recording'", timeout=BOOT_MS)
        for selector, value in TYPED.items():
            page.fill(selector, "")
            page.type(selector, value, delay=3)
        page.click("button[type=submit]")
        page.wait_for_selector(".confirmation", timeout=WAIT_MS)
        page.wait_for_timeout(300)
        page.evaluate("() => Veil.flush()")
        page.wait_for_function("Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0", timeout=WAIT_MS)
        stats = page.evaluate("() => Veil.stats()")
        session = page.evaluate("() => JSON.parse(sessionStorage.getItem('veil:session')).id")
    finally:
        context.close()
    events = fetch_stored(servers, session)
    snapshot = next(e for e in events if e["type"] == 2)
    stored = stored_entries(snapshot["data"]["node"], [])
    everything = json.dumps(events, ensure_ascii=False).lower()
    if [k for k, _ in stored] != [e["kind"] for e in truth]:
        raise RuntimeError("the stored snapshot's entries are not the page's: the page changed before the snapshot")
    static = [e for e in truth if e["class"] == "static"]
    templates = [e for e in truth if e["class"] == "template"]
    shown_static = [e for e, (_, s) in zip(truth, stored, strict=True) if e["class"] == "static" and normalize(s) == e["a"]]
    slots_masked = [e for e, (_, s) in zip(truth, stored, strict=True)
                    if e["class"] == "template" and fits(normalize(s), e["a"]) and fits(normalize(s), e["b"])]
    shown_templates = slots_masked + [e for e, (_, s) in zip(truth, stored, strict=True) if e["class"] == "template" and normalize(s) == e["a"]]
    limit_value_shown = any(e["class"] == "data" and e["a"] == LIMIT_VALUE and normalize(s) == LIMIT_VALUE
                            for e, (_, s) in zip(truth, stored, strict=True))
    return {
        "static": len(static), "static_shown": len(shown_static), "templates": len(templates), "templates_shown": len(shown_templates),
        "templates_slots_masked": len(slots_masked),
        "readable": (len(shown_static) + len(shown_templates)) / max(1, len(static) + len(templates)),
        "not_shown": [e["a"] for e in static if e not in shown_static] + [e["a"] for e in templates if e not in shown_templates],
        "planted_left": [v for v in PLANTED if leaked(v, everything)],
        "typed_left": [v for v in TYPED.values() if leaked(v, everything)],
        "limit_value_shown": limit_value_shown,
        "site_text_entries": stats.get("siteTextEntries", 0), "site_text_failures": stats.get("siteTextFailures", 0),
        "dropped": stats.get("dropped", 0), "page_errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "readable-results.json")
    args = parser.parse_args()
    if not (ROOT / "dist" / "veil.js").exists():
        sys.exit("dist/ is not built: run ./dev build (or ./dev bench-readable)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        served = Path(tmp) / "served"
        app_a, app_b = served / "app", served / "app-b"
        app_a.mkdir(parents=True)
        build_app(app_a)
        shutil.copytree(app_a, app_b)
        serve_visitor(app_a, VISITOR_A)
        serve_visitor(app_b, VISITOR_B)
        the_list = build_list(app_a)
        servers = start_servers(ROOT / "dist", Path(tmp) / "readable.sqlite3", extra_dirs={"/bench": served},
                                operator_token=OPERATOR_TOKEN)
        results = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                truth = classify(census(browser, servers.site_url + "/bench/app/"), census(browser, servers.site_url + "/bench/app-b/"))
                for name, config in CONFIGS:
                    if config == "list":
                        config = {"allowTextUrl": "/bench/app/" + LIST_NAME, "allowTextIntegrity": the_list["integrity"]}
                    results.append({"config": name, **record(browser, servers, servers.site_url + "/bench/app/", config, truth)})
                    print(f"measured {name}", file=sys.stderr)
                browser.close()
        finally:
            servers.stop()
    react = json.loads((ROOT / "node_modules" / "react" / "package.json").read_text())["version"]
    print_table(results, the_list, react)
    args.json.write_text(json.dumps({"list": the_list, "react": react, "results": results}, indent=2, ensure_ascii=False) + "\n")
    print(f"\nJSON: {args.json}")


def print_table(results: list[dict[str, Any]], the_list: dict[str, Any], react: str) -> None:
    first = results[0]
    print(f"App: React {react} checkout page, bundled by esbuild; {first['static']} static UI strings and {first['templates']} "
          f"templates on the page, {len(PLANTED)} planted visitor values, {len(TYPED)} typed values.")
    print(f"Site-text list (python -m veil.allowlist over src/, index.html, main.js): {the_list['strings']} strings, "
          f"{the_list['templates']} templates, {the_list['bytes']} bytes ({the_list['gzip_bytes']} gzip), "
          f"built in {the_list['seconds']} s")
    print()
    print("| Veil at | static strings shown | templates shown | their filled slots | readable | planted values left | typed values left |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        slots = "-" if not r["templates_shown"] else "masked" if r["templates_slots_masked"] == r["templates_shown"] else \
            "in clear" if not r["templates_slots_masked"] else f"{r['templates_slots_masked']} masked"
        print(f"| {r['config']} | {r['static_shown']}/{r['static']} | {r['templates_shown']}/{r['templates']} | {slots} | "
              f"{100 * r['readable']:.1f}% | {len(r['planted_left'])}/{len(PLANTED)} | {len(r['typed_left'])}/{len(TYPED)} |")
    print()
    for r in results:
        limit = "shown" if r["limit_value_shown"] else "masked"
        print(f"{r['config']}: visitor value equal to a site string ({LIMIT_VALUE!r} alone in its node): {limit}"
              + (f"; not shown: {r['not_shown']}" if r["not_shown"] and r["readable"] > 0.5 else "")
              + (f"; left: {r['planted_left'] + r['typed_left']}" if r["planted_left"] or r["typed_left"] else "")
              + (f"; page errors: {r['page_errors']}" if r["page_errors"] else ""))


if __name__ == "__main__":
    main()
