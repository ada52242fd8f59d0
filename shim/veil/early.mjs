/*
 * early.mjs: observing before the runtime is ready. The observer starts as soon as the consent
 * state the page can read without Python allows it, and its hand-overs wait in page memory until
 * the worker is up and the Python gate has said yes.
 *
 * Rules: it decides nothing about privacy beyond reading what JavaScript can read: Do-Not-Track
 * and Global Privacy Control (with respectDoNotTrack, not false), the consent mode, a Veil.start()
 * and a remembered opt-in (persistConsent). Under consent "tcf" nothing starts early: the CMP's
 * answer is judged by the Python gate (tcfPurposes), so the observer waits for it as before.
 * Nothing here sends anything: the buffer is handed to the worker by lifecycle.mjs after the gate
 * said yes (the worker masks it), or discarded unsent. The buffer holds at most maxQueueBytes of
 * JSON (the outbox's bound: before the runtime is up the outbox is empty); past it, or when the
 * page's URL changes before the gate could judge the new one, everything buffered is dropped
 * (counted), the observer is torn down, and the recording starts from a fresh full snapshot once
 * the worker is ready. The observer module is requested after the load event (or, on a page
 * still loading 50 ms after DOMContentLoaded, then), in a task of its own, and its snapshot is
 * time-sliced, so the page's own loading goes first.
 */
import { channelOptions } from "./channels.mjs";
import { countError, countingAs, debug } from "./errors.mjs";
import { fidelityOptions } from "./fidelity.mjs";
import { BASE, OBSERVE_DELAY_MS, state } from "./state.mjs";
import { CONSENT_KEY, readStored } from "./storage.mjs";

export const DEFAULT_EARLY_BYTES = 4 * 1024 * 1024; // config.py's maxQueueBytes default
const MIN_BYTES = 65536; // config.py's maxQueueBytes range
const MAX_BYTES = 67108864;

// What a buffered hand-over answers the observer: nothing masked yet, nothing to do.
const BUFFERED = Object.freeze({ actions: Object.freeze([]), snapshots: 0, dropped: 0, buffered: true });

/**
 * @typedef {{ doNotTrack: unknown, globalPrivacyControl: boolean, storedConsent: unknown }} Signals
 * @typedef {{ json: string, oldest: number }} HandOver
 */

/**
 * The consent signals JavaScript reads without Python (the same ones facts() reports). The stored
 * consent is read only when it matters (``persistConsent``): a page's first localStorage access
 * can cost a few milliseconds before DOMContentLoaded.
 * @param {any} config
 * @returns {Signals}
 */
export function signals(config) {
  return {
    doNotTrack: navigator.doNotTrack || /** @type {any} */ (window).doNotTrack || null,
    globalPrivacyControl: /** @type {any} */ (navigator).globalPrivacyControl === true,
    storedConsent: config && config.persistConsent === true ? readStored("localStorage", CONSENT_KEY) : null,
  };
}

/** The selector lists as the observer takes them, or null when Veil.init will reject them. @param {any} config */
function selectorLists(config) {
  try {
    const probe = document.createDocumentFragment();
    return ["allowSelectors", "maskSelectors", "blockSelectors"].map(function (key) {
      const list = config[key] === undefined ? [] : config[key];
      if (!Array.isArray(list) || !list.every(function (s) { return typeof s === "string"; })) throw new Error(key);
      list.forEach(function (s) { probe.querySelector(s); }); // an invalid selector throws
      return list;
    });
  } catch (e) {
    return null;
  }
}

/**
 * May the observer start before Python is up? ``trigger`` is "init" or "start" (Veil.start()).
 * @param {any} config the page's config, not yet validated (Python validates it at boot)
 * @param {"init" | "start"} trigger
 * @param {Signals} s
 */
export function mayObserveEarly(config, trigger, s) {
  if (!config || typeof config !== "object") return false;
  const respectsDnt = config.respectDoNotTrack !== false;
  if (respectsDnt && (s.doNotTrack === "1" || s.doNotTrack === "yes" || s.globalPrivacyControl === true)) return false;
  const consent = config.consent === undefined ? "opt-in" : config.consent;
  if (consent === "not-required") return true;
  if (consent !== "opt-in") return false; // "tcf" (the Python gate judges the CMP's answer), or invalid
  return trigger === "start" || (config.persistConsent === true && s.storedConsent === "granted");
}

/** The buffer's bound in bytes (JSON characters): the config's maxQueueBytes when valid. @param {any} config */
export function earlyBound(config) {
  const v = config && config.maxQueueBytes;
  return Number.isInteger(v) && v >= MIN_BYTES && v <= MAX_BYTES ? v : DEFAULT_EARLY_BYTES;
}

