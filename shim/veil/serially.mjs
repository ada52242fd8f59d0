/*
 * serially.mjs: start, stop and consent changes, one at a time, in order.
 *
 * Rules: each change runs after every earlier one has settled, whether it succeeded or failed; a
 * change's failure is its caller's to report, and never stops the ones after it.
 */

/** @type {Promise<unknown>} */
let queue = Promise.resolve();

/**
 * Run fn after every earlier start/stop/consent change has settled.
 * @template T
 * @param {() => T | Promise<T>} fn
 * @returns {Promise<T>}
 */
export function serially(fn) {
  const next = queue.then(fn, fn);
  queue = next.catch(() => {});
  return next;
}
