/*
 * veil-snapshot-worker.mjs: makes the runtime's memory snapshot and stores it, then exits.
 *
 * Rules: started by the page's worker (veil-worker.mjs) with nothing but its URL: it has no
 * message handler, so no config, token, endpoint, URL or page content can reach it, and the
 * snapshot holds Pyodide and the imported core only. It boots plain from dist/'s files, imports
 * the core with runPython (see worker/maker.mjs), stores the snapshot in Cache Storage under the
 * runtime's key, posts one outcome ({ok, reason?, rawBytes?, storedBytes?, ms}) and closes.
 */
import { makeAndStore } from "./worker/maker.mjs";
import { IMPORT_CORE, VEIL_WHEEL, WHEEL_PATH, here, pyodideModule, pyodideOptions } from "./worker/runtime.mjs";
import { snapshotKey } from "./worker/store.mjs";

/** The wheel's bytes (from the HTTP cache: the page's worker fetched it a moment ago, or its snapshot did). */
async function wheel() {
  const response = await fetch(here("./python/" + VEIL_WHEEL));
  if (!response.ok) throw new Error("the veil wheel answered " + response.status);
  return new Uint8Array(await response.arrayBuffer());
}

/** Cache Storage, or null where it is refused (its getter may throw). */
function storage() {
  try {
    return /** @type {any} */ (self).caches || null;
  } catch (_err) {
    return null;
  }
}

makeAndStore({
  loadPyodide: (options) => pyodideModule().then((mod) => mod.loadPyodide(options)),
  options: pyodideOptions,
  wheel: wheel,
  wheelPath: WHEEL_PATH,
  importCore: IMPORT_CORE,
  caches: storage(),
  key: snapshotKey(import.meta.url),
}).then((outcome) => {
  self.postMessage(outcome);
  self.close();
});
