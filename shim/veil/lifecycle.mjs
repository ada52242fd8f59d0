/*
 * lifecycle.mjs: the page's Veil and its recording's life: boot, begin, tick, pause, end, withdraw.
 *
 * Rules: this module decides nothing about privacy. It reports facts (Do-Not-Track, GPC, the URL,
 * what it stored, the CMP's answer) to the Python gate, and carries out what the core decides
 * (start, pause on an excluded URL, rotate the session). An observer started before the runtime
 * was ready (early.mjs) hands its buffer to the worker only after the gate said yes and the core
 * started; a "no" discards it unsent. Without one, the observer is loaded after the gate said yes.
 * Start/stop/consent changes run one at a time, in order (serially.mjs); the periodic tick is
 * ticker.mjs's. A worker that stops answering
 * (rpc.mjs ends it after a deadline) ends the recording: "failed". It owns the page's status, the
 * runtime's config, the recording (recording.mjs), the early observation, the outbox (created with
 * the callbacks it needs), the handover, the flush timer and the navigation hooks; other modules
 * get what they need as arguments and callbacks. Errors are counted with where they happened.
 */
import { bootRuntime, siteTextStats } from "./boot.mjs";
import { discardEarly, earlyStats, handOverEarly, startEarly } from "./early.mjs";
import { countError, countingAs, debug, errorStats } from "./errors.mjs";
import { facts } from "./facts.mjs";
import { createHandover } from "./handover.mjs";
import { sendStandby, watchPage } from "./keepalive.mjs";
import { hookNavigation, unhookNavigation } from "./navigation.mjs";
import { startObserver, stopObserver } from "./observer-options.mjs";
import { createRecording, workerStats } from "./recording.mjs";
import { serially } from "./serially.mjs";
import { createTicker } from "./ticker.mjs";
import { bootStats, call, connected, disconnect } from "./rpc.mjs";
import { SESSION_KEY, writeStored } from "./storage.mjs";
import { createOutbox } from "./transport.mjs";
import { embed } from "./embedded.mjs";
import { fidelityStats, linkFidelity } from "./fidelity.mjs";

/**
 * @typedef {import("./boot.mjs").PageConfig} PageConfig
 * @typedef {import("../generated/contract.mjs").ConfigureAccepted} ConfigureAccepted
 * @typedef {import("../generated/contract.mjs").Action} Action
 * @typedef {import("./recording.mjs").Recording} Recording
 * @typedef {import("./early.mjs").Early} Early
 * @typedef {"idle" | "loading" | "recording" | "paused" | "stopped" | "declined" | "failed"} Status
 * @typedef {{ recording: boolean, reason?: import("../generated/contract.mjs").GateReason | "stopped" }} StartResult
 */

const FLUSH_INTERVAL_MS = 5000;

/** @type {Status} */
let status = "idle";
/** @type {{ config: PageConfig, core: ConfigureAccepted } | null} the config the core accepted, and what it said */
let runtime = null;
/** @type {Recording | null} */
let recording = null;
/** @type {Early | null} the observer started before the runtime was ready, and its buffer */
let early = null;
/** @type {ReturnType<typeof setInterval> | undefined} */
let flushTimer;
/** @type {(() => void) | null} stops watching the page leave and the network come and go */
let unwatch = null;
let hung = false; // the worker stopped answering and was ended (workerHung)

const outbox = createOutbox({ onOverflow: resyncAfterOverflow, onSessionRefused: restartInNewSession });
const handover = createHandover({
  outbox: outbox,
  // Batches are cut while recording, and while paused (what was observed before the pause).
  current: () => (status === "recording" || status === "paused" ? recording : null),
  beforeSend: () => (runtime && runtime.core.beforeSend && typeof runtime.config.beforeSend === "function" ? runtime.config.beforeSend : null),
});

/** The page's Veil: idle, loading, recording, paused, stopped, declined or failed (Veil.status). */
export function currentStatus() {
  return status;
}

/** What the core said of the config (null before boot). */
export function coreSettings() {
  return runtime ? runtime.core : null;
}

/** The config the core accepted (null before boot). */
export function pageConfig() {
  return runtime ? runtime.config : null;
}

