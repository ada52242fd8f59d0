"""Delivery of dist/ to a real Chromium: precompressed files, the right types, and a repeat visit
that downloads nothing but a revalidated veil.js."""

from tests.browser.conftest import wait_recording

PREFIX = "/static/veil/"


def visit(context, servers):
    seen = {}

    def finished(request):
        if PREFIX in request.url:
            response = request.response()
            seen[request.url.split(PREFIX, 1)[1]] = (response.status, response.all_headers(), request.sizes()["responseBodySize"])

    context.on("requestfinished", finished)
    page = context.new_page()
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.wait_for_timeout(300)
    context.remove_listener("requestfinished", finished)
    page.close()
    return seen


def test_first_visit_is_brotli_with_types_and_cache_headers_and_a_repeat_visit_downloads_nothing(context, servers):
    first = visit(context, servers)
    wasm = next(rel for rel in first if rel.endswith("pyodide.asm.wasm"))
    assert wasm.startswith("pyodide-")
    status, headers, body = first[wasm]
    # Chromium advertises br to loopback (a secure context), so the .br sibling is what crosses.
    assert status == 200 and headers["content-encoding"] == "br" and headers["content-type"] == "application/wasm"
    assert headers["cache-control"] == "public, max-age=31536000, immutable" and "accept-encoding" in headers["vary"].lower()
    assert body < 3_000_000
    worker = next(rel for rel in first if rel.endswith("veil-worker.mjs"))
    assert first[worker][1]["content-type"].startswith("text/javascript")
    assert first["veil.js"][1]["cache-control"] == "no-cache"
    assert not [rel for rel in first if "micropip" in rel or rel.endswith("pyodide-lock.json")]

    again = visit(context, servers)
    downloaded = {rel: status for rel, (status, _, body) in again.items() if body > 0}
    assert downloaded == {}, downloaded
    assert all(status in (200, 304) for status, _, _ in again.values())
    if "veil.js" in again:
        assert again["veil.js"][0] in (200, 304)


def test_the_runtime_is_requested_only_after_the_load_event_has_finished(context, servers):
    started: list[float] = []
    context.on("requestfinished", lambda r: started.append(r.timing["startTime"]) if "/static/veil/" in r.url
               and not r.url.endswith(("/veil.js", "/veil.mjs")) else None)
    page = context.new_page()
    # The page holds its load event up for a while: the runtime must wait for it, not race it.
    page.add_init_script("window.addEventListener('load', () => { const t = performance.now(); while (performance.now() - t < 300); });")
    page.goto(servers.site_url + "/")
    wait_recording(page)
    page.wait_for_timeout(300)
    load_end = page.evaluate("performance.timeOrigin + performance.getEntriesByType('navigation')[0].loadEventEnd")
    assert started, "no runtime file was requested"
    assert min(started) >= load_end, f"runtime requested {load_end - min(started):.1f} ms before the load event ended"
