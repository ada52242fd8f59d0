/*
 * lifecycle.mjs: booting the runtime and the recording's life: begin, tick, pause, end, withdraw.
 *
 * Rules: this module decides nothing about privacy. It reports facts (Do-Not-Track, GPC, the URL,
 * what it stored, the CMP's answer) to the Python gate, and carries out what the core decides
 * (start, pause on an excluded URL, rotate the session). An observer started before the runtime
 * was ready (early.mjs) hands its buffer to the worker only after the gate said yes and the core
 * started; a "no" discards it unsent. Without one, the observer is loaded after the gate said yes. Start/stop/consent changes run one at a time, in order (serially). Every file it
 * loads is a sibling of veil.js's own URL (BASE). Errors are counted with where they happened.
 */
import { channelOptions } from "./channels.mjs";
import { countError, countingAs, configError, debug } from "./errors.mjs";
import { discardEarly, handOverEarly, stopObserver } from "./early.mjs";
import { flush } from "./handover.mjs";
import { onHidden, onPageHide } from "./keepalive.mjs";
import { hookNavigation, unhookNavigation } from "./navigation.mjs";
import { call, failAll, onWorkerMessage } from "./rpc.mjs";
import { BASE, FLUSH_INTERVAL_MS, OBSERVE_DELAY_MS, state } from "./state.mjs";
import { CONSENT_KEY, SESSION_KEY, readStored, writeStored } from "./storage.mjs";
import { clearOutbox, onOffline, onOnline } from "./transport.mjs";

/**
 * Run fn after every earlier start/stop/consent change has settled.
 * @template T
 * @param {() => T | Promise<T>} fn
 * @returns {Promise<T>}
 */
export function serially(fn) {
  const next = state.queue.then(fn, fn);
  state.queue = next.catch(function () {});
  return next;
}

// Resolves in a task after the page's load event has been fully dispatched (readyState is
// "complete" already while load listeners run), so no runtime request can hold the event up.
/** @returns {Promise<void>} */
function afterLoad() {
  return new Promise(function (resolve) {
    function later() {
      setTimeout(resolve, 0);
    }
    if (document.readyState === "complete") later();
    else window.addEventListener("load", later, { once: true });
  });
}

// JSON cannot carry a RegExp or a function: describe them so the Python validator can judge.
/** @param {unknown} value @returns {unknown} */
function describe(value) {
  if (value instanceof RegExp) return { regexp: value.source, flags: value.flags };
  if (typeof value === "function") return { function: true };
  if (Array.isArray(value)) return value.map(describe);
  if (value && typeof value === "object") {
    /** @type {Record<string, unknown>} */
    const out = {};
    Object.keys(value).forEach(function (k) {
      out[k] = describe(/** @type {Record<string, unknown>} */ (value)[k]);
    });
    return out;
  }
  return value;
}

/** @param {any} config */
function checkSelectors(config) {
  const probe = document.createDocumentFragment();
  ["allowSelectors", "maskSelectors", "blockSelectors"].forEach(function (key) {
    (config[key] || []).forEach(function (/** @type {string} */ selector) {
      try {
        probe.querySelector(selector);
      } catch (e) {
        throw configError(key, "Veil config: `" + key + "` holds an invalid CSS selector: " + JSON.stringify(selector));
      }
    });
  });
}

/** What the gate judges: the browser's signals, the URL, and what Veil stored. */
export function facts() {
  return {
    doNotTrack: navigator.doNotTrack || /** @type {any} */ (window).doNotTrack || null,
    globalPrivacyControl: /** @type {any} */ (navigator).globalPrivacyControl === true,
    href: location.href,
    now: Date.now(),
    storedConsent: readStored("localStorage", CONSENT_KEY),
    storedSession: readStored("sessionStorage", SESSION_KEY),
    tcf: state.tcf,
  };
}

// True once the page's load event has ended (veil.js injected by the loader snippet, or init
// called late): the worker can start at once, in this task, with nothing to hold up.
function loadEnded() {
  try {
    const nav = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType("navigation")[0]);
    return Boolean(nav && nav.loadEventEnd > 0);
  } catch (e) {
    return false; // no Navigation Timing: wait for the event as a page still loading would
  }
}

