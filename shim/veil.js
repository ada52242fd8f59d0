/*
 * veil.js: Veil's public API, loader and transport (a classic script; defines window.Veil).
 *
 * Rules: this file observes nothing itself and decides nothing about privacy. It boots the
 * worker (Pyodide + the veil wheel), asks the Python gate before any DOM is read, loads the
 * observer only after the gate says yes, and sends only the gzipped batches the Python core
 * returns. Every file it loads is a sibling of this script's own URL. Errors inside Veil are
 * caught and counted; they never reach the host page except as rejected API promises.
 */
(function () {
  "use strict";
  if (window.Veil) return;

  var currentScript = document.currentScript;
  var BASE = new URL(".", currentScript && currentScript.src ? currentScript.src : location.href).href;
  var FLUSH_INTERVAL_MS = 5000;
  var OBSERVE_DELAY_MS = 100;

  var state = {
    status: "idle",
    config: null,
    consent: "opt-in",
    worker: null,
    ready: null,
    observer: null,
    session: null,
    requests: new Map(),
    nextRequest: 1,
    flushTimer: 0,
    standby: null,
    inflight: new Set(),
    dirty: false,
    starting: null,
    generation: 0,
    counters: { errors: 0, batchesSent: 0, batchesFailed: 0, dropped: 0 },
  };

  function countError() {
    state.counters.errors += 1;
  }

  function configError(key, message) {
    var err = new Error(message);
    err.name = "VeilConfigError";
    err.key = key;
    return err;
  }

  // JSON cannot carry a RegExp or a function: describe them so the Python validator can judge.
  function describe(value) {
    if (value instanceof RegExp) return { regexp: value.source, flags: value.flags };
    if (typeof value === "function") return { function: true };
    if (Array.isArray(value)) return value.map(describe);
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) {
        out[k] = describe(value[k]);
      });
      return out;
    }
    return value;
  }

  function call(type, payload, transfer) {
    return new Promise(function (resolve, reject) {
      if (!state.worker) return reject(new Error("Veil: the runtime is not running"));
      var id = state.nextRequest++;
      state.requests.set(id, { resolve: resolve, reject: reject });
      state.worker.postMessage({ id: id, type: type, payload: payload }, transfer || []);
    });
  }

  function onWorkerMessage(e) {
    var msg = e.data || {};
    var pending = state.requests.get(msg.id);
    if (!pending) return;
    state.requests.delete(msg.id);
    if (msg.ok) pending.resolve(msg.result);
    else pending.reject(new Error("Veil worker: " + msg.error));
  }

  function failAll(reason) {
    state.requests.forEach(function (p) {
      p.reject(new Error(reason));
    });
    state.requests.clear();
  }

  function afterLoad() {
    if (document.readyState === "complete") return Promise.resolve();
    return new Promise(function (resolve) {
      window.addEventListener("load", function () {
        resolve();
      }, { once: true });
    });
  }

  function checkSelectors(config) {
    var probe = document.createDocumentFragment();
    ["allowSelectors", "maskSelectors", "blockSelectors"].forEach(function (key) {
      (config[key] || []).forEach(function (selector) {
        try {
          probe.querySelector(selector);
        } catch (e) {
          throw configError(key, "Veil config: `" + key + "` holds an invalid CSS selector: " + JSON.stringify(selector));
        }
      });
    });
  }

  function boot(rawConfig) {
    var described = describe(rawConfig);
    return afterLoad().then(function () {
      var worker = new Worker(new URL("veil-worker.mjs", BASE), { type: "module", name: "veil" });
      state.worker = worker;
      worker.onmessage = onWorkerMessage;
      worker.onerror = function (e) {
        countError();
        failAll("Veil: the worker failed to load" + (e && e.message ? ": " + e.message : ""));
      };
      return call("init", { config: JSON.stringify(described) });
    }).then(function (result) {
      if (!result.ok) throw configError(result.key, result.message);
      checkSelectors(rawConfig);
      state.config = rawConfig;
      state.consent = result.consent;
    });
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  // Every POST not yet settled, so flush() can resolve only once all of them have.
  function send(bytes, keepalive) {
    var sending = post(bytes, keepalive);
    state.inflight.add(sending);
    sending.then(function () {
      state.inflight.delete(sending);
    });
    return sending;
  }

  function settled() {
    return Promise.all(Array.from(state.inflight));
  }

  function post(bytes, keepalive) {
    var headers = { "Content-Type": "application/json", "Content-Encoding": "gzip" };
    if (state.config.clientToken) headers["X-Veil-Token"] = state.config.clientToken;
    return fetch(state.config.endpoint, {
      method: "POST",
      body: bytes,
      headers: headers,
      keepalive: !!keepalive,
      credentials: "omit",
      mode: "cors",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    }).then(function (response) {
      if (response.ok) state.counters.batchesSent += 1;
      else state.counters.batchesFailed += 1;
      return { sent: response.ok, status: response.status };
    }, function (err) {
      state.counters.batchesFailed += 1;
      return { sent: false, error: String(err && err.message) };
    });
  }

  function postObservations(events) {
    var generation = state.generation;
    return call("observe", { events: events }).then(function (result) {
      if (generation !== state.generation) return result;
      state.dirty = true;
      state.counters.dropped = result.dropped;
      state.standby = result.standby || null;
      result.actions.forEach(function (action) {
        if (action === "snapshot" && state.observer) state.observer.snapshot();
        if (action === "flush") flush(false).catch(countError);
      });
      return result;
    });
  }

  function flush(keepalive) {
    if (state.status !== "recording" || !state.worker) return Promise.resolve({ sent: false, reason: "not-recording" });
    var generation = state.generation;
    state.standby = null; // this flush sends those events; never send them twice under one seq
    var drained = state.observer ? state.observer.drain() : Promise.resolve();
    return drained.then(function () {
      return call("flush");
    }).then(function (bytes) {
      state.dirty = false;
      if (!bytes || generation !== state.generation) return { sent: false, reason: "empty" };
      return send(bytes, keepalive);
    }).then(function (result) {
      return settled().then(function () {
        return result;
      });
    });
  }

  // The page may be gone before the worker could answer: send the standby batch now,
  // synchronously, then let the worker consume it and flush whatever came after.
  function sendStandby() {
    var standby = state.standby;
    state.standby = null;
    if (!standby || state.status !== "recording") return;
    send(standby.bytes, true);
    call("commit", { info: standby.info }).then(function () {
      return flush(true);
    }).catch(countError);
  }

  function onHidden() {
    if (document.visibilityState === "hidden") sendStandby();
  }

  function onPageHide() {
    sendStandby();
  }

  function beginRecording() {
    return call("gate", {
      facts: {
        doNotTrack: navigator.doNotTrack || window.doNotTrack || null,
        globalPrivacyControl: navigator.globalPrivacyControl === true,
        href: location.href,
      },
    }).then(function (decision) {
      if (!decision.record) {
        state.status = "declined";
        return { recording: false, reason: decision.reason };
      }
      state.session = state.session || newSessionId();
      state.generation += 1;
      return call("start", { session: state.session }).then(function () {
        return import(new URL("veil-observer.mjs", BASE).href);
      }).then(function (mod) {
        state.observer = mod.createObserver({
          post: postObservations,
          delayMs: OBSERVE_DELAY_MS,
          allowSelectors: state.config.allowSelectors || [],
          maskSelectors: state.config.maskSelectors || [],
          blockSelectors: state.config.blockSelectors || [],
          onError: countError,
        });
        return state.observer.start();
      }).then(function (result) {
        if (!result || !result.snapshots) throw new Error("Veil: the first snapshot could not be masked");
        state.status = "recording";
        state.flushTimer = setInterval(function () {
          if (state.dirty || (state.observer && state.observer.pending())) flush(false).catch(countError);
        }, FLUSH_INTERVAL_MS);
        document.addEventListener("visibilitychange", onHidden);
        window.addEventListener("pagehide", onPageHide);
        flush(false).catch(countError); // the full snapshot leaves at once, not with the timer
        return { recording: true };
      });
    });
  }

  function endRecording() {
    state.generation += 1;
    clearInterval(state.flushTimer);
    state.standby = null;
    document.removeEventListener("visibilitychange", onHidden);
    window.removeEventListener("pagehide", onPageHide);
    if (state.observer) {
      try {
        state.observer.stop();
      } catch (e) {
        countError();
      }
      state.observer = null;
    }
  }

  var Veil = {
    get status() {
      return state.status;
    },
    get version() {
      return "0.1.0";
    },
    /** Validate the config and boot the runtime; with consent "not-required", start recording. */
    init: function (config) {
      if (state.ready) return Promise.reject(new Error("Veil.init: already called"));
      if (!config || typeof config !== "object" || Array.isArray(config)) {
        return Promise.reject(configError("config", "Veil config: `config` must be an object"));
      }
      state.status = "loading";
      state.ready = boot(config).then(function () {
        state.status = "idle";
      }, function (err) {
        state.status = "idle";
        if (state.worker) state.worker.terminate();
        state.worker = null;
        state.ready = null;
        throw err;
      });
      return state.ready.then(function () {
        if (state.consent === "not-required") return Veil.start().then(function () {});
      });
    },
    /** Grant consent; resolves once the first full snapshot is masked, or says why not. */
    start: function () {
      if (!state.ready) return Promise.reject(new Error("Veil.start: call Veil.init(config) first"));
      if (state.starting) return state.starting;
      state.starting = state.ready.then(function () {
        if (state.status === "recording") return { recording: true };
        return beginRecording();
      }).catch(function (err) {
        countError();
        endRecording();
        if (state.worker) call("stop").catch(countError);
        state.status = "idle";
        throw err;
      }).finally(function () {
        state.starting = null;
      });
      return state.starting;
    },
    /** Withdraw consent: stop observing and drop everything not yet sent. */
    stop: function () {
      if (!state.ready) return Promise.resolve();
      var wasStarting = state.starting || Promise.resolve();
      return wasStarting.catch(function () {}).then(function () {
        endRecording();
        state.status = "stopped";
        return state.worker ? call("stop") : undefined;
      }).then(function () {});
    },
    /** Mask, batch and send everything observed so far; resolves when the POST is done. */
    flush: function () {
      return flush(false).catch(function (err) {
        countError();
        return { sent: false, error: String(err && err.message) };
      });
    },
    /** Counters for diagnostics: errors caught, batches sent and failed, events dropped. */
    stats: function () {
      return Object.assign({}, state.counters);
    },
  };

  Object.defineProperty(window, "Veil", { value: Object.freeze(Veil), writable: false, configurable: false });
})();
