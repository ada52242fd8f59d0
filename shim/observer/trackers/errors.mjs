/*
 * trackers/errors.mjs: the page's uncaught errors and unhandled rejections, and Veil.capture(), as
 * veil:error custom events (the core masks the message, parses and scrubs the stack).
 *
 * Rules: passive: listeners on window that never call preventDefault or stopPropagation, so the
 * page and the browser see every error exactly as without Veil; Veil's own errors never reach
 * them (every Veil callback is guarded). Only plain values leave: the type, the message and the
 * stack as strings, each cut to a bound, read defensively (a getter that throws is skipped) and
 * never by calling the page's toString. Handed over at once: in on-error mode an error is the
 * trigger that sends the buffer. Bounded: at most ERRORS_PER_WINDOW error events per
 * WINDOW_MS (a page that throws in every animation frame would otherwise flood the recording);
 * those left out are counted in the next one's ``suppressed``. Returns its teardown.
 */
import { ERROR_TAG, EventType } from "../../generated/contract.mjs";
import { listen } from "../listen.mjs";

const TEXT_MAX = 1000;
const STACK_MAX = 16 * 1024;
const ERRORS_PER_WINDOW = 20;
const WINDOW_MS = 10_000;

/**
 * A string property read without running page code beyond its getter, cut to ``max``.
 * @param {object} value @param {string} key @param {number} max
 */
function read(value, key, max) {
  try {
    const v = /** @type {Record<string, unknown>} */ (value)[key];
    return typeof v === "string" ? v.slice(0, max) : "";
  } catch (_e) {
    return "";
  }
}

/**
 * @typedef {{ kind: string, type: string, message: string, stack: string, file?: string, line?: number,
 *   col?: number, suppressed?: number }} ErrorPayload  the raw error payload the core masks (veil.errors)
 */

/**
 * The raw error payload for the core, from an Error or any thrown value.
 * @param {string} kind @param {unknown} thrown @returns {ErrorPayload}
 */
export function describeThrown(kind, thrown) {
  if (thrown !== null && typeof thrown === "object") {
    const message = read(thrown, "message", TEXT_MAX);
    const stack = read(thrown, "stack", STACK_MAX);
    if (message || stack || thrown instanceof Error) return { kind, type: read(thrown, "name", 100) || "Error", message, stack };
  }
  // Any other thrown or rejected value: its type, and its text only when it is a string itself.
  return { kind, type: typeof thrown, message: typeof thrown === "string" ? thrown.slice(0, TEXT_MAX) : "", stack: "" };
}

// The flood bound, per observer (its context): when the window began, how many it let through,
// how many it left out since the last one emitted.
/** @type {WeakMap<object, { since: number, sent: number, suppressed: number }>} */
const floods = new WeakMap();

/** @param {import("../types.js").Context} ctx @param {ErrorPayload} payload */
export function emitError(ctx, payload) {
  const now = Date.now();
  let flood = floods.get(ctx);
  if (!flood || now - flood.since >= WINDOW_MS) {
    flood = { since: now, sent: 0, suppressed: flood ? flood.suppressed : 0 };
    floods.set(ctx, flood);
  }
  if (payload.kind !== "capture" && flood.sent >= ERRORS_PER_WINDOW) {
    flood.suppressed += 1;
    return Promise.resolve(null);
  }
  flood.sent += 1;
  if (flood.suppressed) {
    payload.suppressed = flood.suppressed;
    flood.suppressed = 0;
  }
  return ctx.queue.emit({ type: EventType.Custom, data: { tag: ERROR_TAG, payload }, timestamp: Date.now() }, true);
}

/** @param {import("../types.js").Context} ctx */
export function trackErrors(ctx) {
  const opts = { passive: true };
  const offError = listen(
    ctx,
    window,
    "error",
    (/** @type {Event} */ e) => {
      if (!(e instanceof ErrorEvent)) return; // a resource that failed to load: not an error of the script
      const payload =
        e.error != null ? describeThrown("error", e.error) : { kind: "error", type: "Error", message: String(e.message || "").slice(0, TEXT_MAX), stack: "" };
      if (!payload.stack && e.filename) Object.assign(payload, { file: e.filename, line: e.lineno, col: e.colno });
      emitError(ctx, payload);
    },
    opts,
  );
  const offRejection = listen(
    ctx,
    window,
    "unhandledrejection",
    (/** @type {PromiseRejectionEvent} */ e) => {
      emitError(ctx, describeThrown("unhandledrejection", e.reason));
    },
    opts,
  );
  return () => {
    offError();
    offRejection();
  };
}

// Veil.capture(reason): an error event of kind "capture", with the stack of the call.
/** @param {import("../types.js").Context} ctx @param {string} reason */
export function captureReason(ctx, reason) {
  const stack = read(new Error(), "stack", STACK_MAX);
  return emitError(ctx, { kind: "capture", type: "capture", message: String(reason).slice(0, TEXT_MAX), stack });
}
