/*
 * veil-snapshot-worker.mjs: makes the runtime's memory snapshot, hands it to the page's worker, exits.
 *
 * Rules: started by the page's worker (veil-worker.mjs) with nothing but its URL: it has no
 * message handler, so no config, token, endpoint, URL or page content can reach it, and the
 * snapshot holds Pyodide and the imported core only. It boots plain from dist/'s files, imports
 * the core with runPython (see worker/maker.mjs), packs the snapshot for the runtime's key, posts
 * one outcome ({ok, reason?, packed?, rawBytes?, ms}, the packed bytes transferred) and closes;
 * the page's worker stores it once its page view records.
 */
import { makeSnapshot } from "./worker/maker.mjs";
import { IMPORT_CORE, VEIL_WHEEL, WHEEL_PATH, here, pyodideOptions, startingPyodide } from "./worker/runtime.mjs";
import { snapshotKey } from "./worker/store.mjs";

/** The wheel's bytes (from the HTTP cache, where the page's worker fetches it too). */
async function wheel() {
  const response = await fetch(here("./python/" + VEIL_WHEEL));
  if (!response.ok) throw new Error("the veil wheel answered " + response.status);
  return new Uint8Array(await response.arrayBuffer());
}

makeSnapshot({
  loadPyodide: (options) => startingPyodide().then((load) => load(options)),
  options: pyodideOptions,
  wheel: wheel,
  wheelPath: WHEEL_PATH,
  importCore: IMPORT_CORE,
  key: snapshotKey(import.meta.url),
}).then((outcome) => {
  /** @type {Transferable[]} the packed bytes move, not copied */
  const transfer = outcome.packed ? [/** @type {ArrayBuffer} */ (outcome.packed.body.buffer)] : [];
  /** @type {any} */ (self).postMessage(outcome, transfer);
  self.close();
});
