/*
 * api.mjs: window.Veil, the public API (typed in shim/veil.d.ts; tests/unit/test_types.py keeps
 * the two in step).
 *
 * Rules: every member returns at once or a promise; errors inside Veil are counted and reported
 * to Veil.on("error") listeners and never reach the page except as rejected API promises. The
 * object is frozen and window.Veil cannot be replaced. It owns what only the API knows: whether
 * init was called (``ready``), how many times stop() was, and the config given to init; the rest
 * is the lifecycle's (lifecycle.mjs), asked through its functions.
 */
import { VERSION } from "./version.mjs";
import { forgetConsent, listenToCmp, rememberConsent } from "./consent.mjs";
import { addErrorListener, configError, countError, debug } from "./errors.mjs";
import { facts } from "./facts.mjs";
import { beginRecording, boot, capture, coreSettings, currentStatus, flush, observeEarly, pageConfig, stats, stopObserving, withdraw } from "./lifecycle.mjs";
import { loadObserver } from "./observer-options.mjs";
import { serially } from "./serially.mjs";
import { preview, previewFromUrl } from "./preview.mjs";
import { call } from "./rpc.mjs";
import { loaderStub, takeOver } from "./stub.mjs";

/** @typedef {import("./boot.mjs").PageConfig} PageConfig */

/** Under consent "tcf": every CMP answer is a new gate decision, carried out by the lifecycle. */
function followCmp() {
  listenToCmp(/** @type {{ __tcfapi?: unknown }} */ (window).__tcfapi, {
    status: currentStatus,
    serially: serially,
    gate: () => call("gate", { facts: facts() }),
    withdraw: withdraw,
    begin: beginRecording,
  });
}

