/*
 * maker-host.mjs: the page's side of the runtime's memory snapshot: it starts the snapshot worker
 * (veil-snapshot-worker.mjs) when the page's worker asks, and hands that worker's one outcome to it.
 *
 * Rules: the page only starts, relays and ends: the page's worker decides when a snapshot is made
 * and what becomes of it (shim/worker/nextviews.mjs), and the snapshot worker is given nothing of
 * the page (it has no message handler). Started here rather than by the page's worker: in Firefox,
 * a worker that had started another, and whose page left while that one was still running, left
 * the next page view's worker blocked for good (docs/browsers.md). One maker at a time; "end", a
 * second "start", or the page's worker ending (``end``) terminate the one running. The outcome's
 * packed bytes are transferred, not copied. A maker the page refuses (a CSP's worker-src) is told
 * to the worker as refused (snapshotStoreReason "refused"); nothing here throws into the page.
 */

/**
 * @typedef {import("../worker/maker.mjs").MakerNotice} MakerNotice
 * @param {{ postMessage: (message: unknown, transfer: Transferable[]) => void }} worker the page's worker
 * @param {string} makerUrl the snapshot worker's script
 */
export function hostMaker(worker, makerUrl) {
  /** @type {Worker | null} */
  let maker = null;

  function end() {
    if (!maker) return;
    maker.terminate();
    maker = null;
  }

  /** @param {unknown} message */
  function tell(message) {
    const packed = message && /** @type {any} */ (message).makerOutcome && /** @type {any} */ (message).makerOutcome.packed;
    try {
      worker.postMessage(message, packed && packed.body && packed.body.buffer ? [packed.body.buffer] : []);
    } catch (_err) {
      // the page's worker is gone: nothing waits for the outcome
    }
  }

  function start() {
    end();
    /** @type {Worker} */
    let started;
    try {
      started = new Worker(makerUrl, { type: "module", name: "veil-snapshot" });
    } catch (_err) {
      tell({ makerOutcome: { ok: false, reason: "refused" } }); // as runMaker says of a Worker it cannot start
      return;
    }
    maker = started;
    started.onmessage = (e) => {
      if (maker !== started) return;
      end();
      tell({ makerOutcome: e.data });
    };
    started.onerror = () => {
      if (maker !== started) return;
      end();
      tell({ makerFailed: true });
    };
  }

  return {
    /** Whether ``data`` (from the page's worker) was a MakerNotice, acted on. @param {any} data @returns {boolean} */
    takes(data) {
      if (!data || typeof data !== "object" || !("maker" in data)) return false;
      if (/** @type {MakerNotice} */ (data).maker === "start") start();
      else end();
      return true;
    },
    end,
  };
}
