/*
 * rpc.mjs: the page's link to the worker (Pyodide + the veil wheel): requests, one promise per
 * message, and the boot stats the worker reports unasked.
 *
 * Rules: a message's type is the name it keeps end to end: the worker's dispatch table key, the
 * veil.bridge function and the veil.api Core method. Payloads and answers are typed by the
 * contract's message map (shim/generated/contract.mjs, Messages, generated from
 * sdk/veil/contract.py), so tsc checks both ends. With no worker, a call rejects at once; when
 * the worker fails, every pending call rejects with the reason. This module owns the worker link,
 * the pending requests and the boot stats.
 */
import { BOOT_STATS_EMPTY } from "../generated/contract.mjs";

/**
 * @typedef {import("../generated/contract.mjs").Messages} Messages
 * @typedef {import("../generated/contract.mjs").BootStats} BootStats
 * @typedef {import("../generated/contract.mjs").WorkerNotice} WorkerNotice
 * @typedef {{ id: number, ok: true, result: unknown } | { id: number, ok: false, error: string }} Reply
 * @typedef {{ postMessage: (message: unknown, transfer: Transferable[]) => void, terminate: () => void }} WorkerLike
 */

/** @type {Map<number, { resolve: (value: any) => void, reject: (err: Error) => void }>} */
const requests = new Map();
let nextRequest = 1;
/** @type {WorkerLike | null} */
let worker = null;
/** @type {BootStats} */
const boot = { ...BOOT_STATS_EMPTY };

/** Talk to ``link`` from now on (a Worker; a stand-in in Node's tests). @param {WorkerLike} link */
export function connect(link) {
  worker = link;
}

/** Whether a worker is connected. */
export function connected() {
  return worker !== null;
}

/** End the link: the worker is terminated and every pending call rejects. @param {string} reason */
export function disconnect(reason) {
  const gone = worker;
  worker = null;
  failAll(reason);
  if (gone) gone.terminate();
}

/**
 * @template {keyof Messages} K
 * @param {K} type
 * @param {Messages[K]["payload"]} payload
 * @param {Transferable[]} [transfer]
 * @returns {Promise<Messages[K]["answer"]>}
 */
export function call(type, payload, transfer) {
  return new Promise(function (resolve, reject) {
    if (!worker) return reject(new Error("Veil: the runtime is not running"));
    const id = nextRequest++;
    requests.set(id, { resolve: resolve, reject: reject });
    worker.postMessage({ id: id, type: type, payload: payload }, transfer || []);
  });
}

/** The worker's answers: {id, ok, result} or {id, ok: false, error}; or {stats} of its own. @param {MessageEvent<Reply | WorkerNotice>} e */
export function onWorkerMessage(e) {
  const msg = e.data;
  if (!msg) return;
  if ("stats" in msg) {
    // Unsolicited: how the worker booted, what became of the runtime's snapshot (Veil.stats()).
    const reported = /** @type {Record<string, unknown>} */ (msg.stats);
    const kept = /** @type {Record<string, unknown>} */ (boot);
    Object.keys(kept).forEach(function (key) {
      if (key in reported) kept[key] = reported[key];
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

/** How the worker booted, as it last reported (part of Veil.stats()). @returns {BootStats} */
export function bootStats() {
  return { ...boot };
}