export function defineVeil() {
  // The loader snippet's stand-in (shim/loader.js), if it is window.Veil: replaced below, its queue replayed.
  const stub = loaderStub();
  /** @type {PageConfig | null} the config given to init, for observing before the runtime is ready */
  let given = null;
  /** @type {Promise<void> | null} the runtime's boot, once init was called (null again if it failed) */
  let ready = null;
  let stops = 0; // how many times Veil.stop() was called: a start() asked before a later stop() does not record
  const Veil = {
    get status() {
      return currentStatus();
    },
    get version() {
      return VERSION;
    },
    /** Validate the config and boot the runtime; start by itself when the core says consent allows. @param {unknown} config */
    init: (config) => {
      if (ready) return Promise.reject(new Error("Veil.init: already called"));
      if (!config || typeof config !== "object" || Array.isArray(config)) {
        return Promise.reject(configError("config", "Veil config: `config` must be an object"));
      }
      const pageConfigGiven = /** @type {PageConfig} */ (config);
      given = pageConfigGiven;
      const booting = boot(pageConfigGiven); // first: the worker's thread starts before the observer's work
      observeEarly(pageConfigGiven, "init"); // consent not required, or a remembered opt-in: observe now
      ready = booting.catch((err) => {
        ready = null;
        throw err;
      });
      const initialized = ready
        .then(() => {
          const settings = coreSettings();
          if (settings && settings.consent === "tcf") followCmp();
          previewFromUrl(ready);
          return call("autostart", { facts: facts() });
        })
        .then((auto) => {
          if (auto.start && currentStatus() !== "stopped") {
            return serially(beginRecording).then(
              () => {},
              (err) => {
                countError(err, "lifecycle");
                return withdraw("idle");
              },
            );
          }
          return undefined;
        })
        .then(() => {});
      // A browser that cannot run Veil (no module workers, a Worker refused or failing) is not
      // the page's bug: init still rejects, but a page that ignores init's promise (the README's
      // snippet) gets no unhandled rejection; the error is counted and reported to on("error").
      // A config the core rejects is the developer's to see, and stays unhandled if ignored.
      /** @type {Promise<void>} */
      const returned = new Promise((resolve, reject) => {
        initialized.then(resolve, (err) => {
          if (!err || err.name !== "VeilConfigError") returned.catch(() => {});
          reject(err);
        });
      });
      return returned;
    },
    /** Grant consent; resolves once the first full snapshot is masked, or says why not. */
    start: () => {
      if (!ready) return Promise.reject(new Error("Veil.start: call Veil.init(config) first"));
      if (given) observeEarly(given, "start"); // the visitor's yes: observe now, send once the gate agrees
      // In the serial queue from this call on, not once the runtime is up: a stop() called after
      // it (even in the same task, while the runtime boots) comes after it, and wins.
      const booted = ready;
      const stopsBefore = stops;
      return serially(() =>
        booted.then(() => (stopsBefore === stops ? beginRecording() : { recording: false, reason: /** @type {const} */ ("stopped") })),
      ).then(
        (result) => {
          if (stopsBefore === stops) rememberConsent(coreSettings()); // a later stop() forgot it, and stays
          return result;
        },
        (err) => {
          countError(err, "lifecycle");
          withdraw("idle");
          throw err;
        },
      );
    },
    /** Withdraw consent: stop observing at once and drop everything not yet sent. */
    stop: () => {
      stops += 1;
      forgetConsent(coreSettings());
      if (!ready) return Promise.resolve();
      stopObserving(); // at once, not after whatever is queued
      return serially(() => withdraw("stopped")).then(() => {});
    },
    /** Mask, batch and send everything observed so far (open rage-click bursts included); resolves when the POST is done. */
    flush: () =>
      flush({ close: true }).catch((err) => {
        countError(err, "transport");
        return { sent: false, error: String(err && err.message) };
      }),
    /** The privacy level the core gives an element, and why (for developers; nothing is sent). @param {unknown} element */
    explain: (element) => {
      if (!ready) return Promise.reject(new Error("Veil.explain: call Veil.init(config) first"));
      if (!(element instanceof Element)) return Promise.reject(new TypeError("Veil.explain: expected an Element"));
      return ready
        .then(() => loadObserver())
        .then((mod) => {
          const config = pageConfig() || {};
          /** @type {Array<import("../generated/contract.mjs").ExplainEntry>} */
          const chain = [];
          for (
            let el = /** @type {Element | null} */ (element);
            el;
            el = el.parentElement || /** @type {{ host?: Element }} */ (el.getRootNode()).host || null
          ) {
            chain.unshift(mod.describeForExplain(el, config));
          }
          Object.assign(chain[chain.length - 1], mod.contentForExplain(element));
          return call("explain", { chain: chain });
        })
        .then((explanation) => {
          debug("explain:", explanation.level + (explanation.secret ? " (forced secret)" : ""), explanation.reasons.join("; "));
          return explanation;
        });
    },
    /** Draw over the page what the replay shows of each element and why (decided by the core as
     * recording decides; nothing is sent or recorded); preview(false) removes it. @param {boolean | undefined} show */
    preview: (show) => preview(show, ready),
    /** Listen for errors caught inside Veil; returns a function that removes the listener. @param {string} event @param {unknown} listener */
    on: (event, listener) => {
      if (event !== "error" || typeof listener !== "function") throw new TypeError('Veil.on: expected ("error", function)');
      return addErrorListener(/** @type {(report: import("./errors.mjs").ErrorReport) => void} */ (listener));
    },
    /** Record a capture event (its reason masked like an error message); in on-error mode it is a
     * trigger: the buffer is sent and the rest of the session recorded. @param {unknown} reason */
    capture: (reason) => {
      const text = typeof reason === "string" ? reason : "";
      return capture(text).then(
        (captured) => ({ captured: captured }),
        (err) => {
          countError(err, "observer");
          return { captured: false };
        },
      );
    },
    /** Counters for diagnostics: errors caught, batches sent, failed and queued, events dropped. */
    stats: () => stats(),
  };

  Object.defineProperty(window, "Veil", {
    value: /** @satisfies {import("../veil.d.ts").VeilApi} */ (Object.freeze(Veil)),
    writable: false,
    configurable: false,
  });
  if (stub) takeOver(stub, Veil);
}
