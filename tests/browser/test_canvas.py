"""Canvas frames in Chromium, judged on what the collector stored.

tests/browser/assets/canvas.html draws planted text on the left half of a 2D canvas and bars on
its right half, and animates a WebGL canvas without preserveDrawingBuffer. At ``mask`` no pixel of
either may leave; at ``allow`` frames leave as rrweb's CanvasMutation, with the page's
canvasMaskRegions painted over every one of them, and none when the hook fails. The stored frames
are decoded in Chromium and their pixels read; the recording is replayed in rrweb's Replayer
(rrweb's own canvas replay) and in the collector's viewer, whose replay runs no script.
"""

from __future__ import annotations

import json
from typing import Any

from tests.browser.conftest import ARTIFACTS, OPERATOR_TOKEN
from tests.browser.test_context import stored
from veil.contract import CANVAS_BYTES_PER_SECOND, CANVAS_MASK_COLOR

MASK_RGB = tuple(int(CANVAS_MASK_COLOR[i:i + 2], 16) for i in (1, 3, 5))
REGION = {"x": 0, "y": 0, "width": 200, "height": 200}  # the chart's left half, where the planted text is

START = """async ([cfg, hook]) => {
  if (hook === "region") cfg.canvasMaskRegions = (c) => (c.id === "chart" ? [REGION] : []);
  if (hook === "throws") cfg.canvasMaskRegions = () => { throw new Error("zq hook failed"); };
  if (hook === "null") cfg.canvasMaskRegions = () => null;
  await Veil.init(cfg);
  return Veil.start();
}""".replace("REGION", json.dumps(REGION))

# Pixels of an image (base64 of ``type``) in a rectangle: how many match an RGB within a tolerance,
# how many are transparent, and the distinct colours seen (rounded), for the checks below.
PIXELS = """async ([b64, type, rect, rgb, tolerance]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0);
  if (rect.fraction) rect = { x: Math.round(rect.x * bitmap.width), y: Math.round(rect.y * bitmap.height),
    width: Math.round(rect.width * bitmap.width), height: Math.round(rect.height * bitmap.height) };
  const data = ctx.getImageData(rect.x, rect.y, rect.width, rect.height).data;
  let matching = 0, transparent = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) transparent++;
    if (Math.abs(data[i] - rgb[0]) <= tolerance && Math.abs(data[i + 1] - rgb[1]) <= tolerance && Math.abs(data[i + 2] - rgb[2]) <= tolerance) matching++;
    colours.add([data[i] >> 4, data[i + 1] >> 4, data[i + 2] >> 4].join());
  }
  return { size: [bitmap.width, bitmap.height], pixels: data.length / 4, matching, transparent, colours: colours.size };
}"""


def record(page, servers, capture, level: str, hook: str | None = None, animate_ms: int = 2500) -> list[dict[str, Any]]:
    """Record the canvas page while it animates; the events the collector stored."""
    page.goto(servers.site_url + "/test-assets/canvas.html")
    page.wait_for_load_state("load")
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    cfg = {"endpoint": servers.endpoint, "clientToken": "demo-client-token", "defaultPrivacy": level}
    assert page.evaluate(START, [cfg, hook]) == {"recording": True}
    page.evaluate("ms => window.animate(ms)", animate_ms)
    page.wait_for_timeout(700)  # the last frame's way through the worker
    page.evaluate("() => Veil.flush()")
    session = capture.batches()[0]["session"]
    return stored(servers, session)


def node_ids(events: list[dict[str, Any]]) -> dict[str, int]:
    """Element id attribute -> node id, from the first full snapshot."""
    found: dict[str, int] = {}
    stack = [next(e for e in events if e["type"] == 2)["data"]["node"]]
    while stack:
        node = stack.pop()
        if node.get("type") == 2 and "id" in node.get("attributes", {}):
            found[node["attributes"]["id"]] = node["id"]
        stack.extend(node.get("childNodes", []))
    return found


