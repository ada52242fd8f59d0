/*
 * listen.mjs: what the trackers share: guarded listeners that hand back their teardown, a
 * per-key throttle, and how an event's target is named.
 *
 * Rules: every listener is passive and guarded (an error is reported, never thrown at the page);
 * every listener and timer set up here is undone by the teardown it returns.
 */

import { anyIgnored, isIgnored } from "./ignore.mjs";

/** @type {AddEventListenerOptions} */
const DEFAULT_OPTIONS = { capture: true, passive: true };

/**
 * Listen to ``type`` on ``target``; returns the teardown that removes the listener.
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
export function runAll(ctx, teardowns) {
  teardowns.splice(0).reverse().forEach((teardown) => ctx.guard(teardown)());
}

// At most one call per ``ms`` for each key, and always the last one (trailing).
export function createThrottle(ctx) {
  const throttles = new Map();
  function throttled(key, ms, fn) {
    const now = Date.now();
    const last = throttles.get(key) || { at: 0, timer: 0 };
    clearTimeout(last.timer);
    if (now - last.at >= ms) {
      throttles.set(key, { at: now, timer: 0 });
      fn();
    } else {
      const timer = setTimeout(ctx.guard(() => {
        throttles.set(key, { at: Date.now(), timer: 0 });
        fn();
      }), ms - (now - last.at));
      throttles.set(key, { at: last.at, timer });
    }
  }
  throttled.teardown = () => {
    throttles.forEach((t) => clearTimeout(t.timer));
    throttles.clear();
  };
  return throttled;
}

export function targetOf(e) {
  const path = e.composedPath ? e.composedPath() : [];
  return path.length ? path[0] : e.target;
}

// The id of the node itself or, inside a blocked element, of the nearest recorded ancestor.
export function recordedIdOf(ctx, n) {
  for (let node = n; node; node = node.parentNode || node.host) {
    const id = ctx.nodeId(node);
    if (id > 0) return id;
  }
  return -1;
}
