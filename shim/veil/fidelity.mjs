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
 * like an observation's (actions, counters: lifecycle.mjs registers how, onAnswer).
 */
import { call } from "./rpc.mjs";
import { state } from "./state.mjs";
import { loaderStub } from "./stub.mjs";

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

/** @type {(result: any) => any} */
let observed = function (result) { return result; };
let shimSkipped = 0; // frames the observer skipped (canvasMaskRegions threw or said null)

/** How the core's answer to a frame or a child batch is handled: lifecycle's, as an observation's. @param {(result: any) => any} fn */
export function onAnswer(fn) {
  observed = fn;
}

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
        if (state.status !== "recording") return Promise.resolve(null);
        return call("canvas_levels", { ids: ids }).then(function (answer) { return answer.record; });
      },
      /** An encoded frame's way to the core (the worker paints the regions and encodes first). @param {any} frame @param {Transferable[]} transfer */
      frame: function (frame, transfer) {
        const generation = state.generation;
        return call("canvas_frame", frame, transfer).then(function (answer) {
          if (answer && answer.canvas) {
            state.counters.canvasFrames = answer.canvas.frames;
            state.counters.canvasBytes = answer.canvas.bytes;
            state.counters.canvasBytesPerSecond = answer.canvas.bytesPerSecond;
            state.counters.canvasSkipped = shimSkipped + answer.canvas.skipped;
          }
          return answer && answer.actions && generation === state.generation ? observed(answer) : answer;
        });
      },
      skipped: function () {
        shimSkipped += 1;
        state.counters.canvasSkipped += 1;
      },
    },
    frames: {
      /** The origins the core validated (iframeOrigins), once it has. @returns {string[]} */
      origins: function () { return state.core && state.core.iframeOrigins ? state.core.iframeOrigins : []; },
      active: function () { return state.status === "recording"; },
      /** A child's batch, through the iframe element ``iframeId``. @param {number} iframeId @param {Uint8Array<ArrayBuffer>} bytes */
      post: function (iframeId, bytes) {
        state.counters.iframeBatches += 1;
        const generation = state.generation;
        return call("child_events", { iframeId: iframeId, batch: bytes }, [bytes.buffer]).then(function (answer) {
          return answer && answer.actions && generation === state.generation ? observed(answer) : answer;
        });
      },
      ignored: function () { state.counters.iframeMessagesIgnored += 1; },
    },
  };
}
