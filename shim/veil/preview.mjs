/*
 * preview.mjs: Veil.preview(), the privacy preview drawn over the live page, and its
 * ?veil-preview switch under debug.
 *
 * Rules: it loads the preview module (veil-preview.mjs) and the observer module (whose ignore
 * list keeps the overlay out of every recording) only when asked, and asks the core for the
 * verdicts through the worker's "preview" message: nothing is decided here and nothing is sent.
 * It owns the one preview drawn: a new one replaces it; preview(false) removes every trace, also of
 * a preview still being prepared. Debug output is counts, never page content.
 */
import { PREVIEW_URL } from "./base.mjs";
import { countError, debug } from "./errors.mjs";
import { coreSettings, pageConfig } from "./lifecycle.mjs";
import { loadObserver } from "./observer-options.mjs";
import { call } from "./rpc.mjs";

/**
 * @typedef {{ ignoreSubtree: (root: Node) => () => void, isIgnored: (n: Node) => boolean }} IgnoreList
 * @typedef {{ shown: boolean, counts: Record<string, number>, drawn: number, truncated: boolean, verdicts: unknown[] }} PreviewResult
 */

/** @type {{ close: () => void } | null} */
let current = null;
let generation = 0;

/** What preview(false) and a replaced preview resolve with. @returns {PreviewResult} */
function nothingShown() {
  return { shown: false, counts: { clear: 0, masked: 0, typed: 0, secret: 0, blocked: 0 }, drawn: 0, truncated: false, verdicts: [] };
}

export function closePreview() {
  generation += 1;
  if (current) current.close();
  current = null;
}

/**
 * @param {boolean | undefined} show false: remove it
 * @param {Promise<void> | null} ready the runtime's boot (null before Veil.init)
 * @returns {Promise<PreviewResult>}
 */
export function preview(show, ready) {
  closePreview();
  if (show === false) return Promise.resolve(nothingShown());
  if (!ready) return Promise.reject(new Error("Veil.preview: call Veil.init(config) first"));
  const mine = generation;
  return ready.then(function () {
    return Promise.all([loadObserver(), import(PREVIEW_URL)]);
  }).then(function (mods) {
    if (mine !== generation) return nothingShown();
    const observer = /** @type {IgnoreList} */ (/** @type {unknown} */ (mods[0]));
    const opened = mods[1].openPreview({
      config: pageConfig() || {},
      judge: function (/** @type {string} */ rows) {
        return call("preview", { rows: rows }).then(function (answer) {
          return JSON.parse(answer.json);
        });
      },
      ignore: observer.ignoreSubtree,
      isIgnored: observer.isIgnored,
      onClose: closePreview,
    });
    current = opened;
    return opened.done.then(function (/** @type {PreviewResult | null} */ result) {
      if (!result || mine !== generation) return nothingShown();
      debug("preview:", JSON.stringify(result.counts), result.drawn + " drawn" + (result.truncated ? " (truncated)" : ""));
      return result;
    }, function (/** @type {unknown} */ err) {
      if (mine === generation) closePreview();
      throw err;
    });
  });
}

/** Under debug, ?veil-preview in the page's URL draws the preview once the runtime is up. @param {Promise<void> | null} ready */
export function previewFromUrl(ready) {
  const settings = coreSettings();
  if (!settings || settings.debug !== true) return;
  let asked = false;
  try {
    asked = new URLSearchParams(location.search).has("veil-preview");
  } catch (e) {
    asked = false;
  }
  if (asked) {
    preview(undefined, ready).catch(function (/** @type {unknown} */ err) {
      countError(err, "api");
    });
  }
}
