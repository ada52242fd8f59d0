/*
 * stub.mjs: taking over from the loader stub (shim/loader.js, the recommended snippet), which
 * stands in for window.Veil until veil.js arrives after the page's load event.
 *
 * Rules: the stub is recognised by its `_q` array, nothing else. Its queued calls are replayed on
 * the real Veil in the order the page made them (calls made while replaying join the end), and
 * each stub promise is settled with the real call's result; a throw becomes that promise's
 * rejection, never the page's exception. Afterwards the stub object forwards to the real Veil, so
 * a reference the page kept from before still works.
 */

/**
 * @typedef {{ method: string, args: unknown[], resolve: (value: unknown) => void,
 *   reject: (err: unknown) => void, cancelled?: boolean }} Queued  one call the stub queued
 */

/** The loader stub standing in as window.Veil, or null (no stub: veil.js came by a script tag). */
export function loaderStub() {
  const current = /** @type {any} */ (window).Veil;
  return current && typeof current === "object" && Array.isArray(current._q) ? current : null;
}

/**
 * Replay the stub's queue on ``Veil`` (the real, frozen API, already window.Veil), then make the
 * stub forward to it.
 * @param {any} stub
 * @param {any} Veil
 */
export function takeOver(stub, Veil) {
  /** @param {Queued} entry */
  function run(entry) {
    if (!entry || entry.cancelled) return;
    try {
      const method = Veil[entry.method];
      if (typeof method !== "function") throw new TypeError("Veil." + entry.method + " is not a function");
      entry.resolve(method.apply(Veil, entry.args)); // a promise result settles the stub's promise
    } catch (err) {
      entry.reject(err);
    }
  }
  /** @type {Queued[]} */
  const queue = stub._q;
  while (queue.length) run(/** @type {Queued} */ (queue.shift()));
  // From now on a call through a kept reference to the stub runs at once.
  queue.push = (/** @type {Queued[]} */ ...entries) => {
    entries.forEach(run);
    return queue.length;
  };
  try {
    Object.defineProperty(stub, "status", { get: () => Veil.status, configurable: true });
    Object.defineProperty(stub, "version", { get: () => Veil.version, configurable: true });
    stub.stats = () => Veil.stats();
  } catch (_err) {
    // a page that froze the stub keeps its frozen copy; the real window.Veil is unaffected
  }
}
