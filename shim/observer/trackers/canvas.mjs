/*
 * trackers/canvas.mjs: canvas pixels, as frames, for the canvases the core says may be recorded.
 *
 * Rules: it decides nothing about privacy. It asks the core (options.levels) which recorded
 * canvases may have their pixels recorded (the core's one reduce: allow and mask-user-input) and
 * reads only those: again after every full snapshot and every ASK_MS, so a level that changed is
 * followed. A canvas is read at most once per CANVAS_FRAME_INTERVAL_MS, only when it was drawn
 * on since its last frame (its 2D and WebGL drawing calls are watched), and its last frame is sent
 * again after every full snapshot and every CANVAS_RESEND_MS while it is idle (the worker keeps it).
 * Before each frame the page's canvasMaskRegions(canvas) is called: regions to paint over, in the
 * canvas's own pixels; a throw, null, or anything but an array of finite {x, y, width, height}
 * skips the frame (counted), never sends it unpainted. The page's thread only takes an ImageBitmap
 * (a copy) and transfers it to the worker, which paints the regions and encodes there
 * (shim/worker/canvas.mjs). A WebGL canvas without preserveDrawingBuffer is read in the same task
 * as its drawing (a microtask after a draw call), before the browser presents and clears its
 * buffer; one drawn only before Veil started and never again cannot be read (left blank).
 * Nothing is read while the page is hidden. Every prototype method wrapped here is restored by the
 * teardown it returns.
 */
import { CANVAS_FRAME_INTERVAL_MS, CANVAS_RESEND_MS, CANVAS_TAG } from "../../generated/contract.mjs";
import { runAll } from "../listen.mjs";

const ASK_MS = 5000; // how often canvases the core has not allowed (yet) are asked about again
// A read decided at a tick is timed from that tick: the next tick, one interval later, may read again.
const DUE_MS = CANVAS_FRAME_INTERVAL_MS - 50;
// Calls that change what a 2D canvas shows, and WebGL calls that draw into the buffer.
const DRAWING_2D = ["fillRect", "strokeRect", "clearRect", "fill", "stroke", "fillText", "strokeText", "drawImage", "putImageData", "reset"];
const DRAWING_GL = ["drawArrays", "drawElements", "drawArraysInstanced", "drawElementsInstanced", "drawRangeElements", "clear"];

/**
 * @typedef {{ x: number, y: number, width: number, height: number }} Region
 * @typedef {{ maskRegions: ((canvas: HTMLCanvasElement) => unknown) | null,
 *   levels: (ids: number[]) => Promise<number[] | null>,
 *   frame: (frame: object, transfer: Transferable[]) => Promise<any>,
 *   skipped: () => void }} CanvasOptions
 */

/** The hook's answer as regions, or null when the frame must be skipped. */
export function regionsOf(answer) {
  if (!Array.isArray(answer)) return null;
  const out = [];
  for (const r of answer) {
    if (!r || typeof r !== "object") return null;
    const { x, y, width, height } = r;
    if (![x, y, width, height].every((v) => typeof v === "number" && Number.isFinite(v)) || width < 0 || height < 0) return null;
    out.push({ x, y, width, height });
  }
  return out;
}

