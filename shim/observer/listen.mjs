/*
 * listen.mjs: what the trackers share: guarded listeners that hand back their teardown, a
 * per-key throttle, and how an event's target is named.
 *
 * Rules: every listener is passive and guarded (an error is reported, never thrown at the page);
 * every listener and timer set up here is undone by the teardown it returns.
 */

/** @typedef {import("./types.js").Context} Context */
import { anyIgnored, isIgnored } from "./ignore.mjs";

/** @type {AddEventListenerOptions} */
const DEFAULT_OPTIONS = { capture: true, passive: true };

/**
 * Listen to ``type`` on ``target``; returns the teardown that removes the listener.
 * @param {Context} ctx
 * @param {EventTarget} target
 * @param {string} type
 * @param {(e: any) => void} fn the listener (its event is ``type``'s)
 * @param {AddEventListenerOptions} [opts]
 */
export function listen(ctx, target, type, fn, opts = DEFAULT_OPTIONS) {
  const guarded = ctx.guard(fn);
  // An event on something Veil drew for itself (the preview overlay) is not the page's.
  const handler = (/** @type {Event} */ e) => (e && anyIgnored() && isIgnored(targetOf(e)) ? undefined : guarded(e));
  target.addEventListener(type, handler, opts);
  return () => target.removeEventListener(type, handler, opts);
}

// Run the teardowns in reverse order of set-up, each guarded (one failing does not skip the rest).
/** @param {Context} ctx @param {Array<() => void>} teardowns */
export function runAll(ctx, teardowns) {
  teardowns
    .splice(0)
    .reverse()
    .forEach((teardown) => {
      ctx.guard(teardown)();
    });
}

// At most one call per ``ms`` for each key, and always the last one (trailing).
/** @param {Context} ctx */
export function createThrottle(ctx) {
  /** @type {Map<unknown, { at: number, timer: ReturnType<typeof setTimeout> | 0 }>} */
  const throttles = new Map();
  /** @param {unknown} key @param {number} ms @param {() => void} fn */
  function throttled(key, ms, fn) {
    const now = Date.now();
    const last = throttles.get(key) || { at: 0, timer: 0 };
    clearTimeout(last.timer);
    if (now - last.at >= ms) {
      throttles.set(key, { at: now, timer: 0 });
      fn();
    } else {
      const timer = setTimeout(
        ctx.guard(() => {
          throttles.set(key, { at: Date.now(), timer: 0 });
          fn();
        }),
        ms - (now - last.at),
      );
      throttles.set(key, { at: last.at, timer });
    }
  }
  throttled.teardown = () => {
    throttles.forEach((t) => {
      clearTimeout(t.timer);
    });
    throttles.clear();
  };
  return throttled;
}

/** @param {Event} e @returns {EventTarget | null} */
export function targetOf(e) {
  const path = e.composedPath ? e.composedPath() : [];
  return path.length ? path[0] : e.target;
}

// The id of the node itself or, inside a blocked element, of the nearest recorded ancestor.
/** @param {Context} ctx @param {EventTarget | null} target */
export function recordedIdOf(ctx, target) {
  for (let node = /** @type {Node | null} */ (target); node; node = node.parentNode || /** @type {ShadowRoot} */ (node).host || null) {
    const id = ctx.nodeId(node);
    if (id > 0) return id;
  }
  return -1;
}
