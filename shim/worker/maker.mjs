/*
 * maker.mjs: making the runtime's memory snapshot, and the page worker's side of asking for one.
 *
 * Rules: the snapshot is made in a worker of its own (veil-snapshot-worker.mjs), started by the
 * page on its worker's word (makerThroughPage here, shim/veil/maker-host.mjs there: a worker that
 * started another, and whose page left while that one was still running, left the next page
 * view's worker blocked for good in Firefox), after a plain boot is under way: as the boot starts when the page says this view
 * is likely to record (its consent is not needed, or its visit records already), else once it
 * records; it runs beside the page worker's own boot and first snapshot, never on the page's
 * thread. That worker has no message handler: nothing of the page (no config, token, endpoint,
 * URL, content) can reach it. It boots Pyodide plain from dist/'s files, imports the core from the
 * wheel with runPython, warms it up, snapshots, packs the snapshot (without its zero pages, with
 * its digest), posts it once and exits. The page's worker stores it only once its page view
 * records (consent given, the gate said yes), and never after Veil.stop(). Every wait has a
 * timeout; a failure is a value, counted by the page, never an error.
 */
import { packSnapshot, withTimeout } from "./store.mjs";

export const MAKE_TIMEOUT_MS = 120000; // the whole making (a plain boot included) on a slow phone
export const STORE_TIMEOUT_MS = 15000; // each Cache Storage step of storing it

/**
 * In the snapshot worker: boot plain for a snapshot, import the core, snapshot, pack.
 * @param {{ loadPyodide: (options: object) => Promise<any>, options: (extra?: object) => object, wheel: () => Promise<Uint8Array>,
 *   wheelPath: string, importCore: string, key: string }} env
 * @returns {Promise<{ ok: boolean, reason?: string, packed?: import("./store.mjs").Packed, rawBytes?: number, ms: number }>}
 */
export async function makeSnapshot(env) {
  const started = performance.now();
  try {
    const [pyodide, wheel] = await Promise.all([env.loadPyodide(env.options({ _makeSnapshot: true })), env.wheel()]);
    pyodide.FS.mkdirTree(env.wheelPath.slice(0, env.wheelPath.lastIndexOf("/")));
    pyodide.FS.writeFile(env.wheelPath, wheel);
    pyodide.runPython(env.importCore);
    const bytes = pyodide.makeMemorySnapshot();
    const packed = await packSnapshot(bytes, env.key);
    return { ok: true, packed: packed, rawBytes: bytes.byteLength, ms: performance.now() - started };
  } catch (_err) {
    return { ok: false, reason: "failed", ms: performance.now() - started };
  }
}

/**
 * In the page's worker: start the snapshot worker, wait for its one answer (or MAKE_TIMEOUT_MS),
 * and end it. ``spawn`` makes the Worker; resolves with the outcome, never rejects.
 * @param {{ spawn: () => any, timeoutMs?: number }} env
 * @returns {{ done: Promise<{ ok: boolean, reason?: string, packed?: import("./store.mjs").Packed, rawBytes?: number, ms?: number }>, cancel: () => void }}
 */
export function runMaker(env) {
  /** @type {any} */
  let worker = null;
  /** @type {(value: any) => void} */
  let settle = () => {};
  const answered = new Promise((resolve) => {
    settle = resolve;
    try {
      worker = env.spawn();
      worker.onmessage = (/** @type {MessageEvent} */ e) => resolve(e.data || { ok: false, reason: "failed" });
      worker.onerror = () => resolve({ ok: false, reason: "failed" });
    } catch (_err) {
      resolve({ ok: false, reason: "refused" });
    }
  });
  const done = withTimeout(answered, env.timeoutMs || MAKE_TIMEOUT_MS, "making the snapshot")
    .catch(() => ({ ok: false, reason: "timeout" }))
    .finally(() => {
      if (worker) worker.terminate();
    });
  return { done: done, cancel: () => settle({ ok: false, reason: "cancelled" }) };
}

/**
 * What the page's worker and the page say of the maker: the worker asks (``maker``), the page
 * answers with the maker's one outcome (a maker it could not start: reason "refused") or, when the
 * maker failed with an error, ``makerFailed``.
 * @typedef {{ maker: "start" | "end" }} MakerNotice
 * @typedef {{ makerOutcome: unknown } | { makerFailed: true }} MakerReport
 * @typedef {{ onmessage: ((e: { data: unknown }) => void) | null, onerror: (() => void) | null, terminate: () => void }} MakerStandIn
 *   what runMaker is given in place of the Worker the page starts
 */

/**
 * In the page's worker: runMaker's ``spawn``, a stand-in for the snapshot worker that the page
 * starts (MakerNotice "start") and ends ("end", on terminate); ``takes`` hands the page's
 * MakerReport to the stand-in still current and says whether a message was one.
 * @param {{ postMessage: (message: MakerNotice) => void }} scope the worker's global
 */
export function makerThroughPage(scope) {
  /** @type {MakerStandIn | null} */
  let current = null;
  return {
    spawn() {
      /** @type {MakerStandIn} */
      const standIn = {
        onmessage: null,
        onerror: null,
        terminate() {
          if (current !== standIn) return;
          current = null;
          scope.postMessage({ maker: "end" });
        },
      };
      current = standIn;
      scope.postMessage({ maker: "start" });
      return standIn;
    },
    /** @param {any} data a message from the page @returns {boolean} */
    takes(data) {
      if (!data || typeof data !== "object" || !("makerOutcome" in data || "makerFailed" in data)) return false;
      const standIn = current;
      if (!standIn) return true; // ended: its late outcome is nobody's
      if (!("makerOutcome" in data)) {
        if (standIn.onerror) standIn.onerror();
      } else if (standIn.onmessage) standIn.onmessage({ data: data.makerOutcome });
      return true;
    },
  };
}