/**
 * Boot the runtime (Veil.init): the worker starts after the page's load event and the core judges
 * the config. A failure settles the page back in "idle" ("failed" when the worker stopped
 * answering) with nothing left running, and rejects.
 * @param {PageConfig} config
 * @returns {Promise<void>}
 */
export function boot(config) {
  status = "loading";
  return bootRuntime(config, workerHung).then(
    (core) => {
      runtime = { config: config, core: core };
      embed(core.parentOrigin, { snapshot: snapshotAndFlush, deliverNow: outbox.onOnline }); // a cross-origin iframe
      const { requestTimeoutMs, maxQueueBytes } = core;
      outbox.configure({ endpoint: String(config.endpoint), clientToken: config.clientToken, requestTimeoutMs, maxQueueBytes });
      if (status === "loading") status = "idle"; // a Veil.stop() meanwhile stays stopped
    },
    (err) => {
      status = hung ? "failed" : "idle";
      if (early) discardEarly(early);
      early = null;
      disconnect(String(err && err.message));
      countError(err, err && err.name === "VeilConfigError" ? "config" : "worker");
      throw err;
    },
  );
}

// The worker let an answer's deadline pass and rpc.mjs ended it: nothing more can be masked, so
// this page view records no more ("failed"). Batches already cut still leave. During the boot,
// init's rejection (the boot's own failure path) reports it.
/** @param {string} reason */
function workerHung(reason) {
  hung = true;
  if (status === "loading") return;
  endRecording();
  unhookNavigation();
  status = "failed";
  countError(new Error(reason), "worker");
}

/** Start observing now (before the runtime is up), if what JavaScript can read allows it. @param {PageConfig} config @param {"init" | "start"} trigger */
export function observeEarly(config, trigger) {
  if (early || runtime) return;
  early = startEarly(config, trigger);
}

/** Ask the gate; record (observer, timers, hooks, first flush) or settle in its status. @returns {Promise<StartResult>} */
export function beginRecording() {
  if (status === "recording") return Promise.resolve({ recording: true });
  return call("gate", { facts: facts() }).then((decision) => {
    debug("gate:", decision.record ? "record" : "do not record (" + decision.reason + ")");
    if (decision.session) writeStored("sessionStorage", SESSION_KEY, decision.session);
    if (!decision.record) {
      endRecording();
      status = decision.status || "declined";
      if (status === "paused") hookNavigation(onNavigation); // resume when the visitor leaves
      return { recording: false, reason: decision.reason || undefined };
    }
    if (recording) stopObserver(recording.end()); // a paused one: its late answers are stale
    recording = null;
    return call("start", null)
      .then((started) => {
        // A rotated session starts without a write key: keys are looked up by session id.
        const session = started && started.session ? started.session : null;
        const rec = createRecording(session, { onActions: carryOut, measure: !!runtime && runtime.config.debug === true });
        recording = rec;
        if (started && started.buffering) debug("on error: buffering in the worker; nothing is sent before a trigger");
        const waiting = early;
        return (waiting ? handOverEarly(waiting, rec.post) : Promise.resolve(null)).then((handed) => {
          if (early === waiting) early = null;
          if (handed) {
            rec.attach(handed.observer); // its buffer is on its way to the worker, in order
            return handed.result;
          }
          return startObserver(runtime ? runtime.config : {}, rec);
        });
      })
      .then((result) => {
        if (!result || !result.snapshots) throw new Error("Veil: the first snapshot could not be masked");
        status = "recording";
        clearInterval(flushTimer);
        flushTimer = setInterval(tick, FLUSH_INTERVAL_MS);
        if (!unwatch) unwatch = watchPage(onPageHide, outbox);
        hookNavigation(onNavigation);
        flush().catch(countingAs("transport")); // the full snapshot leaves at once, not with the timer
        return { recording: true };
      });
  });
}

/** What the core decided after a hand-over. @param {Recording} rec @param {readonly Action[]} actions */
function carryOut(rec, actions) {
  actions.forEach((action) => {
    if (action === "snapshot") rec.snapshot();
    if (action === "flush") flush().catch(countingAs("transport"));
    if (action === "pause") {
      debug("navigated to an excluded URL: paused");
      serially(pauseRecording).catch(countingAs("lifecycle"));
    }
  });
}