def frames(events: list[dict[str, Any]], node_id: int) -> list[dict[str, Any]]:
    """The stored frames of one canvas: {type, base64, width, height}."""
    out = []
    for e in events:
        if e["type"] == 3 and e["data"].get("source") == 9 and e["data"]["id"] == node_id:
            clear, draw = e["data"]["commands"]
            blob = draw["args"][0]["args"][0]
            out.append({"type": blob["type"], "base64": blob["data"][0]["base64"], "width": draw["args"][3], "height": draw["args"][4]})
    return out


def pixels(page, frame: dict[str, Any], rect: dict[str, int], rgb, tolerance: int = 10) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(PIXELS, [frame["base64"], frame["type"], rect, list(rgb), tolerance])
    return result


def test_no_pixel_of_a_canvas_leaves_at_mask(page, servers, capture):
    events = record(page, servers, capture, "mask")
    stored_text = json.dumps(events)
    assert not [e for e in events if e["type"] == 3 and e["data"].get("source") == 9], "a canvas frame left at mask"
    for marker in ("rr_dataURL", "base64", "data:image", "ZQCANVASSECRET"):
        assert marker not in stored_text and marker not in capture.wire_text(), marker
    ids = node_ids(events)
    snapshot = json.dumps(next(e for e in events if e["type"] == 2))
    assert snapshot.count("veil-placeholder") >= 2, "each canvas is a sized placeholder"
    assert ids["chart"] and ids["gl"]
    stats = page.evaluate("() => Veil.stats()")
    assert stats["canvasFrames"] == 0 and stats["canvasBytes"] == 0


def test_at_allow_every_stored_frame_has_the_hooks_region_painted_over(page, servers, capture):
    events = record(page, servers, capture, "allow", hook="region")
    chart = frames(events, node_ids(events)["chart"])
    assert len(chart) >= 3, f"an animating canvas is recorded at a bounded rate: {len(chart)} frames"
    assert len(chart) <= 2.5 / 0.5 + 3, "at most one frame per 500 ms (plus the resend after the snapshot)"
    region_pixels = REGION["width"] * REGION["height"]
    for frame in chart:
        assert frame["type"] == "image/png" and (frame["width"], frame["height"]) == (400, 200)  # a drawing: lossless
        region = pixels(page, frame, REGION, MASK_RGB, tolerance=0)
        assert region["size"] == [400, 200]
        assert region["matching"] == region_pixels, f"the region is not painted over in a stored frame: {region}"
        bars = pixels(page, frame, {"x": 200, "y": 0, "width": 200, "height": 200}, MASK_RGB)
        assert bars["matching"] < bars["pixels"] / 10 and bars["colours"] >= 2, "the rest of the canvas is recorded"
    assert len({f["base64"] for f in chart}) >= 3, "frames follow the animation"
    stats = page.evaluate("() => Veil.stats()")
    assert stats["canvasFrames"] >= len(chart) and 0 < stats["canvasBytesPerSecond"] <= CANVAS_BYTES_PER_SECOND
    assert stats["canvasBytes"] >= sum(len(f["base64"]) for f in chart)


def test_a_hook_that_throws_or_returns_null_sends_no_frame(page, servers, capture, context):
    for hook in ("throws", "null"):
        events = record(page, servers, capture, "allow", hook=hook)
        ids = node_ids(events)
        assert frames(events, ids["chart"]) == [] and frames(events, ids["gl"]) == [], hook
        stats = page.evaluate("() => Veil.stats()")
        assert stats["canvasFrames"] == 0 and stats["canvasSkipped"] >= 2, (hook, stats)
        if hook == "throws":
            assert stats["errors"] >= 1  # the page's hook failing is reported (Veil.on("error"))
        capture.bodies.clear()
        page = context.new_page()


def test_a_webgl_canvas_without_preserve_drawing_buffer_is_recorded(page, servers, capture):
    events = record(page, servers, capture, "allow")
    gl = frames(events, node_ids(events)["gl"])
    assert len(gl) >= 2
    whole = {"x": 0, "y": 0, "width": 200, "height": 100}
    for frame in gl:
        seen = pixels(page, frame, whole, (0, 0, 0), tolerance=0)
        assert seen["transparent"] == 0, "a WebGL frame read after its buffer was presented (blank)"
    assert len({f["base64"] for f in gl}) == len(gl), "each frame shows the animation at another moment"
    colours = [pixels(page, f, whole, (0, 0, 0))["colours"] for f in gl]
    assert colours == [1] * len(gl), "a frame is the one colour the canvas was cleared to"


