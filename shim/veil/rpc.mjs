/*
 * rpc.mjs: requests to the worker (Pyodide + the veil wheel), one promise per message.
 *
 * Rules: a message's type is the name it keeps end to end: the worker's dispatch table key, the
 * veil.bridge function and the veil.api Core method (configure, autostart, gate, start, explain,
 * tick, observe, commit_standby, take_batch, resync, stop). With no worker, a call rejects at
 * once; when the worker fails, every pending call rejects with the reason.
 */
import { state } from "./state.mjs";

/** @type {Map<number, { resolve: (value: any) => void, reject: (err: Error) => void }>} */
const requests = new Map();
let nextRequest = 1;

/**
 * @param {string} type
 * @param {unknown} [payload]
 * @param {Transferable[]} [transfer]
 * @returns {Promise<any>}
 */
export function call(type, payload, transfer) {
  return new Promise(function (resolve, reject) {
    if (!state.worker) return reject(new Error("Veil: the runtime is not running"));
    const id = nextRequest++;
    requests.set(id, { resolve: resolve, reject: reject });
    state.worker.postMessage({ id: id, type: type, payload: payload }, transfer || []);
  });
}

/** The worker's answers: {id, ok, result} or {id, ok: false, error}; or {stats} of its own. @param {MessageEvent} e */
export function onWorkerMessage(e) {
  const msg = e.data || {};
  if (msg.stats) {
    // Unsolicited: how the worker booted, what became of the runtime's snapshot (Veil.stats()).
    Object.keys(state.boot).forEach(function (k) {
      if (k in msg.stats) /** @type {any} */ (state.boot)[k] = msg.stats[k];
    });
    return;
  }
  const pending = requests.get(msg.id);
  if (!pending) return;
  requests.delete(msg.id);
  if (msg.ok) pending.resolve(msg.result);
  else pending.reject(new Error("Veil worker: " + msg.error));
}

/** @param {string} reason */
export function failAll(reason) {
  requests.forEach(function (p) {
    p.reject(new Error(reason));
  });
  requests.clear();
}