/**
 * The bounded buffer of hand-overs (page memory). ``push`` answers 0 when it kept the hand-over,
 * else how many it dropped: past the bound everything (that one included) is dropped, and the
 * buffer keeps nothing more.
 * @param {number} bound
 */
export function createEarlyBuffer(bound) {
  /** @type {HandOver[]} */
  let items = [];
  let bytes = 0;
  let closed = false;
  return {
    /** @param {string} json @param {number} oldest @returns {number} */
    push(json, oldest) {
      if (closed) return 1;
      if (bytes + json.length > bound) {
        const dropped = items.length + 1;
        closed = true;
        items = [];
        bytes = 0;
        return dropped;
      }
      items.push({ json, oldest });
      bytes += json.length;
      return 0;
    },
    /** Past the bound (or taken, or discarded): nothing more is kept. */
    closed: () => closed,
    /** Everything kept, in order; the buffer is then empty and closed. */
    take() {
      const out = items;
      items = [];
      bytes = 0;
      closed = true;
      return out;
    },
    /** Drop everything kept (unsent); returns how many hand-overs were dropped. */
    discard() {
      const n = items.length;
      items = [];
      bytes = 0;
      closed = true;
      return n;
    },
    bytes: () => bytes,
    size: () => items.length,
  };
}

/**
 * @typedef {{ observer: any, buffer: ReturnType<typeof createEarlyBuffer>, href: string,
 *   open: ((json: string, oldest: number) => Promise<any>) | null, lost: boolean, cancelled: boolean,
 *   started: Promise<any> | null, loaded: Promise<void>, teardown?: () => void }} Early
 */

// While the page still loads other resources after DOMContentLoaded, the observer's request
// joins them only after this long (it could otherwise be the last one the load event waits for).
const AFTER_DOM_READY_MS = 50;

// Resolves in a task of its own after the load event, or AFTER_DOM_READY_MS after
// DOMContentLoaded if the page is still loading then: the page's own loading goes first.
/** @returns {Promise<void>} */
function afterDomReady() {
  return new Promise(function (resolve) {
    let done = false;
    function go() {
      if (done) return;
      done = true;
      window.removeEventListener("load", later);
      setTimeout(resolve, 0);
    }
    function later() {
      setTimeout(go, 0);
    }
    function domReady() {
      setTimeout(go, AFTER_DOM_READY_MS);
    }
    if (document.readyState === "complete") return later();
    window.addEventListener("load", later, { once: true });
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", domReady, { once: true });
    else domReady();
  });
}

// Under debug, User Timing marks show when the observer was requested and when it began observing.
/** @param {any} config @param {string} name */
function mark(config, name) {
  if (config.debug !== true) return;
  try {
    performance.mark(name);
  } catch (e) {
    // a diagnostic: its absence must not matter
  }
}

/** @param {Early} early */
function syncCounter(early) {
  state.counters.earlyBufferBytes = early.buffer.bytes();
}

// Called from a hand-over, the observer is torn down in a task of its own: the hand-over runs
// inside the observer's own code (a snapshot slice), which must finish first. Called from
// outside (``now``), at once: a new observer may start right after, and must not have its
// wrapped setters undone by the old one's late teardown.
/** @param {Early} early @param {string} why @param {boolean} [now] */
function lose(early, why, now) {
  if (early.lost) return;
  early.lost = true;
  state.counters.earlyDiscarded += early.buffer.discard();
  syncCounter(early);
  debug("early observations dropped (" + why + "): a fresh snapshot follows when the runtime is ready");
  const observer = early.observer;
  early.observer = null;
  if (!observer) return;
  let stopped = false;
  early.teardown = function () {
    if (stopped) return;
    stopped = true;
    stopObserver(observer);
  };
  if (now) early.teardown();
  else setTimeout(early.teardown, 0);
}

/** Stop an observer (its trackers' teardowns restore the page); a fault is counted, never thrown. @param {{stop: () => void}} observer */
export function stopObserver(observer) {
  try {
    observer.stop();
  } catch (e) {
    countError(e, "observer");
  }
}

/** @param {Early} early */
function tearDown(early) {
  if (early.teardown) early.teardown();
  if (early.observer) {
    stopObserver(early.observer);
    early.observer = null;
  }
}