def shown(page, locator) -> dict[str, Any]:
    """What a replayed canvas looks like on screen (an element screenshot, as the viewer's user
    sees it): the hook's region (the left half, inside its edges) and the bars (the right half)."""
    import base64

    png = base64.b64encode(locator.screenshot()).decode()
    frame = {"type": "image/png", "base64": png}
    region = pixels(page, frame, {"fraction": True, "x": 0.02, "y": 0.04, "width": 0.45, "height": 0.9}, MASK_RGB, 12)
    bars = pixels(page, frame, {"fraction": True, "x": 0.52, "y": 0.0, "width": 0.46, "height": 1.0}, (255, 255, 255), 10)
    return {"region": region["matching"] / region["pixels"], "bars": 1 - bars["matching"] / bars["pixels"], "colours": bars["colours"]}


def test_canvas_frames_replay_in_rrwebs_replayer_and_in_the_viewer_without_scripts(page, servers, capture, context):
    events = record(page, servers, capture, "allow", hook="region")
    for mode in ("unsafe", "plugin"):  # rrweb's own canvas replay (scripts allowed), and the viewer's plugin (none)
        viewer = context.new_page()
        errors: list[str] = []
        viewer.on("pageerror", lambda err, errors=errors: errors.append(str(err)))
        viewer.goto(servers.site_url + "/test-assets/replay.html")
        viewer.evaluate("([events, mode]) => window.replayEvents(events, { canvas: mode })", [events, mode])
        viewer.wait_for_timeout(600)  # images decode asynchronously
        seen = shown(page, viewer.frame_locator(".replayer-wrapper iframe").locator("#chart"))
        assert seen["region"] > 0.98 and seen["bars"] > 0.05 and seen["colours"] >= 3, (mode, seen)
        sandbox = viewer.locator(".replayer-wrapper iframe").get_attribute("sandbox") or ""
        assert ("allow-scripts" in sandbox) == (mode == "unsafe")
        assert errors == []
        viewer.close()

    session = capture.batches()[0]["session"]
    viewer = context.new_page()
    viewer.goto(f"{servers.collector_url}/viewer/#session={session}&token={OPERATOR_TOKEN}")
    viewer.wait_for_function("s => window.veilViewer && window.veilViewer.session === s", arg=session, timeout=15_000)
    viewer.evaluate("() => { const p = window.veilViewer.player; p.goto(p.getMetaData().totalTime, false); }")
    viewer.wait_for_timeout(800)
    sandbox = viewer.locator(".rr-player iframe").get_attribute("sandbox") or ""
    assert "allow-scripts" not in sandbox, "the viewer's replay must run no script"
    seen = shown(page, viewer.frame_locator(".rr-player iframe").locator("#chart"))
    assert seen["region"] > 0.95 and seen["bars"] > 0.05 and seen["colours"] >= 3, seen
    ARTIFACTS.mkdir(exist_ok=True)
    viewer.screenshot(path=str(ARTIFACTS / "viewer-canvas.png"))


def test_stop_restores_the_drawing_methods_and_reads_no_canvas_after(page, servers, capture):
    page.add_init_script("""window.__native = [CanvasRenderingContext2D.prototype.fillRect, WebGLRenderingContext.prototype.clear,
      WebGL2RenderingContext.prototype.drawArrays];""")
    record(page, servers, capture, "allow", animate_ms=800)
    wrapped = """() => [CanvasRenderingContext2D.prototype.fillRect, WebGLRenderingContext.prototype.clear,
      WebGL2RenderingContext.prototype.drawArrays].map((f, i) => f === window.__native[i])"""
    assert page.evaluate(wrapped) == [False, False, False]
    page.evaluate("() => Veil.stop()")
    assert page.evaluate(wrapped) == [True, True, True]
    frames_before = page.evaluate("() => Veil.stats().canvasFrames")
    page.evaluate("ms => window.animate(ms)", 1200)
    page.wait_for_timeout(700)
    assert page.evaluate("() => Veil.stats().canvasFrames") == frames_before