function startWorker() {
  const worker = new Worker(new URL("__VEIL_RUNTIME__/veil-worker.mjs", BASE), { type: "module", name: "veil" });
  state.worker = worker;
  worker.onmessage = onWorkerMessage;
  worker.onerror = function (e) {
    const message = "Veil: the worker failed" + (e && e.message ? ": " + e.message : "");
    if (state.core) countError(new Error(message), "worker"); // during init, init's rejection reports it
    failAll(message);
  };
}

// Whether this page view will likely record: consent is not needed, or this tab's visit went
// through the gate already. Only a hint (the gate decides): with it, the worker has the runtime's
// memory snapshot made beside its own boot, so that a short page view still stores one for the
// next (the worker stores it only once the view records).
/** @param {any} rawConfig */
function likelyToRecord(rawConfig) {
  return (rawConfig && rawConfig.consent === "not-required") || readStored("sessionStorage", SESSION_KEY) !== null;
}

/** Start the worker after the page's load event and let the core validate the config. @param {object} rawConfig */
export function boot(rawConfig) {
  const described = describe(rawConfig);
  // Once the load event has ended, in this task (its thread starts while the rest of init runs);
  // the executor turns a Worker refused (a CSP's worker-src) into init's rejection, not a throw.
  const started = loadEnded() ? new Promise(function (resolve) { resolve(startWorker()); }) : afterLoad().then(startWorker);
  return started.then(function () {
    return call("configure", { config: JSON.stringify(described), ahead: likelyToRecord(rawConfig) });
  }).then(function (result) {
    if (!result.ok) throw configError(result.key, result.message);
    checkSelectors(rawConfig);
    state.config = rawConfig;
    state.core = result;
    debug("runtime ready; consent mode", result.consent);
  });
}

/** Ask the gate; record (observer, timers, hooks, first flush) or settle in its status. @returns {Promise<{recording: boolean, reason?: string}>} */
export function beginRecording() {
  if (state.status === "recording") return Promise.resolve({ recording: true });
  return call("gate", { facts: facts() }).then(function (decision) {
    debug("gate:", decision.record ? "record" : "do not record (" + decision.reason + ")");
    if (decision.session) writeStored("sessionStorage", SESSION_KEY, decision.session);
    if (!decision.record) {
      endRecording();
      state.status = decision.status;
      if (decision.status === "paused") hookNavigation(); // resume when the visitor leaves
      return { recording: false, reason: decision.reason };
    }
    state.generation += 1;
    return call("start").then(function (started) {
      // A rotated session starts without a write key: keys are looked up by session id.
      state.sessionId = started && started.session ? started.session : null;
      if (started && started.buffering) debug("on error: buffering in the worker; nothing is sent before a trigger");
      return handOverEarly(postObservations);
    }).then(function (early) {
      if (early) {
        state.observer = early.observer; // its buffer is on its way to the worker, in order
        return early.result;
      }
      return startObserver();
    }).then(function (result) {
      if (!result || !result.snapshots) throw new Error("Veil: the first snapshot could not be masked");
      state.status = "recording";
      clearInterval(state.flushTimer);
      state.flushTimer = setInterval(tick, FLUSH_INTERVAL_MS);
      document.addEventListener("visibilitychange", onHidden);
      window.addEventListener("pagehide", onPageHide);
      window.addEventListener("offline", onOffline);
      window.addEventListener("online", onOnline);
      hookNavigation();
      flush().catch(countingAs("transport")); // the full snapshot leaves at once, not with the timer
      return { recording: true };
    });
  });
}

/** Load the observer and take the first full snapshot; resolves like its start(). */
function startObserver() {
  return import(new URL("__VEIL_RUNTIME__/veil-observer.mjs", BASE).href).then(function (mod) {
    state.observer = mod.createObserver({
      post: postObservations,
      delayMs: OBSERVE_DELAY_MS,
      allowSelectors: state.config.allowSelectors || [],
      maskSelectors: state.config.maskSelectors || [],
      blockSelectors: state.config.blockSelectors || [],
      measure: state.config.debug === true,
      onError: countingAs("observer"),
      ...channelOptions(state.config),
    });
    return state.observer.start();
  });
}

