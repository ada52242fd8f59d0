/*
 * handover.mjs: cutting batches. Asks the core for the next gzipped batch, runs the site's
 * beforeSend on it, and queues it in the outbox.
 *
 * Rules: hand-overs run one after another (a batch may still be in beforeSend), but never wait
 * for delivery: while the endpoint is slow or hung, batches keep being cut and wait in the bounded
 * outbox, and the worker holds at most one batch's worth of events. beforeSend sees the masked
 * events only; a throw, a non-array or an empty array drops the batch (counted in
 * beforeSendDropped; a throw is also reported, where: "before-send"). Observations lost before
 * the runtime was up (early.mjs) are reported like a lost batch, with the next batch.
 */
import { countError, countingAs, debug } from "./errors.mjs";
import { call } from "./rpc.mjs";
import { state } from "./state.mjs";
import { enqueue, outbox, publicResult } from "./transport.mjs";

/** @typedef {import("./transport.mjs").Bytes} Bytes */

let flushChain = /** @type {Promise<unknown>} */ (Promise.resolve());

/**
 * Resolves with the first delivery attempt of the batch it handed over, once the batches queued
 * before it have had theirs too (also when there was nothing new to send).
 * @returns {Promise<Record<string, unknown>>}
 */
export function flush() {
  const handed = flushChain.then(handOver, handOver);
  flushChain = handed.catch(function () {});
  return handed.then(function (outcome) {
    return /** @type {any} */ (outcome).firstAttempt || outcome;
  }).then(function (result) {
    // Also wait for the batches queued before this one, so "flushed" means handed over.
    return (outbox.pumping || Promise.resolve()).then(function () {
      return publicResult(result);
    });
  });
}

/** Ask the core for the next batch and queue it: {firstAttempt: Promise} or a result. @returns {Promise<any>} */
function handOver() {
  if (!state.worker || !state.core || (state.status !== "recording" && state.status !== "paused")) {
    return Promise.resolve({ sent: false, reason: "not-recording" });
  }
  const core = state.core;
  const generation = state.generation;
  const session = state.sessionId;
  state.standby = null; // this flush sends those events; never send them twice under one seq
  const drained = state.observer ? state.observer.drain() : Promise.resolve();
  const dropped = outbox.dropped;
  const lostEarly = state.earlyLost; // early observations dropped before the runtime was up (early.mjs)
  let reports = 0;
  return drained.then(function () {
    return call("take_batch", { dropped: dropped + lostEarly });
  }).then(function (answer) {
    state.dirty = false;
    state.counters.workerQueueBytes = answer.pendingBytes || 0;
    const bytes = answer.batch;
    if (!bytes || generation !== state.generation) return { sent: false, reason: "empty" };
    reports = answer.reports || 0;
    debug("batch of", bytes.byteLength, "bytes (gzip) queued");
    outbox.dropped -= dropped;
    state.earlyLost -= lostEarly;
    if (answer.more) flush().catch(countingAs("transport")); // cut at its size bound: the rest follows at once
    return core.beforeSend ? applyBeforeSend(bytes) : bytes;
  }).then(function (body) {
    if (body === null) return { sent: false, reason: "before-send" };
    if (body.sent !== undefined) return body;
    return { firstAttempt: enqueue(body, session, reports) };
  });
}

/** @param {Bytes} bytes @param {TransformStream<any, any>} stream */
function pipe(bytes, stream) {
  return new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer();
}

// The site's hook sees the masked events only; it may change them or drop the batch.
/** @param {Bytes} bytes @returns {Promise<ArrayBuffer | null>} */
function applyBeforeSend(bytes) {
  // Inside the chain: where the engine has no DecompressionStream its constructor throws, and
  // that batch is dropped and counted like any the hook could not see.
  return Promise.resolve().then(function () {
    return pipe(bytes, new DecompressionStream("gzip"));
  }).then(function (raw) {
    const batch = JSON.parse(new TextDecoder().decode(raw));
    let events;
    try {
      events = state.config.beforeSend(batch.events);
    } catch (e) {
      events = null;
      countError(e, "before-send");
    }
    if (!Array.isArray(events) || !events.length) {
      state.counters.beforeSendDropped += 1;
      return null;
    }
    batch.events = events;
    return pipe(new TextEncoder().encode(JSON.stringify(batch)), new CompressionStream("gzip"));
  }).catch(function (e) {
    state.counters.beforeSendDropped += 1;
    countError(e, "before-send");
    return null;
  });
}