/** Mask, batch and send what was observed (Veil.flush(); ``close``: open bursts leave now too). @param {{ close?: boolean }} [options] */
export function flush(options) {
  return handover.flush(options);
}

/** A navigation while recording goes to the observer (the core scrubs the URL, or pauses on an
 * excluded one); while paused it asks the gate again (the visitor may have left the excluded URL). */
function onNavigation() {
  if (recording && recording.observing()) recording.navigated();
  else if (status === "paused") serially(beginRecording).catch(countingAs("navigation"));
}

// The outbox dropped batches: the core discards what it holds and a fresh full snapshot follows.
function resyncAfterOverflow() {
  const rec = recording;
  const token = rec ? rec.stamp() : 0;
  call("resync", null)
    .then(() => {
      if (rec && rec === recording && rec.isCurrent(token)) rec.snapshot();
    })
    .catch(countingAs("transport"));
}

// The collector refused the current session (no write key): record on in a new one. The stored
// session is forgotten, so the gate draws a new id (and a new sampling decision).
/** @param {string} refused */
function restartInNewSession(refused) {
  if (!recording || recording.session !== refused) return; // a leftover batch of an earlier session
  serially(() => {
    if (status !== "recording" || !recording || recording.session !== refused) return undefined; // done already
    debug("session refused by the collector: recording goes on in a new session");
    try {
      sessionStorage.removeItem(SESSION_KEY);
    } catch (e) {
      countError(e, "storage");
    }
    return recordAnew();
  }).catch(countingAs("lifecycle"));
}

// End the recording and begin a new one (a new session, or the core's rotation).
function recordAnew() {
  endRecording();
  status = "idle";
  return beginRecording();
}

// Every few seconds: send what is new, and let the core keep (or rotate) the session (ticker.mjs).
const tick = createTicker({ current: () => recording, flush: flush, rotate: () => serially(() => flush().then(recordAnew)) });

function onPageHide() {
  sendStandby(status === "recording" ? recording : null, outbox, handover, !!runtime && runtime.core.beforeSend);
}

/** Stop reading the page at once (Veil.stop(): before whatever is queued): drop what was observed early, unsent. */
export function stopObserving() {
  if (recording) stopObserver(recording.detach());
  if (early) discardEarly(early);
  early = null;
}

function endRecording() {
  if (early) discardEarly(early);
  early = null;
  if (recording) stopObserver(recording.end());
  recording = null;
  clearInterval(flushTimer);
  if (unwatch) unwatch();
  unwatch = null;
}

// The core dropped everything after a navigation to an excluded URL: stop reading the page.
function pauseRecording() {
  if (status !== "recording") return;
  if (recording) stopObserver(recording.detach());
  status = "paused";
}

/** Stop recording, drop everything unsent, and settle in ``next``. @param {"idle" | "stopped" | "declined"} next */
export function withdraw(next) {
  endRecording();
  unhookNavigation();
  outbox.clear(); // nothing unsent leaves after consent is withdrawn
  // A worker that stopped answering stays "failed" when a start that failed with it is undone.
  status = hung && next === "idle" ? "failed" : next;
  return connected() ? call("stop", null) : undefined;
}

/** Veil.capture(reason): a capture event while recording; resolves with whether it reached the recording. @param {string} reason */
export function capture(reason) {
  if (status !== "recording" || !recording) return Promise.resolve(false);
  return recording.capture(reason);
}

/** Counters for Veil.stats(), from each owner. @returns {import("../veil.d.ts").VeilStats} */
export function stats() {
  return { ...errorStats(), ...outbox.stats(), ...workerStats(), ...handover.stats(), ...earlyStats(), ...bootStats(), ...siteTextStats(), ...fidelityStats() };
}

// Canvas frames and iframes' batches go through the recording now (fidelity.mjs); snapshot on a parent's ask.
linkFidelity({ current: () => (status === "recording" ? recording : null), core: () => (runtime ? runtime.core : null) });
function snapshotAndFlush() {
  const current = status === "recording" ? recording : null;
  return Promise.resolve(current && current.snapshot()).then(() => (current ? flush() : null));
}
