/*
 * api.mjs: window.Veil, the public API (typed in shim/veil.d.ts; tests/unit/test_types.py keeps
 * the two in step).
 *
 * Rules: every member returns at once or a promise; errors inside Veil are counted and reported
 * to Veil.on("error") listeners and never reach the page except as rejected API promises. The
 * object is frozen and window.Veil cannot be replaced.
 */
import { VERSION } from "./version.mjs";
import { addErrorListener, configError, countError, debug } from "./errors.mjs";
import { flush } from "./handover.mjs";
import { forgetConsent, listenToCmp, rememberConsent } from "./consent.mjs";
import { beginRecording, boot, facts, serially, stopObserving, withdraw } from "./lifecycle.mjs";
import { discardEarly, observeEarly } from "./early.mjs";
import { preview, previewFromUrl } from "./preview.mjs";
import { call } from "./rpc.mjs";
import { BASE, state } from "./state.mjs";
import { outbox } from "./transport.mjs";
import { loaderStub, takeOver } from "./stub.mjs";

export function defineVeil() {
  // The loader snippet's stand-in (shim/loader.js), if it is window.Veil: replaced below, its queue replayed.
  var stub = loaderStub();
  /** @type {any} the config given to init, for observing before the runtime is ready */
  var given = null;
  var Veil = {
    get status() {
      return state.status;
    },
    get version() {
      return VERSION;
    },
    /** Validate the config and boot the runtime; start by itself when the core says consent allows. */
    init: function (/** @type {any} */ config) {
      if (state.ready) return Promise.reject(new Error("Veil.init: already called"));
      if (!config || typeof config !== "object" || Array.isArray(config)) {
        return Promise.reject(configError("config", "Veil config: `config` must be an object"));
      }
      state.status = "loading";
      given = config;
      const booting = boot(config); // first: the worker's thread starts before the observer's work
      observeEarly(config, "init"); // consent not required, or a remembered opt-in: observe now
      state.ready = booting.then(function () {
        if (state.status === "loading") state.status = "idle"; // a Veil.stop() meanwhile stays stopped
      }, function (err) {
        state.status = "idle";
        discardEarly();
        if (state.worker) state.worker.terminate();
        state.worker = null;
        state.ready = null;
        countError(err, err.name === "VeilConfigError" ? "config" : "worker");
        throw err;
      });
      return state.ready.then(function () {
        if (state.core && state.core.consent === "tcf") listenToCmp();
        previewFromUrl();
        return call("autostart", { facts: facts() });
      }).then(function (auto) {
        if (auto.start && state.status !== "stopped") {
          return serially(beginRecording).then(function () {}, function (err) {
            countError(err, "lifecycle");
            return withdraw("idle");
          });
        }
        return undefined;
      });
    },
    /** Grant consent; resolves once the first full snapshot is masked, or says why not. */
    start: function () {
      if (!state.ready) return Promise.reject(new Error("Veil.start: call Veil.init(config) first"));
      observeEarly(given, "start"); // the visitor's yes: observe now, send once the gate agrees
      // In the serial queue from this call on, not once the runtime is up: a stop() called after
      // it (even in the same task, while the runtime boots) comes after it, and wins.
      const ready = state.ready;
      const stops = state.stops;
      return serially(function () {
        return ready.then(function () {
          return stops === state.stops ? beginRecording() : { recording: false, reason: "stopped" };
        });
      }).then(function (result) {
        if (stops === state.stops) rememberConsent(); // a later stop() forgot it, and stays
        return result;
      }, function (err) {
        countError(err, "lifecycle");
        withdraw("idle");
        throw err;
      });
    },
    /** Withdraw consent: stop observing at once and drop everything not yet sent. */
    stop: function () {
      state.stops += 1;
      forgetConsent();
      if (!state.ready) return Promise.resolve();
      stopObserving(); // at once, not after whatever is queued
      return serially(function () {
        return withdraw("stopped");
      }).then(function () {});
    },
    /** Mask, batch and send everything observed so far; resolves when the POST is done. */
    flush: function () {
      return flush().catch(function (err) {
        countError(err, "transport");
        return { sent: false, error: String(err && err.message) };
      });
    },
    /** The privacy level the core gives an element, and why (for developers; nothing is sent). */
    explain: function (/** @type {Element} */ element) {
      if (!state.ready) return Promise.reject(new Error("Veil.explain: call Veil.init(config) first"));
      if (!(element instanceof Element)) return Promise.reject(new TypeError("Veil.explain: expected an Element"));
      return state.ready.then(function () {
        return import(new URL("__VEIL_RUNTIME__/veil-observer.mjs", BASE).href);
      }).then(function (mod) {
        /** @type {unknown[]} */
        const chain = [];
        for (let el = /** @type {Element | null} */ (element); el;
          el = el.parentElement || (el.getRootNode && /** @type {any} */ (el.getRootNode()).host) || null) {
          chain.unshift(mod.describeForExplain(el, state.config));
        }
        return call("explain", { chain: chain });
      }).then(function (explanation) {
        debug("explain:", explanation.level + (explanation.secret ? " (forced secret)" : ""), explanation.reasons.join("; "));
        return explanation;
      });
    },
    /** Draw over the page what the replay shows of each element and why (decided by the core as
     * recording decides; nothing is sent or recorded); preview(false) removes it. */
    preview: function (/** @type {boolean | undefined} */ show) {
      return preview(show);
    },
    /** Listen for errors caught inside Veil; returns a function that removes the listener. */
    on: function (/** @type {string} */ event, /** @type {any} */ listener) {
      if (event !== "error" || typeof listener !== "function") throw new TypeError('Veil.on: expected ("error", function)');
      return addErrorListener(listener);
    },
    /** Record a capture event (its reason masked like an error message); in on-error mode it is a
     * trigger: the buffer is sent and the rest of the session recorded. */
    capture: function (/** @type {unknown} */ reason) {
      if (state.status !== "recording" || !state.observer) return Promise.resolve({ captured: false });
      const text = typeof reason === "string" ? reason : "";
      return Promise.resolve(state.observer.capture(text)).then(function (answer) {
        return { captured: answer != null };
      }, function (err) {
        countError(err, "observer");
        return { captured: false };
      });
    },
    /** Counters for diagnostics: errors caught, batches sent, failed and queued, events dropped. */
    stats: function () {
      return Object.assign({}, state.counters, { queuedBatches: outbox.items.length, queueDropped: outbox.dropped }, state.boot);
    },
  };

  Object.defineProperty(window, "Veil", { value: Object.freeze(Veil), writable: false, configurable: false });
  if (stub) takeOver(stub, Veil);
}
