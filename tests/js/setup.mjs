// The few browser globals the shim's modules touch, for Node's test runner (no browser). Import
// this first: ES modules evaluate their imports in order, so the shim sees these when it loads.
globalThis.__veilBase = "https://shop.example/static/veil/";
globalThis.location = /** @type {any} */ ({ href: "https://shop.example/checkout" });
if (typeof globalThis.navigator === "undefined") globalThis.navigator = /** @type {any} */ ({ onLine: true });
const stored = new Map();
globalThis.window = /** @type {any} */ (Object.assign(globalThis, {
  localStorage: {
    getItem: (k) => (stored.has(k) ? stored.get(k) : null),
    setItem: (k, v) => stored.set(k, String(v)),
    removeItem: (k) => stored.delete(k),
  },
  addEventListener() {},
  removeEventListener() {},
}));
globalThis.document = /** @type {any} */ ({
  readyState: "complete", visibilityState: "visible", currentScript: null,
  addEventListener() {}, removeEventListener() {},
});

/** A stand-in for the worker: answers each message from ``answers`` (by type; a test may change
 * them through the returned ``answers``) and records it. */
export function fakeWorker(answers, onWorkerMessage) {
  const sent = [];
  return {
    sent,
    answers,
    postMessage(msg) {
      sent.push(msg);
      const answer = answers[msg.type];
      setTimeout(() => onWorkerMessage(/** @type {any} */ ({ data: { id: msg.id, ok: true, result: answer === undefined ? null : answer } })), 0);
    },
    terminate() {},
  };
}

export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
