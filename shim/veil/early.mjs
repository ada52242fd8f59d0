/*
 * early.mjs: observing before the runtime is ready. The observer starts as soon as the consent
 * state the page can read without Python allows it (early-rules.mjs), and its hand-overs wait in
 * page memory until the worker is up and the Python gate has said yes.
 *
 * Rules: nothing here sends anything: the buffer is handed to the worker by the lifecycle after
 * the gate said yes (the worker masks it), or discarded unsent. Past the buffer's bound, or when
 * the page's URL changes before the gate could judge the new one, everything buffered is dropped
 * (counted), the observer is torn down, and the recording starts from a fresh full snapshot once
 * the worker is ready; the loss is reported with the next batch (earlyLosses). The observer module
 * is requested after the load event (or, on a page still loading 50 ms after DOMContentLoaded,
 * then), in a task of its own, and its snapshot is time-sliced, so the page's own loading goes
 * first. An early observation (``Early``) is held by the lifecycle; this module owns what happens
 * to it and the early counters of Veil.stats().
 */
import { countError, debug } from "./errors.mjs";
import { createEarlyBuffer, earlyBound, mayObserveEarly, signals } from "./early-rules.mjs";
import { loadObserver, observerOptions, stopObserver } from "./observer-options.mjs";

/**
 * @typedef {import("./recording.mjs").Observer} Observer
 * @typedef {import("./observer-options.mjs").VeilConfigLike & import("./early-rules.mjs").EarlyConfig} EarlyConfigLike
 * @typedef {{ observer: Observer | null, buffer: ReturnType<typeof createEarlyBuffer>, href: string,
 *   open: ((json: string, oldest: number) => Promise<unknown>) | null, lost: boolean, cancelled: boolean,
 *   started: Promise<{ buffered?: boolean, snapshots?: number } | null> | null, loaded: Promise<void>,
 *   teardown?: () => void }} Early
 */

// What a buffered hand-over answers the observer: nothing masked yet, nothing to do.
const BUFFERED = Object.freeze({ actions: Object.freeze([]), snapshots: 0, dropped: 0, buffered: true });

// While the page still loads other resources after DOMContentLoaded, the observer's request
// joins them only after this long (it could otherwise be the last one the load event waits for).
const AFTER_DOM_READY_MS = 50;

// Observing before the runtime was ready (Veil.stats()): bytes buffered in page memory now,
// hand-overs given to the worker after the gate said yes, hand-overs discarded unsent, overflows.
const counters = { earlyBufferBytes: 0, earlyHandedOver: 0, earlyDiscarded: 0, earlyOverflows: 0 };
// Early observations lost (buffer full, URL changed), not yet reported as a lost batch.
let lostUnreported = 0;

/** The early counters of Veil.stats(). */
export function earlyStats() {
  return { ...counters };
}

/** Early observations lost and not yet reported to the collector (a batch reports them). */
export function earlyLosses() {
  return lostUnreported;
}

/** ``count`` early losses were reported, in a batch the core cut. @param {number} count */
export function reportedEarlyLosses(count) {
  lostUnreported -= count;
}

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
/** @param {EarlyConfigLike} config @param {string} name */
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
  counters.earlyBufferBytes = early.buffer.bytes();
}

// Called from a hand-over, the observer is torn down in a task of its own: the hand-over runs
// inside the observer's own code (a snapshot slice), which must finish first. Called from
// outside (``now``), at once: a new observer may start right after, and must not have its
// wrapped setters undone by the old one's late teardown.
/** @param {Early} early @param {string} why @param {boolean} [now] */
function lose(early, why, now) {
  if (early.lost) return;
  early.lost = true;
  counters.earlyDiscarded += early.buffer.discard();
  syncCounter(early);
  debug("early observations dropped (" + why + "): a fresh snapshot follows when the runtime is ready");
  const observer = early.observer;
  early.observer = null;
  if (!observer) return;
  let stopped = false;
  const teardown = function () {
    if (stopped) return;
    stopped = true;
    stopObserver(observer);
  };
  early.teardown = teardown;
  if (now) teardown();
  else setTimeout(teardown, 0);
}

/** @param {Early} early */
function tearDown(early) {
  if (early.teardown) early.teardown();
  if (early.observer) {
    stopObserver(early.observer);
    early.observer = null;
  }
}

