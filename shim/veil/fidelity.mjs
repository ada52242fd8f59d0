/*
 * fidelity.mjs: the observer's options for what other recorders leave blank: closed shadow roots
 * (through the loader snippet), canvas frames and cross-origin iframes.
 *
 * Rules: decides nothing about privacy. Closed roots: the loader snippet (shim/loader.js) hands its
 * lookup of every shadow root attached since it ran, closed ones included, to veil.js once, while
 * veil.js runs; takeShadowRoots() takes it then (veil.js calls it first thing) and keeps it in this
 * module, reachable by the observer's options only. Without the loader (a script tag, or the
 * loader run late) closed roots stay unread, as before. Canvas: the observer captures a canvas's
 * pixels only for the ids the core names (canvas_levels), and each frame goes to the worker, which
 * paints the page's canvasMaskRegions over it, encodes it and hands it to the core
 * (canvas_frame). Iframes: the parent takes the batches of iframes from iframeOrigins (child_events);
 * the child side is embedded.mjs. The core's answers to canvas_frame and child_events are handled
 * like an observation's, by the recording they belong to (recording.mjs's send; the lifecycle lends
 * this module the current recording, linkFidelity).
 */
import { call } from "./rpc.mjs";
import { loaderStub } from "./stub.mjs";

/**
 * What the lifecycle (which owns them) lends this module: the recording now (null when not
 * recording), and what the core said of the config.
 * @typedef {{ note: (pending: Promise<any>) => Promise<any> }} RecordingLike
 * @typedef {{ current: () => RecordingLike | null, core: () => { iframeOrigins?: string[] } | null }} Link
 */
/** @type {Link} */
let link = { current: () => null, core: () => null };

/** The lifecycle's link (set once, when it loads). @param {Link} given */
export function linkFidelity(given) {
  link = given;
}

// Veil.stats()'s canvas and iframe counters (this module's own).
const counters = { canvasFrames: 0, canvasSkipped: 0, canvasBytes: 0, canvasBytesPerSecond: 0, iframeBatches: 0, iframeMessagesIgnored: 0 };

/** The canvas and iframe counters (part of Veil.stats()). */
export function fidelityStats() {
  return { ...counters };
}

/** @type {((host: Element) => ShadowRoot | undefined) | null} */
let shadowRoots = null;

/** Take the loader snippet's lookup of shadow roots (only while veil.js runs, only once). */
export function takeShadowRoots() {
  try {
    const stub = loaderStub();
    const lookup = stub && typeof stub._roots === "function" ? stub._roots() : null;
    if (typeof lookup === "function") shadowRoots = lookup;
  } catch (e) {
    // a page that broke the stub: closed roots stay unread
  }
}

let shimSkipped = 0; // frames the observer skipped (canvasMaskRegions threw or said null)

/**
 * What the observer needs for closed shadow roots, canvas frames and cross-origin iframes (the
 * early observer's too: the core's answers are read when they are used, not now).
 * @param {any} config the page's config as given to Veil.init
 */
export function fidelityOptions(config) {
  const hook = config && typeof config.canvasMaskRegions === "function" ? config.canvasMaskRegions : null;
  return {
    shadowRoots: shadowRoots,
    canvas: {
      maskRegions: hook,
      /** The ids among ``ids`` whose pixels the core says may be recorded (null: not recording yet). @param {number[]} ids */
      levels: function (ids) {
        if (!link.current()) return Promise.resolve(null);
        return call("canvas_levels", { ids: ids }).then(function (answer) { return answer.record; });
      },
      /** An encoded frame's way to the core (the worker paints the regions and encodes first). @param {any} frame @param {Transferable[]} transfer */
      frame: function (frame, transfer) {
        const recording = link.current();
        if (!recording) return Promise.resolve({ recorded: false, skip: "not-recording" });
        return recording.note(call("canvas_frame", frame, transfer)).then(function (answer) {
          if (answer && answer.canvas) {
            counters.canvasFrames = answer.canvas.frames;
            counters.canvasBytes = answer.canvas.bytes;
            counters.canvasBytesPerSecond = answer.canvas.bytesPerSecond;
            counters.canvasSkipped = shimSkipped + answer.canvas.skipped;
          }
          return answer;
        });
      },
      skipped: function () {
        shimSkipped += 1;
        counters.canvasSkipped += 1;
      },
    },
    frames: {
      /** The origins the core validated (iframeOrigins), once it has. @returns {string[]} */
      origins: function () {
        const core = link.core();
        return core && core.iframeOrigins ? core.iframeOrigins : [];
      },
      active: function () { return link.current() !== null; },
      /** A child's batch, through the iframe element ``iframeId``. @param {number} iframeId @param {Uint8Array<ArrayBuffer>} bytes */
      post: function (iframeId, bytes) {
        const recording = link.current();
        if (!recording) return Promise.resolve(null);
        counters.iframeBatches += 1;
        return recording.note(call("child_events", { iframeId: iframeId, batch: bytes }, [bytes.buffer]));
      },
      ignored: function () { counters.iframeMessagesIgnored += 1; },
    },
  };
}
