/*
 * preview.mjs: Veil.preview(), the privacy preview drawn over the live page, and its
 * ?veil-preview switch under debug.
 *
 * Rules: it loads the preview module (veil-preview.mjs) and the observer module (whose ignore
 * list keeps the overlay out of every recording) only when asked, and asks the core for the
 * verdicts through the worker's "preview" message: nothing is decided here and nothing is sent.
 * One preview at a time: a new one replaces the one drawn; preview(false) removes every trace,
 * also of a preview still being prepared. Debug output is counts, never page content.
 */
import { countError, debug } from "./errors.mjs";
import { call } from "./rpc.mjs";
import { BASE, state } from "./state.mjs";

/** @type {{ close: () => void } | null} */
let current = null;
let generation = 0;

/** What preview(false) and a closed preview resolve with. */
function nothingShown() {
  return { shown: false, counts: { clear: 0, masked: 0, typed: 0, secret: 0, blocked: 0 }, drawn: 0, truncated: false, verdicts: [] };
}

export function closePreview() {
  generation += 1;
  if (current) current.close();
  current = null;
}

/** @param {boolean} [show] @returns {Promise<any>} */
export function preview(show) {
  closePreview();
  if (show === false) return Promise.resolve(nothingShown());
  if (!state.ready) return Promise.reject(new Error("Veil.preview: call Veil.init(config) first"));
  const mine = generation;
  return state.ready.then(function () {
    return Promise.all([
      import(new URL("__VEIL_RUNTIME__/veil-observer.mjs", BASE).href),
      import(new URL("__VEIL_RUNTIME__/veil-preview.mjs", BASE).href),
    ]);
  }).then(function (mods) {
    if (mine !== generation) return nothingShown();
    const observer = mods[0];
    const opened = mods[1].openPreview({
      config: state.config,
      judge: function (/** @type {string} */ rows) {
        return call("preview", { rows: rows }).then(function (/** @type {{ json: string }} */ answer) {
          return JSON.parse(answer.json);
        });
      },
      ignore: observer.ignoreSubtree,
      isIgnored: observer.isIgnored,
      onClose: closePreview,
    });
    current = opened;
    return opened.done.then(function (/** @type {any} */ result) {
      if (!result || mine !== generation) return nothingShown();
      debug("preview:", JSON.stringify(result.counts), result.drawn + " drawn" + (result.truncated ? " (truncated)" : ""));
      return result;
    }, function (/** @type {unknown} */ err) {
      if (mine === generation) closePreview();
      throw err;
    });
  });
}

/** Under debug, ?veil-preview in the page's URL draws the preview once the runtime is up. */
export function previewFromUrl() {
  if (!state.core || state.core.debug !== true) return;
  let asked = false;
  try {
    asked = new URLSearchParams(location.search).has("veil-preview");
  } catch (e) {
    asked = false;
  }
  if (asked) {
    preview().catch(function (/** @type {unknown} */ err) {
      countError(err, "api");
    });
  }
}