// The early observer's hand-overs: kept until lifecycle opens the way to the worker.
/** @param {Early} early @param {string} json @param {number} oldest @returns {Promise<any>} */
function post(early, json, oldest) {
  if (early.open) return early.open(json, oldest);
  if (early.lost || early.cancelled) {
    state.counters.earlyDiscarded += 1;
    return Promise.resolve(BUFFERED);
  }
  if (location.href !== early.href) {
    // The gate will judge the URL the page is on when the runtime is up, not this one.
    state.counters.earlyDiscarded += 1;
    lose(early, "the URL changed");
    return Promise.resolve(BUFFERED);
  }
  const dropped = early.buffer.push(json, oldest);
  if (dropped) {
    state.counters.earlyOverflows += 1;
    state.counters.earlyDiscarded += dropped;
    lose(early, "buffer full");
  }
  syncCounter(early);
  return Promise.resolve(BUFFERED);
}

/**
 * Start observing now, if what JavaScript can read allows it and the runtime is not up yet.
 * @param {any} config the page's config, as given to Veil.init
 * @param {"init" | "start"} trigger
 */
export function observeEarly(config, trigger) {
  if (state.early || state.core || !mayObserveEarly(config, trigger, signals(config))) return;
  /** @type {Early} */
  const early = {
    observer: null, buffer: createEarlyBuffer(earlyBound(config)), href: location.href,
    open: null, lost: false, cancelled: false, started: null, loaded: Promise.resolve(),
  };
  state.early = early;
  debug("observing before the runtime is ready (" + trigger + ")");
  /** @type {string[][] | null} */
  let lists = null;
  early.loaded = afterDomReady().then(function () {
    if (early.cancelled) return undefined;
    lists = selectorLists(config);
    if (!lists) {
      lose(early, "a config Veil.init will reject", true); // nothing observed; init says why
      return undefined;
    }
    mark(config, "veil:early-import");
    return import(new URL("__VEIL_RUNTIME__/veil-observer.mjs", BASE).href);
  }).then(function (mod) {
    if (!mod || !lists || early.cancelled || early.lost) return;
    early.observer = mod.createObserver({
      post: function (/** @type {string} */ json, /** @type {number} */ oldest) {
        return post(early, json, oldest);
      },
      delayMs: OBSERVE_DELAY_MS,
      allowSelectors: lists[0],
      maskSelectors: lists[1],
      blockSelectors: lists[2],
      measure: config.debug === true,
      onError: countingAs("observer"),
      ...channelOptions(config),
      ...fidelityOptions(config),
    });
    early.started = early.observer.start();
    mark(config, "veil:early-observing");
  }).catch(function (e) {
    countError(e, "observer");
    lose(early, "the observer failed to load", true);
  });
}

/** Veil.stop(), a "no" from the gate, a failed init: drop what was buffered, unsent, and stop observing. */
export function discardEarly() {
  const early = state.early;
  if (!early) return;
  state.early = null;
  early.cancelled = true;
  state.counters.earlyDiscarded += early.buffer.discard();
  syncCounter(early);
  tearDown(early);
}

/**
 * The gate said yes and the core started: take the early observer, if any. Resolves with null
 * when there is none (or it was lost: the caller starts a fresh one, and the loss is reported
 * with the next batch), else with {observer, result} where result resolves like the observer's
 * start(): with the worker's answers to the first full snapshot (snapshots summed), or null.
 * @param {(json: string, oldest: number) => Promise<any>} send lifecycle's hand-over to the worker
 * @returns {Promise<{ observer: any, result: Promise<any> } | null>}
 */
export function handOverEarly(send) {
  const early = state.early;
  if (!early) return Promise.resolve(null);
  return early.loaded.then(function () {
    if (state.early !== early) return null; // stopped meanwhile
    state.early = null;
    if (!early.lost && location.href !== early.href) lose(early, "the URL changed", true); // the gate judged this one
    if (early.lost || !early.observer || !early.started) {
      early.cancelled = true;
      tearDown(early); // before the caller starts a new observer
      if (early.lost) state.earlyLost += 1;
      return null;
    }
    // From here on the observer's hand-overs go straight to the worker, after the buffered ones:
    // these are posted now, in order, before any later hand-over can be.
    early.open = send;
    const kept = early.buffer.take();
    const answers = kept.map(function (h) {
      return send(h.json, h.oldest);
    });
    state.counters.earlyHandedOver += kept.length;
    syncCounter(early);
    debug("handed " + kept.length + " early hand-overs to the worker");
    const started = /** @type {Promise<any>} */ (early.started);
    const result = started.then(function (last) {
      if (!last) return null; // the walk failed or was cancelled
      return Promise.all(last.buffered ? answers : answers.concat([last])).then(function (all) {
        let snapshots = 0;
        all.forEach(function (a) {
          snapshots += (a && a.snapshots) || 0;
        });
        return { snapshots: snapshots };
      });
    });
    return { observer: early.observer, result: result };
  });
}