// The early observer's hand-overs: kept until the lifecycle opens the way to the worker.
/** @param {Early} early @param {string} json @param {number} oldest @returns {Promise<unknown>} */
function post(early, json, oldest) {
  if (early.open) return early.open(json, oldest);
  if (early.lost || early.cancelled) {
    counters.earlyDiscarded += 1;
    return Promise.resolve(BUFFERED);
  }
  if (location.href !== early.href) {
    // The gate will judge the URL the page is on when the runtime is up, not this one.
    counters.earlyDiscarded += 1;
    lose(early, "the URL changed");
    return Promise.resolve(BUFFERED);
  }
  const dropped = early.buffer.push(json, oldest);
  if (dropped) {
    counters.earlyOverflows += 1;
    counters.earlyDiscarded += dropped;
    lose(early, "buffer full");
  }
  syncCounter(early);
  return Promise.resolve(BUFFERED);
}

/** The selector lists as the observer takes them, or null when Veil.init will reject them. @param {EarlyConfigLike} config */
function selectorLists(config) {
  try {
    const probe = document.createDocumentFragment();
    return [config.allowSelectors, config.maskSelectors, config.blockSelectors].map(function (given, i) {
      const list = given === undefined ? [] : given;
      if (!Array.isArray(list) || !list.every(function (s) { return typeof s === "string"; })) throw new Error(String(i));
      list.forEach(function (s) { probe.querySelector(s); }); // an invalid selector throws
      return list;
    });
  } catch (e) {
    return null;
  }
}

/**
 * Start observing now, if what JavaScript can read allows it; null when it does not.
 * @param {EarlyConfigLike} config the page's config, as given to Veil.init
 * @param {"init" | "start"} trigger
 * @returns {Early | null}
 */
export function startEarly(config, trigger) {
  if (!mayObserveEarly(config, trigger, signals(config))) return null;
  /** @type {Early} */
  const early = {
    observer: null, buffer: createEarlyBuffer(earlyBound(config)), href: location.href,
    open: null, lost: false, cancelled: false, started: null, loaded: Promise.resolve(),
  };
  debug("observing before the runtime is ready (" + trigger + ")");
  /** @type {string[][] | null} */
  let lists = null;
  early.loaded = afterDomReady().then(function () {
    if (early.cancelled) return null;
    lists = selectorLists(config);
    if (!lists) {
      lose(early, "a config Veil.init will reject", true); // nothing observed; init says why
      return null;
    }
    mark(config, "veil:early-import");
    return loadObserver();
  }).then(function (mod) {
    if (!mod || !lists || early.cancelled || early.lost) return;
    const observer = mod.createObserver(observerOptions(config, lists, function (json, oldest) {
      return post(early, json, oldest);
    }));
    early.observer = observer;
    early.started = observer.start();
    mark(config, "veil:early-observing");
  }).catch(function (e) {
    countError(e, "observer");
    lose(early, "the observer failed to load", true);
  });
  return early;
}

/** Veil.stop(), a "no" from the gate, a failed init: drop what was buffered, unsent, and stop observing. @param {Early} early */
export function discardEarly(early) {
  if (early.cancelled) return;
  early.cancelled = true;
  counters.earlyDiscarded += early.buffer.discard();
  syncCounter(early);
  tearDown(early);
}

/**
 * The gate said yes and the core started: take over the early observer, if it still observes.
 * Resolves with null when it does not (it was lost: the caller starts a fresh one, and the loss is
 * reported with the next batch; or discarded meanwhile), else with {observer, result} where result
 * resolves like the observer's start(): with the worker's answers to the first full snapshot
 * (snapshots summed), or null. Either way the early observation is over (``cancelled``, or
 * forwarding to ``send``).
 * @param {Early} early
 * @param {(json: string, oldest: number) => Promise<{ snapshots?: number } | null>} send the recording's hand-over to the worker
 * @returns {Promise<{ observer: Observer, result: Promise<{ snapshots: number } | null> } | null>}
 */
export function handOverEarly(early, send) {
  return early.loaded.then(function () {
    if (early.cancelled) return null; // stopped meanwhile
    if (!early.lost && location.href !== early.href) lose(early, "the URL changed", true); // the gate judged this one
    if (early.lost || !early.observer || !early.started) {
      early.cancelled = true;
      tearDown(early); // before the caller starts a new observer
      if (early.lost) lostUnreported += 1;
      return null;
    }
    // From here on the observer's hand-overs go straight to the worker, after the buffered ones:
    // these are posted now, in order, before any later hand-over can be.
    early.open = send;
    const kept = early.buffer.take();
    const answers = kept.map(function (h) {
      return send(h.json, h.oldest);
    });
    counters.earlyHandedOver += kept.length;
    syncCounter(early);
    debug("handed " + kept.length + " early hand-overs to the worker");
    const started = early.started;
    const result = started.then(function (last) {
      if (!last) return null; // the walk failed or was cancelled
      return Promise.all(last.buffered ? answers : answers.concat([Promise.resolve(last)])).then(function (all) {
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