// Under debug, User Timing measures show Veil's cost: veil:mask-latency runs from the oldest
// observation in a hand-over to the masked result coming back from the worker;
// veil:worker-mask lasts as long as Python's masking of that hand-over took in the worker.
/** @param {string} name @param {number} startEpochMs */
function measure(name, startEpochMs) {
  if (!state.config || state.config.debug !== true) return;
  try {
    performance.measure(name, { start: Math.max(0, startEpochMs - performance.timeOrigin), end: performance.now() });
  } catch (e) {
    // User Timing is a diagnostic: its absence must not matter
  }
}

// ``eventsJson`` is the observer's hand-over, already a JSON string (cheap to pass to the
// worker); ``oldest`` is the epoch time of its first observation.
/** @param {string} eventsJson @param {number} oldest */
function postObservations(eventsJson, oldest) {
  const generation = state.generation;
  return call("observe", { events: eventsJson }).then(function (result) {
    measure("veil:mask-latency", oldest);
    measure("veil:worker-mask", performance.timeOrigin + performance.now() - result.maskMs);
    if (generation !== state.generation) return result;
    state.dirty = true;
    state.counters.dropped = result.dropped;
    state.counters.workerQueueBytes = result.pendingBytes || 0;
    if (result.memoryBytes) state.counters.workerMemoryBytes = result.memoryBytes;
    state.standby = result.standby || null;
    // On error: the buffer was sent; the session records from now on, on every page of it.
    if (result.session) writeStored("sessionStorage", SESSION_KEY, result.session);
    result.actions.forEach(function (/** @type {string} */ action) {
      if (action === "snapshot" && state.observer) state.observer.snapshot();
      if (action === "flush") flush().catch(countingAs("transport"));
      if (action === "pause") {
        debug("navigated to an excluded URL: paused");
        serially(pauseRecording).catch(countingAs("lifecycle"));
      }
    });
    return result;
  });
}

// The collector refused the current session (no write key): record on in a new one. The stored
// session is forgotten, so the gate draws a new id (and a new sampling decision).
state.onSessionRefused = function () {
  const refused = state.sessionId;
  serially(function () {
    if (state.status !== "recording" || state.sessionId !== refused) return undefined; // done already
    debug("session refused by the collector: recording goes on in a new session");
    try {
      sessionStorage.removeItem(SESSION_KEY);
    } catch (e) {
      countError(e, "storage");
    }
    endRecording();
    state.status = "idle";
    return beginRecording();
  }).catch(countingAs("lifecycle"));
};

// Every few seconds: send what is new, and let the core keep (or rotate) the session.
function tick() {
  const active = state.dirty || (state.observer && state.observer.pending());
  if (active) flush().catch(countingAs("transport"));
  call("tick", { now: Date.now(), active: !!active }).then(function (result) {
    if (result.session) writeStored("sessionStorage", SESSION_KEY, result.session);
    (result.actions || []).forEach(function (/** @type {string} */ action) {
      if (action === "snapshot" && state.observer && !result.rotate) state.observer.snapshot(); // on error: a fresh start for the buffer
      if (action === "flush") flush().catch(countingAs("transport")); // frustration signals judged by time
    });
    if (result.rotate) {
      serially(function () {
        return flush().then(function () {
          endRecording();
          state.status = "idle";
          return beginRecording();
        });
      }).catch(countingAs("lifecycle"));
    }
  }).catch(countingAs("lifecycle"));
}

export function stopObserving() {
  state.generation += 1;
  state.standby = null;
  discardEarly(); // observed before the gate answered: never sent
  if (state.observer) {
    stopObserver(state.observer);
    state.observer = null;
  }
}

function endRecording() {
  stopObserving();
  clearInterval(state.flushTimer);
  document.removeEventListener("visibilitychange", onHidden);
  window.removeEventListener("pagehide", onPageHide);
  window.removeEventListener("offline", onOffline);
  window.removeEventListener("online", onOnline);
}

// The core dropped everything after a navigation to an excluded URL: stop reading the page.
function pauseRecording() {
  if (state.status !== "recording") return;
  stopObserving();
  state.status = "paused";
}

/** Stop recording, drop everything unsent, and settle in ``status``. @param {string} status */
export function withdraw(status) {
  endRecording();
  unhookNavigation();
  clearOutbox(); // nothing unsent leaves after consent is withdrawn
  state.status = status;
  return state.worker ? call("stop") : undefined;
}
