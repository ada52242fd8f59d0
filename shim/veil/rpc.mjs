/*
 * rpc.mjs: the page's link to the worker (Pyodide + the veil wheel): requests, one promise per
 * message, and the boot stats the worker reports unasked.
 *
 * Rules: a message's type is the name it keeps end to end: the worker's dispatch table key, the
 * veil.bridge function and the veil.api Core method. Payloads and answers are typed by the
 * contract's message map (shim/generated/contract.mjs, Messages, generated from
 * sdk/veil/contract.py), so tsc checks both ends. With no worker, a call rejects at once; when
 * the worker fails, every pending call rejects with the reason. The worker has a deadline while a
 * call waits (answerTimeoutMs: the longest of the waiting calls'), counted from the last thing it
 * said, so a backlog it works through is not a hang: a worker silent that long is hung, and is
 * ended like a failed one (every pending call rejects, the worker is terminated, the link's owner
 * is told through ``onHung``, Veil.stats() counts it in workerTimeouts); a late answer finds
 * nothing waiting. This module owns
 * the worker link, the pending requests and the boot stats.
 */
import { BOOT_STATS_EMPTY } from "../generated/contract.mjs";

/**
 * @typedef {import("../generated/contract.mjs").Messages} Messages
 * @typedef {import("../generated/contract.mjs").BootStats} BootStats
 * @typedef {import("../generated/contract.mjs").WorkerNotice} WorkerNotice
 * @typedef {{ id: number, ok: true, result: unknown } | { id: number, ok: false, error: string }} Reply
 * @typedef {{ postMessage: (message: unknown, transfer: Transferable[]) => void, terminate: () => void }} WorkerLike
 */

// How long the worker may take to answer. "configure" waits for the boot: a plain Pyodide start,
// 4-5 s here, several times that on a slow phone or a busy machine. Every other message is one
// step of masking (the largest page measured: 4 s with the CPU slowed 4x) or less.
export const BOOT_ANSWER_MS = 150000;
export const ANSWER_MS = 60000;

/** How long the worker has to answer a ``type`` message. @param {string} type */
export function answerTimeoutMs(type) {
  return type === "configure" ? BOOT_ANSWER_MS : ANSWER_MS;
}

/** @type {Map<number, { type: string, resolve: (value: any) => void, reject: (err: Error) => void }>} */
const requests = new Map();
let nextRequest = 1;
/** @type {WorkerLike | null} */
let worker = null;
/** @type {((reason: string) => void) | null} */
let onHung = null;
let workerTimeouts = 0;
/** @type {ReturnType<typeof setTimeout> | 0} */
let deadline = 0;
let deadlineMs = 0;
/** @type {BootStats} */
const boot = { ...BOOT_STATS_EMPTY };

/**
 * Talk to ``link`` from now on (a Worker; a stand-in in Node's tests).
 * @param {WorkerLike} link
 * @param {(reason: string) => void} [hung] told when the worker let a deadline pass (and was ended)
 */
export function connect(link, hung) {
  worker = link;
  onHung = hung || null;
}

/** Whether a worker is connected. */
export function connected() {
  return worker !== null;
}

/** End the link: the worker is terminated and every pending call rejects. @param {string} reason */
export function disconnect(reason) {
  const gone = worker;
  worker = null;
  onHung = null;
  failAll(reason);
  if (gone) gone.terminate();
}

// (Re)start the worker's deadline from now, as long as a call waits: the longest of theirs.
function rearm() {
  clearTimeout(deadline);
  deadline = 0;
  deadlineMs = 0;
  if (!requests.size) return;
  requests.forEach((p) => {
    deadlineMs = Math.max(deadlineMs, answerTimeoutMs(p.type));
  });
  deadline = setTimeout(expire, deadlineMs);
}

// The deadline passed: the worker is stuck (a boot that never ends, a step that never returns).
// It is ended like a failed one, so nothing waits on it for ever; its owner says what follows.
function expire() {
  const oldest = requests.values().next().value;
  if (!oldest) return;
  workerTimeouts += 1;
  const reason = "Veil: the worker said nothing for " + deadlineMs / 1000 + " s while " + JSON.stringify(oldest.type) + " waited for its answer";
  const told = onHung;
  disconnect(reason);
  if (told) told(reason);
}

/**
 * @template {keyof Messages} K
 * @param {K} type
 * @param {Messages[K]["payload"]} payload
 * @param {Transferable[]} [transfer]
 * @returns {Promise<Messages[K]["answer"]>}
 */
export function call(type, payload, transfer) {
  return new Promise((resolve, reject) => {
    if (!worker) return reject(new Error("Veil: the runtime is not running"));
    const id = nextRequest++;
    requests.set(id, { type: type, resolve: resolve, reject: reject });
    if (answerTimeoutMs(type) > deadlineMs) rearm(); // a call behind others does not push the deadline out
    worker.postMessage({ id: id, type: type, payload: payload }, transfer || []);
  });
}

/** The worker's answers: {id, ok, result} or {id, ok: false, error}; or {stats} of its own. @param {MessageEvent<Reply | WorkerNotice>} e */
export function onWorkerMessage(e) {
  const msg = e.data;
  if (!msg) return;
  rearm(); // it is alive: whatever still waits gets a full deadline from now
  if ("stats" in msg) {
    // Unsolicited: how the worker booted, what became of the runtime's snapshot (Veil.stats()).
    const reported = /** @type {Record<string, unknown>} */ (msg.stats);
    const kept = /** @type {Record<string, unknown>} */ (boot);
    Object.keys(kept).forEach((key) => {
      if (key in reported) kept[key] = reported[key];
    });
    return;
  }
  const pending = requests.get(msg.id);
  if (!pending) return; // answered, or its deadline passed
  requests.delete(msg.id);
  if (!requests.size) rearm();
  if (msg.ok) pending.resolve(msg.result);
  else pending.reject(new Error("Veil worker: " + msg.error));
}

/** @param {string} reason */
export function failAll(reason) {
  const failed = Array.from(requests.values());
  requests.clear();
  rearm();
  failed.forEach((p) => {
    p.reject(new Error(reason));
  });
}

/**
 * How the worker booted, as it last reported, and the deadlines it let pass (each ended it): part
 * of Veil.stats().
 * @returns {BootStats & { workerTimeouts: number }}
 */
export function bootStats() {
  return { ...boot, workerTimeouts: workerTimeouts };
}
