/*
 * base.mjs: where veil.js was loaded from. Every file Veil loads is a sibling of it.
 *
 * Rules: veil.mjs (the module entry) hands over its own base URL: a module has no currentScript.
 * The bundle runs this module while the classic script runs, so document.currentScript is still
 * set. Nothing else is read: no other host is ever contacted for Veil's own files.
 */

const currentScript = typeof document !== "undefined" ? document.currentScript : null;

/** veil.js's directory, ending in "/". */
export const BASE =
  /** @type {{ __veilBase?: string }} */ (globalThis).__veilBase ||
  new URL(".", currentScript && /** @type {HTMLScriptElement} */ (currentScript).src ? /** @type {HTMLScriptElement} */ (currentScript).src : location.href)
    .href;

// The runtime's files, beside veil.js: the build fills in the runtime directory's hashed name.
/** The page's worker (Pyodide + the veil wheel). */
export const WORKER_URL = new URL("__VEIL_RUNTIME__/veil-worker.mjs", BASE).href;
/** The runtime's memory snapshot's maker (started by the page on its worker's word: maker-host.mjs). */
export const MAKER_URL = new URL("__VEIL_RUNTIME__/veil-snapshot-worker.mjs", BASE).href;
/** The observer, bundled with its trackers. */
export const OBSERVER_URL = new URL("__VEIL_RUNTIME__/veil-observer.mjs", BASE).href;
/** The privacy preview (Veil.preview), loaded only when asked. */
export const PREVIEW_URL = new URL("__VEIL_RUNTIME__/veil-preview.mjs", BASE).href;
