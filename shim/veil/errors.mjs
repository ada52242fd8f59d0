/*
 * errors.mjs: where every error inside Veil ends, and the debug log.
 *
 * Rules: countError(err, where) is always given the error and where it happened (one of
 * "config", "worker", "transport", "observer", "storage", "consent", "navigation", "lifecycle",
 * "before-send", "api", "site-text"). It increments stats().errors, prints it under debug: true, and hands
 * {message, where} to every Veil.on("error") listener; it never rethrows into the page. Debug
 * output is Veil's decisions only (levels, reasons, sizes, statuses), never page content. This
 * module owns the error count, the listeners and whether debug is on (set once the core accepted
 * the config).
 */

/** @typedef {{ message: string, where: string }} ErrorReport */

/** @type {Array<(report: ErrorReport) => void>} */
const errorListeners = [];
let errorCount = 0;
let debugOn = false;

/**
 * @param {unknown} err
 * @param {string} where
 */
export function countError(err, where) {
  errorCount += 1;
  const e = /** @type {{ message?: unknown } | null | undefined} */ (err);
  const report = { message: String((e && e.message) || e || "error").slice(0, 300), where: where || "internal" };
  debug("error in", report.where + ":", report.message);
  errorListeners.slice().forEach(function (listener) {
    try {
      listener(report);
    } catch (e) {
      // a listener's own bug must not become Veil's or the page's
    }
  });
}

/** A catch handler that counts the error as having happened in ``where``. @param {string} where */
export function countingAs(where) {
  return function (/** @type {unknown} */ err) {
    countError(err, where);
  };
}

/** @param {(report: ErrorReport) => void} listener @returns {() => void} */
export function addErrorListener(listener) {
  errorListeners.push(listener);
  return function () {
    const i = errorListeners.indexOf(listener);
    if (i >= 0) errorListeners.splice(i, 1);
  };
}

/** Errors caught inside Veil so far (Veil.stats().errors). */
export function errorStats() {
  return { errors: errorCount };
}

/** debug: true in the config the core accepted. @param {boolean} on */
export function setDebug(on) {
  debugOn = on;
}

/** debug: true prints Veil's decisions. @param {...unknown} args */
export function debug(...args) {
  if (!debugOn) return;
  console.info("[veil]", ...args);
}

/**
 * @param {string} key
 * @param {string} message
 * @returns {Error & { key: string }}
 */
export function configError(key, message) {
  const err = /** @type {Error & { key: string }} */ (new Error(message));
  err.name = "VeilConfigError";
  err.key = key;
  return err;
}
