/*
 * veil.js: Veil's public API, loader and transport (a classic script; defines window.Veil).
 *
 * Rules: this file observes nothing itself and decides nothing about privacy. It boots the
 * worker (Pyodide + the veil wheel), reports facts (Do-Not-Track, GPC, the URL, what it stored,
 * the CMP's answer) to the Python gate, loads the observer only after the gate said yes, carries
 * out what the core decides (start, pause, rotate the session), and sends only the gzipped
 * batches the core returns. Every file it loads is a sibling of this script's own URL. Errors
 * inside Veil are caught and counted; they never reach the host page except as rejected API
 * promises.
 */
(function () {
  "use strict";
  if (window.Veil) return;

  var currentScript = document.currentScript;
  // veil.mjs (the module entry) hands over its own base URL: a module has no currentScript.
  var BASE = globalThis.__veilBase ||
    new URL(".", currentScript && currentScript.src ? currentScript.src : location.href).href;
  var FLUSH_INTERVAL_MS = 5000;
  var OBSERVE_DELAY_MS = 50; // how long observations gather before the worker masks them
  var CONSENT_KEY = "veil:consent"; // localStorage, only with persistConsent
  var SESSION_KEY = "veil:session"; // sessionStorage: tab-scoped
  // sessionStorage, one per session: the write credential a collector answered with.
  var SESSION_WRITE_KEY_PREFIX = "veil:session-key:";
  var SESSION_WRITE_KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

  var state = {
    status: "idle",
    config: null, // the page's config object, for what stays in JS (endpoint, token, hooks)
    core: null, // what the core said about the config: consent, persistConsent, beforeSend
    worker: null,
    ready: null,
    observer: null,
    requests: new Map(),
    nextRequest: 1,
    flushTimer: 0,
    standby: null,
    dirty: false,
    queue: Promise.resolve(), // start/stop/consent changes run one at a time, in order
    generation: 0,
    sessionId: null, // the session the recording's batches belong to
    sessionKeys: {}, // session id -> the collector's write credential for it
    tcf: null,
    navigationHooks: [],
    counters: { errors: 0, batchesSent: 0, batchesFailed: 0, batchesTooLarge: 0, batchesRefused: 0, batchesDropped: 0,
      dropped: 0, beforeSendDropped: 0, workerMemoryBytes: 0, workerQueueBytes: 0 },
  };

  var errorListeners = [];

  // Every error inside Veil ends here: counted, reported to Veil.on("error") listeners, and
  // never rethrown into the page.
  function countError(err, where) {
    state.counters.errors += 1;
    var report = { message: String((err && err.message) || err || "error").slice(0, 300), where: where || "internal" };
    debug("error in", report.where + ":", report.message);
    errorListeners.slice().forEach(function (listener) {
      try {
        listener(report);
      } catch (e) {
        // a listener's own bug must not become Veil's or the page's
      }
    });
  }

  // debug: true prints Veil's decisions: never page content, only levels, reasons, sizes, statuses.
  function debug() {
    if (!state.config || state.config.debug !== true) return;
    var args = Array.prototype.slice.call(arguments);
    args.unshift("[veil]");
    console.info.apply(console, args);
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

  // Run fn after every earlier start/stop/consent change has settled.
  function serially(fn) {
    var next = state.queue.then(fn, fn);
    state.queue = next.catch(function () {});
    return next;
  }

  // Resolves in a task after the page's load event has been fully dispatched (readyState is
  // "complete" already while load listeners run), so no runtime request can hold the event up.
  function afterLoad() {
    return new Promise(function (resolve) {
      function later() {
        setTimeout(resolve, 0);
      }
      if (document.readyState === "complete") later();
      else window.addEventListener("load", later, { once: true });
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

  // First-party storage: any failure (privacy mode, quota, sandbox) reads as "nothing stored".
  function readStored(storage, key) {
    try {
      var raw = window[storage].getItem(key);
      return raw === null ? null : JSON.parse(raw);
    } catch (e) {
      return null;
    }
  }

  function writeStored(storage, key, value) {
    try {
      if (value === null) window[storage].removeItem(key);
      else window[storage].setItem(key, JSON.stringify(value));
    } catch (e) {
      countError();
    }
  }

  function facts() {
    return {
      doNotTrack: navigator.doNotTrack || window.doNotTrack || null,
      globalPrivacyControl: navigator.globalPrivacyControl === true,
      href: location.href,
      now: Date.now(),
      storedConsent: readStored("localStorage", CONSENT_KEY),
      storedSession: readStored("sessionStorage", SESSION_KEY),
      tcf: state.tcf,
    };
  }

  function boot(rawConfig) {
    var described = describe(rawConfig);
    return afterLoad().then(function () {
      var worker = new Worker(new URL("__VEIL_RUNTIME__/veil-worker.mjs", BASE), { type: "module", name: "veil" });
      state.worker = worker;
      worker.onmessage = onWorkerMessage;
      worker.onerror = function (e) {
        var message = "Veil: the worker failed" + (e && e.message ? ": " + e.message : "");
        if (state.core) countError(new Error(message), "worker"); // during init, init's rejection reports it
        failAll(message);
      };
      return call("init", { config: JSON.stringify(described) });
    }).then(function (result) {
      if (!result.ok) throw configError(result.key, result.message);
      checkSelectors(rawConfig);
      state.config = rawConfig;
      state.core = result;
      debug("runtime ready; consent mode", result.consent);
    });
  }

  // ---- transport ---------------------------------------------------------------------------
  // Batches wait in a bounded outbox and are POSTed in order, one at a time. Every request is
  // aborted after requestTimeoutMs. Timeouts, network errors, 5xx and 429 are retried with
  // exponential backoff and jitter (or after Retry-After); other 4xx answers drop the batch,
  // counted (413 and a refused session key each have their own counter) and reported. When the
  // outbox outgrows maxQueueBytes, every batch not in flight is dropped (the oldest, and the later
  // ones whose events cannot be replayed without them), the core discards what it holds and a
  // fresh full snapshot follows; the next batch tells the collector how many were lost. Retries
  // keep the batch's identity, so the collector's (session, view, seq) deduplication makes delivery
  // exactly-once.

  var RETRY_BASE_MS = 1000;
  var RETRY_CAP_MS = 30000;
  var RETRY_AFTER_CAP_MS = 300000;
  var KEEPALIVE_BUDGET = 60 * 1024; // browsers allow 64 KiB of keepalive bodies in flight, in all
  var ANSWER_MAX_CHARS = 64 * 1024; // a collector's answer is small JSON; anything longer is ignored

  var outbox = { items: [], bytes: 0, dropped: 0, retryTimer: 0, pumping: null, inflight: null, offline: !navigator.onLine };

  // ``reports``: the earlier losses this batch reports (``dropped``); if it is lost in turn, the
  // next batch must report them again.
  function enqueue(bytes, session, reports) {
    var item = { bytes: bytes, attempts: 0, session: session, reports: reports || 0 };
    var firstAttempt = new Promise(function (resolve) {
      item.settle = resolve;
    });
    outbox.items.push(item);
    outbox.bytes += bytes.byteLength;
    // A lone batch (beside the one in flight) stays even over the bound: it is at most one batch.
    if (outbox.bytes > state.core.maxQueueBytes && outbox.items.some(function (it) { return it !== item && it !== outbox.inflight; })) {
      overflow();
    }
    if (item.settle && (outbox.retryTimer || outbox.offline)) {
      // Waiting out a backoff or offline: say so now rather than after the wait.
      item.settle({ sent: false, reason: outbox.offline ? "offline" : "queued-for-retry" });
      item.settle = null;
    }
    pump();
    return firstAttempt;
  }

  // The outbox is full: drop every batch not in flight. Keeping the newest would not help: their
  // incremental events refer to nodes the dropped ones created, so they cannot be replayed. The
  // core then discards its pending events and queues nothing until the fresh full snapshot taken
  // here, so the replay after the gap starts from a full snapshot.
  function overflow() {
    var lost = 0;
    outbox.items = outbox.items.filter(function (it) {
      if (it === outbox.inflight) return true;
      outbox.bytes -= it.bytes.byteLength;
      lost += 1;
      outbox.dropped += it.reports;
      if (it.settle) it.settle({ sent: false, reason: "queue-full" });
      it.settle = null;
      return false;
    });
    outbox.dropped += lost;
    state.counters.batchesDropped += lost;
    countError(new Error("outbox over maxQueueBytes: " + lost + " batches dropped; a fresh snapshot follows"), "transport");
    var generation = state.generation;
    call("resync").then(function () {
      if (generation === state.generation && state.observer) state.observer.snapshot();
    }).catch(countError);
  }

  function removeItem(item) {
    var i = outbox.items.indexOf(item);
    if (i >= 0) {
      outbox.items.splice(i, 1);
      outbox.bytes -= item.bytes.byteLength;
    }
  }

  function retryable(result) {
    return result.error !== undefined || result.status === 429 || result.status >= 500;
  }

  function retryDelay(item, response) {
    var header = response && response.headers.get("Retry-After");
    if (header) {
      var seconds = Number(header);
      var ms = isNaN(seconds) ? Date.parse(header) - Date.now() : seconds * 1000;
      if (!isNaN(ms)) return Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS);
    }
    var ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * Math.pow(2, item.attempts - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  // A failed delivery is counted and reported; 413 and a refused session key are final and
  // each have a counter of their own, so neither is ever a silent drop.
  function reportFailure(result) {
    var answer = result.answer;
    var said = answer && typeof answer.error === "string" ? ": " + answer.error.slice(0, 200) : "";
    if (result.status === 413) {
      state.counters.batchesTooLarge += 1;
      countError(new Error("delivery refused: batch too large (413)" + said), "transport");
    } else if (result.status === 403 && /session.?key/i.test(said)) {
      state.counters.batchesRefused += 1;
      countError(new Error("delivery refused: session key (403)" + said), "transport");
    } else {
      countError(new Error("delivery failed: " + (result.status || result.error) + said), "transport");
    }
  }

  function pump() {
    if (outbox.pumping || outbox.retryTimer || outbox.offline) return outbox.pumping || Promise.resolve();
    outbox.pumping = (function next() {
      var item = outbox.items[0];
      if (!item || outbox.offline) return Promise.resolve();
      outbox.inflight = item;
      return post(item.bytes, false, item.session).then(function (result) {
        outbox.inflight = null;
        var again = retryable(result);
        debug("delivery:", result.sent ? "ok" : "failed", result.status || result.error || "", again ? "(will retry)" : "");
        if (!result.sent) reportFailure(result);
        if (item.settle) item.settle(result);
        item.settle = null;
        if (!again) {
          if (!result.sent) state.counters.batchesFailed += 1;
          removeItem(item);
          return next();
        }
        if (outbox.items.indexOf(item) < 0) return next(); // dropped or withdrawn meanwhile
        item.attempts += 1;
        outbox.retryTimer = setTimeout(function () {
          outbox.retryTimer = 0;
          pump();
        }, retryDelay(item, result.response));
        return undefined;
      });
    })().catch(countError).then(function () {
      outbox.inflight = null;
      outbox.pumping = null;
    });
    return outbox.pumping;
  }

  function onOffline() {
    outbox.offline = true;
  }

  function onOnline() {
    outbox.offline = false;
    clearTimeout(outbox.retryTimer);
    outbox.retryTimer = 0;
    pump();
  }

  // The collector's write credential for a session: from memory, else from sessionStorage.
  function sessionKey(session) {
    if (!session) return null;
    if (state.sessionKeys[session]) return state.sessionKeys[session];
    var stored = readStored("sessionStorage", SESSION_WRITE_KEY_PREFIX + session);
    if (typeof stored !== "string" || !SESSION_WRITE_KEY_PATTERN.test(stored)) return null;
    state.sessionKeys[session] = stored;
    return stored;
  }

  function rememberSessionKey(session, answer) {
    var key = answer && answer.sessionKey;
    if (!session || typeof key !== "string" || !SESSION_WRITE_KEY_PATTERN.test(key)) return;
    if (state.sessionKeys[session] === key) return;
    state.sessionKeys[session] = key;
    writeStored("sessionStorage", SESSION_WRITE_KEY_PREFIX + session, key);
  }

  // The answer's JSON (small), or null: a sessionKey may be in it, and an error's reason.
  function readAnswer(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("json") < 0) return Promise.resolve(null);
    return response.text().then(function (text) {
      if (text.length > ANSWER_MAX_CHARS) return null;
      var value = JSON.parse(text);
      return value && typeof value === "object" ? value : null;
    }).catch(function () {
      return null;
    });
  }

  // One POST, aborted after requestTimeoutMs (answer included): a hung endpoint costs a retry,
  // never an unbounded wait.
  function post(bytes, keepalive, session) {
    var headers = { "Content-Type": "application/json", "Content-Encoding": "gzip" };
    if (state.config.clientToken) headers["X-Veil-Token"] = state.config.clientToken;
    var key = sessionKey(session);
    // Only when known: a collector that never issues keys need not allow the header (CORS).
    if (key) headers["X-Veil-Session-Key"] = key;
    var controller = new AbortController();
    var timeoutMs = state.core.requestTimeoutMs;
    var timer = setTimeout(function () {
      controller.abort();
    }, timeoutMs);
    return fetch(state.config.endpoint, {
      method: "POST",
      body: bytes,
      headers: headers,
      keepalive: !!keepalive,
      // Cookies go only to a same-origin endpoint (an authenticating proxy), never to a third party.
      credentials: "same-origin",
      mode: "cors",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    }).then(function (response) {
      return readAnswer(response).then(function (answer) {
        clearTimeout(timer);
        if (response.ok) {
          state.counters.batchesSent += 1;
          rememberSessionKey(session, answer);
        }
        return { sent: response.ok, status: response.status, response: response, answer: answer };
      });
    }, function (err) {
      clearTimeout(timer);
      return { sent: false, error: controller.signal.aborted ? "timeout after " + timeoutMs + " ms" : String(err && err.message) };
    });
  }

  function publicResult(result) {
    var out = { sent: !!result.sent };
    ["status", "reason", "error"].forEach(function (k) {
      if (result[k] !== undefined) out[k] = result[k];
    });
    return out;
  }

  function pipe(bytes, stream) {
    return new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer();
  }

  // The site's hook sees the masked events only; it may change them or drop the batch.
  function applyBeforeSend(bytes) {
    return pipe(bytes, new DecompressionStream("gzip")).then(function (raw) {
      var batch = JSON.parse(new TextDecoder().decode(raw));
      var events;
      try {
        events = state.config.beforeSend(batch.events);
      } catch (e) {
        events = null;
        countError();
      }
      if (!Array.isArray(events) || !events.length) {
        state.counters.beforeSendDropped += 1;
        return null;
      }
      batch.events = events;
      return pipe(new TextEncoder().encode(JSON.stringify(batch)), new CompressionStream("gzip"));
    }).catch(function () {
      state.counters.beforeSendDropped += 1;
      countError();
      return null;
    });
  }

  // Under debug, User Timing measures show Veil's cost: veil:mask-latency runs from the oldest
  // observation in a hand-over to the masked result coming back from the worker;
  // veil:worker-mask lasts as long as Python's masking of that hand-over took in the worker.
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
  function postObservations(eventsJson, oldest) {
    var generation = state.generation;
    return call("observe", { events: eventsJson }).then(function (result) {
      measure("veil:mask-latency", oldest);
      measure("veil:worker-mask", performance.timeOrigin + performance.now() - result.maskMs);
      if (generation !== state.generation) return result;
      state.dirty = true;
      state.counters.dropped = result.dropped;
      state.counters.workerQueueBytes = result.pendingBytes || 0;
      if (result.memoryBytes) state.counters.workerMemoryBytes = result.memoryBytes;
      state.standby = result.standby || null;
      result.actions.forEach(function (action) {
        if (action === "snapshot" && state.observer) state.observer.snapshot();
        if (action === "flush") flush().catch(countError);
        if (action === "pause") {
          debug("navigated to an excluded URL: paused");
          serially(pauseRecording).catch(countError);
        }
      });
      return result;
    });
  }

  // Hand-overs run one after another (a batch may still be in beforeSend), but never wait for
  // delivery: while the endpoint is slow or hung, batches keep being cut and wait in the bounded
  // outbox, and the worker holds at most one batch's worth of events.
  var flushChain = Promise.resolve();

  // Resolves with the first delivery attempt of the batch it handed over, once the batches queued
  // before it have had theirs too (also when there was nothing new to send).
  function flush() {
    var handed = flushChain.then(handOver, handOver);
    flushChain = handed.catch(function () {});
    return handed.then(function (outcome) {
      return outcome.firstAttempt || outcome;
    }).then(function (result) {
      // Also wait for the batches queued before this one, so "flushed" means handed over.
      return (outbox.pumping || Promise.resolve()).then(function () {
        return publicResult(result);
      });
    });
  }

  // Ask the core for the next batch and queue it: {firstAttempt: Promise} or a result.
  function handOver() {
    if (!state.worker || !state.core || (state.status !== "recording" && state.status !== "paused")) {
      return Promise.resolve({ sent: false, reason: "not-recording" });
    }
    var generation = state.generation;
    var session = state.sessionId;
    state.standby = null; // this flush sends those events; never send them twice under one seq
    var drained = state.observer ? state.observer.drain() : Promise.resolve();
    var dropped = outbox.dropped;
    var reports = 0;
    return drained.then(function () {
      return call("flush", { dropped: dropped });
    }).then(function (answer) {
      state.dirty = false;
      state.counters.workerQueueBytes = answer.pendingBytes || 0;
      var bytes = answer.batch;
      if (!bytes || generation !== state.generation) return { sent: false, reason: "empty" };
      reports = answer.reports || 0;
      debug("batch of", bytes.byteLength, "bytes (gzip) queued");
      outbox.dropped -= dropped;
      if (answer.more) flush().catch(countError); // cut at its size bound: the rest follows at once
      return state.core.beforeSend ? applyBeforeSend(bytes) : bytes;
    }).then(function (body) {
      if (body === null) return { sent: false, reason: "before-send" };
      if (body.sent !== undefined) return body;
      return { firstAttempt: enqueue(body, session, reports) };
    });
  }

  // An unloading page cannot wait for the worker or for retries: send what is queued and the
  // standby chunks the worker prepared, with keepalive, within the browser's budget. If the page
  // survives (back/forward cache), failures go back to the outbox and the worker consumes the
  // chunks it knows were handed over. With beforeSend there is no synchronous path.
  function sendStandby() {
    var standby = state.standby;
    state.standby = null;
    if (state.status !== "recording") return;
    var budget = KEEPALIVE_BUDGET;
    outbox.items.slice().forEach(function (item) {
      if (item.bytes.byteLength > budget) return;
      budget -= item.bytes.byteLength;
      post(item.bytes, true, item.session).then(function (result) {
        if (!retryable(result)) removeItem(item);
      });
    });
    if (!standby || state.core.beforeSend) {
      flush().catch(countError);
      return;
    }
    var handed = [];
    var session = state.sessionId;
    standby.chunks.forEach(function (chunk, i) {
      if (handed.length !== i || chunk.byteLength > budget) return; // keep seq order: stop at the first that does not fit
      budget -= chunk.byteLength;
      handed.push(standby.info.chunks[i]);
      post(chunk, true, session).then(function (result) {
        if (!result.sent && retryable(result)) enqueue(chunk, session);
      });
    });
    if (!handed.length) {
      flush().catch(countError);
      return;
    }
    call("commit", { info: { chunks: handed } }).then(function () {
      return flush();
    }).catch(countError);
  }

  function onHidden() {
    if (document.visibilityState === "hidden") sendStandby();
  }

  function onPageHide() {
    sendStandby();
  }

  // ---- navigation (SPA) --------------------------------------------------------------------

  function onNavigation() {
    if (state.observer) state.observer.navigated(); // the core scrubs it, or pauses on an excluded URL
    else if (state.status === "paused") serially(beginRecording).catch(countError); // left an excluded URL?
  }

  function hookNavigation() {
    if (state.navigationHooks.length) return;
    ["pushState", "replaceState"].forEach(function (name) {
      var original = history[name];
      history[name] = function () {
        var result = original.apply(this, arguments);
        try {
          onNavigation();
        } catch (e) {
          countError();
        }
        return result;
      };
      state.navigationHooks.push(function () {
        history[name] = original;
      });
    });
    ["popstate", "hashchange"].forEach(function (type) {
      window.addEventListener(type, onNavigation);
      state.navigationHooks.push(function () {
        window.removeEventListener(type, onNavigation);
      });
    });
  }

  function unhookNavigation() {
    state.navigationHooks.splice(0).forEach(function (restore) {
      restore();
    });
  }

  // ---- recording lifecycle -----------------------------------------------------------------

  function beginRecording() {
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
        return import(new URL("__VEIL_RUNTIME__/veil-observer.mjs", BASE).href);
      }).then(function (mod) {
        state.observer = mod.createObserver({
          post: postObservations,
          delayMs: OBSERVE_DELAY_MS,
          allowSelectors: state.config.allowSelectors || [],
          maskSelectors: state.config.maskSelectors || [],
          blockSelectors: state.config.blockSelectors || [],
          measure: state.config.debug === true,
          onError: countError,
        });
        return state.observer.start();
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
        flush().catch(countError); // the full snapshot leaves at once, not with the timer
        return { recording: true };
      });
    });
  }

  // Every few seconds: send what is new, and let the core keep (or rotate) the session.
  function tick() {
    var active = state.dirty || (state.observer && state.observer.pending());
    if (active) flush().catch(countError);
    call("tick", { now: Date.now(), active: !!active }).then(function (result) {
      if (result.session) writeStored("sessionStorage", SESSION_KEY, result.session);
      if (result.rotate) {
        serially(function () {
          return flush().then(function () {
            endRecording();
            state.status = "idle";
            return beginRecording();
          });
        }).catch(countError);
      }
    }).catch(countError);
  }

  function stopObserving() {
    state.generation += 1;
    state.standby = null;
    if (state.observer) {
      try {
        state.observer.stop();
      } catch (e) {
        countError();
      }
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

  function withdraw(status) {
    endRecording();
    unhookNavigation();
    clearTimeout(outbox.retryTimer); // nothing unsent leaves after consent is withdrawn
    outbox.retryTimer = 0;
    outbox.items.splice(0).forEach(function (item) {
      if (item.settle) item.settle({ sent: false, reason: "stopped" });
    });
    outbox.bytes = 0;
    state.status = status;
    return state.worker ? call("stop") : undefined;
  }

  // ---- IAB TCF v2 --------------------------------------------------------------------------

  function listenToCmp() {
    if (typeof window.__tcfapi !== "function") return;
    try {
      window.__tcfapi("addEventListener", 2, function (tcData, success) {
        if (!success || !tcData) return;
        state.tcf = {
          gdprApplies: tcData.gdprApplies,
          purposeConsents: (tcData.purpose && tcData.purpose.consents) || {},
        };
        serially(function () {
          if (state.status === "stopped") return undefined; // Veil.stop() outranks the CMP
          return call("gate", { facts: facts() }).then(function (decision) {
            if (!decision.record && state.status === "recording") return withdraw("declined");
            if (decision.record && state.status !== "recording") return beginRecording();
            return undefined;
          });
        }).catch(countError);
      });
    } catch (e) {
      countError();
    }
  }

  var Veil = {
    get status() {
      return state.status;
    },
    get version() {
      return "0.1.0";
    },
    /** Validate the config and boot the runtime; start by itself when the core says consent allows. */
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
        countError(err, err.name === "VeilConfigError" ? "config" : "worker");
        throw err;
      });
      return state.ready.then(function () {
        if (state.core.consent === "tcf") listenToCmp();
        return call("autostart", { facts: facts() });
      }).then(function (auto) {
        if (auto.start) {
          return serially(beginRecording).then(function () {}, function (err) {
            countError();
            return withdraw("idle");
          });
        }
        return undefined;
      });
    },
    /** Grant consent; resolves once the first full snapshot is masked, or says why not. */
    start: function () {
      if (!state.ready) return Promise.reject(new Error("Veil.start: call Veil.init(config) first"));
      return state.ready.then(function () {
        return serially(beginRecording);
      }).then(function (result) {
        if (state.core.persistConsent && state.core.consent === "opt-in") {
          writeStored("localStorage", CONSENT_KEY, "granted");
        }
        return result;
      }, function (err) {
        countError();
        withdraw("idle");
        throw err;
      });
    },
    /** Withdraw consent: stop observing at once and drop everything not yet sent. */
    stop: function () {
      if (state.core && state.core.persistConsent) writeStored("localStorage", CONSENT_KEY, null);
      if (!state.ready) return Promise.resolve();
      stopObserving(); // at once, not after whatever is queued
      return serially(function () {
        return withdraw("stopped");
      }).then(function () {});
    },
    /** Mask, batch and send everything observed so far; resolves when the POST is done. */
    flush: function () {
      return flush().catch(function (err) {
        countError();
        return { sent: false, error: String(err && err.message) };
      });
    },
    /** The privacy level the core gives an element, and why (for developers; nothing is sent). */
    explain: function (element) {
      if (!state.ready) return Promise.reject(new Error("Veil.explain: call Veil.init(config) first"));
      if (!(element instanceof Element)) return Promise.reject(new TypeError("Veil.explain: expected an Element"));
      return state.ready.then(function () {
        return import(new URL("__VEIL_RUNTIME__/veil-observer.mjs", BASE).href);
      }).then(function (mod) {
        var chain = [];
        for (var el = element; el; el = el.parentElement || (el.getRootNode && el.getRootNode().host) || null) {
          chain.unshift(mod.describeForExplain(el, state.config));
        }
        return call("explain", { chain: chain });
      }).then(function (explanation) {
        debug("explain:", explanation.level + (explanation.secret ? " (forced secret)" : ""), explanation.reasons.join("; "));
        return explanation;
      });
    },
    /** Listen for errors caught inside Veil; returns a function that removes the listener. */
    on: function (event, listener) {
      if (event !== "error" || typeof listener !== "function") throw new TypeError('Veil.on: expected ("error", function)');
      errorListeners.push(listener);
      return function () {
        var i = errorListeners.indexOf(listener);
        if (i >= 0) errorListeners.splice(i, 1);
      };
    },
    /** Counters for diagnostics: errors caught, batches sent, failed and queued, events dropped. */
    stats: function () {
      return Object.assign({}, state.counters, { queuedBatches: outbox.items.length, queueDropped: outbox.dropped });
    },
  };

  Object.defineProperty(window, "Veil", { value: Object.freeze(Veil), writable: false, configurable: false });
})();