/** @param {CanvasOptions} options */
export function trackCanvas(ctx, options) {
  const teardowns = [];
  let allowed = new Map(); // canvas -> its id: the core said its pixels may be recorded
  let askedAt = new WeakMap(); // canvas -> when the core was last asked about it
  const seen = new WeakSet(); // canvases met before: a new one counts as drawn on
  const dirty = new WeakSet(); // drawn on since its last frame was read
  const sentAt = new WeakMap(); // canvas -> when its last frame went to the worker
  const notBefore = new WeakMap(); // canvas -> no frame before (the core's byte budget is spent)
  const busy = new WeakSet(); // a frame of it on its way
  const webgl = new WeakMap(); // canvas -> its WebGL context (seen drawing)
  const wanted = new Map(); // WebGL canvas -> the tick that asked: read right after its next draw
  const roots = new Set(); // shadow roots and iframe documents besides document
  let forced = true; // after a full snapshot: every allowed canvas's frame again
  let asking = false;
  let timer = 0;
  let stopped = false;

  teardowns.push(ctx.onRoot((root) => roots.add(root)));
  const again = () => { forced = true; };
  ctx.afterSnapshot.add(again);
  teardowns.push(() => ctx.afterSnapshot.delete(again));

  // --- watching the drawing calls (a flag per canvas; nothing else is read in the page's call) ---
  function wrap(proto, names, after) {
    for (const name of names) {
      const descriptor = proto && Object.getOwnPropertyDescriptor(proto, name);
      if (!descriptor || typeof descriptor.value !== "function") continue;
      const original = descriptor.value;
      Object.defineProperty(proto, name, Object.assign({}, descriptor, {
        value: function (...args) {
          const result = original.apply(this, args);
          if (!stopped) after(this);
          return result;
        },
      }));
      teardowns.push(() => Object.defineProperty(proto, name, descriptor));
    }
  }
  const drawn2d = (context) => {
    const canvas = context.canvas;
    if (canvas) dirty.add(canvas);
  };
  const drawnGl = ctx.guard((gl) => {
    const canvas = gl.canvas;
    if (!canvas || !canvas.localName) return; // an OffscreenCanvas's context
    dirty.add(canvas);
    if (!webgl.has(canvas)) webgl.set(canvas, gl);
    if (wanted.has(canvas)) {
      const decidedAt = wanted.get(canvas);
      wanted.delete(canvas);
      queueMicrotask(() => read(canvas, decidedAt)); // after the page's drawing of this task, before the buffer is presented
    }
  });
  wrap(window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype, DRAWING_2D, drawn2d);
  wrap(window.WebGLRenderingContext && WebGLRenderingContext.prototype, DRAWING_GL, drawnGl);
  wrap(window.WebGL2RenderingContext && WebGL2RenderingContext.prototype, DRAWING_GL, drawnGl);

  // --- which canvases, and which of them the core allows ---
  function recordedCanvases() {
    const found = [];
    const add = (list) => {
      for (const canvas of list) if (canvas.isConnected && ctx.nodeId(canvas) > 0) found.push(canvas);
    };
    add(document.getElementsByTagName(CANVAS_TAG));
    roots.forEach((root) => {
      if (root.host ? root.host.isConnected : root.defaultView) add(root.querySelectorAll(CANVAS_TAG));
      else roots.delete(root);
    });
    return found;
  }

  function ask(canvases, now) {
    const due = canvases.filter((c) => forced || !allowed.has(c) && !(now - (askedAt.get(c) || -Infinity) < ASK_MS));
    if (!due.length || asking) return;
    asking = true;
    due.forEach((c) => askedAt.set(c, now));
    const ids = due.map((c) => ctx.nodeId(c));
    options.levels(ids).then(ctx.guard((record) => {
      if (!record) return due.forEach((c) => askedAt.delete(c)); // not recording yet: ask again next time
      const yes = new Set(record);
      due.forEach((c, i) => {
        if (yes.has(ids[i]) && ctx.nodeId(c) === ids[i]) allowed.set(c, ids[i]);
        else allowed.delete(c);
      });
      return undefined;
    }), ctx.onError).finally(() => { asking = false; });
  }

  // --- reading a frame ---
  function regionsFor(canvas) {
    if (!options.maskRegions) return [];
    let answer;
    try {
      answer = options.maskRegions(canvas);
    } catch (err) {
      ctx.onError(err); // the page's hook threw: no frame (fail closed)
      return null;
    }
    return regionsOf(answer);
  }

  function send(canvas, payload, transfer, decidedAt) {
    busy.add(canvas);
    options.frame(payload, transfer).then(ctx.guard((answer) => {
      if (answer && (answer.recorded || answer.skip === "unchanged")) sentAt.set(canvas, decidedAt);
      if (answer && answer.waitMs) notBefore.set(canvas, Date.now() + answer.waitMs);
      if (answer && answer.skip === "stale") dirty.add(canvas); // the worker has no frame of it to send again: read one
    }), ctx.onError).finally(() => busy.delete(canvas));
  }

  // Read a canvas now (an ImageBitmap is a copy; the worker does the rest); ``decidedAt``: the tick that asked.
  function read(canvas, decidedAt) {
    const id = allowed.get(canvas);
    if (stopped || !id || busy.has(canvas) || !canvas.width || !canvas.height) return;
    const regions = regionsFor(canvas);
    if (!regions) {
      options.skipped();
      return;
    }
    dirty.delete(canvas);
    busy.add(canvas);
    const { width, height } = canvas;
    createImageBitmap(canvas).then((bitmap) => {
      busy.delete(canvas);
      send(canvas, { id, bitmap, width, height, regions, webgl: webgl.has(canvas), timestamp: Date.now() }, [bitmap], decidedAt);
    }, (err) => {
      busy.delete(canvas);
      ctx.onError(err);
    });
  }

  // Send its last frame again (idle, or after a full snapshot), without reading it.
  function resend(canvas, decidedAt) {
    const id = allowed.get(canvas);
    const regions = regionsFor(canvas);
    if (!regions) {
      options.skipped();
      return;
    }
    send(canvas, { id, width: canvas.width, height: canvas.height, regions, resend: true, timestamp: Date.now() }, [], decidedAt);
  }

  function preserved(gl) {
    try {
      const attributes = gl.getContextAttributes();
      return Boolean(attributes && attributes.preserveDrawingBuffer);
    } catch (err) {
      return false;
    }
  }

  const tick = ctx.guard(() => {
    if (stopped) return;
    timer = setTimeout(tick, CANVAS_FRAME_INTERVAL_MS);
    if (!ctx.running || ctx.walk || document.visibilityState === "hidden") return;
    const now = Date.now();
    const canvases = recordedCanvases();
    for (const canvas of canvases) {
      if (!seen.has(canvas)) {
        seen.add(canvas);
        dirty.add(canvas); // drawn on before Veil met it, perhaps
      }
    }
    ask(canvases, now);
    const force = forced;
    forced = false;
    allowed.forEach((id, canvas) => {
      if (!canvas.isConnected) return allowed.delete(canvas);
      if (busy.has(canvas) || now < (notBefore.get(canvas) || 0)) return;
      const last = sentAt.get(canvas);
      const gl = webgl.get(canvas);
      if (dirty.has(canvas) && (last === undefined || now - last >= DUE_MS)) {
        if (gl && !preserved(gl)) wanted.set(canvas, now); // read right after its next draw
        else read(canvas, now);
      } else if (last !== undefined && (force || now - last >= CANVAS_RESEND_MS)) {
        resend(canvas, now);
      }
      return undefined;
    });
  });
  timer = setTimeout(tick, 0);

  teardowns.push(() => {
    stopped = true;
    clearTimeout(timer);
    allowed = new Map();
    askedAt = new WeakMap();
    wanted.clear();
    roots.clear();
  });
  return () => runAll(ctx, teardowns);
}
