/*
 * handover.mjs: cutting batches. Asks the core for the next gzipped batch, runs the site's
 * beforeSend on it, and queues it in the outbox.
 *
 * Rules: hand-overs run one after another (a batch may still be in beforeSend), but never wait
 * for delivery: while the endpoint is slow or hung, batches keep being cut and wait in the bounded
 * outbox, and the worker holds at most one batch's worth of events. beforeSend sees the masked
 * events only; a throw, a non-array or an empty array drops the batch (counted in
 * beforeSendDropped; a throw is also reported, where: "before-send"). Losses the batch reports:
 * the outbox's, and observations lost before the runtime was up (early.mjs). A flush that closes
 * (Veil.flush(), the page hidden) has the core close what is still open first (a rage-click burst),
 * so it leaves with this batch. The handover owns its chain of flushes and its counter; the
 * recording, the outbox and the early losses are their owners' (used through their methods).
 */
import { countError, countingAs, debug } from "./errors.mjs";
import { earlyLosses, reportedEarlyLosses } from "./early.mjs";
import { publicResult } from "./delivery.mjs";
import { call, connected } from "./rpc.mjs";

/**
 * @typedef {import("./delivery.mjs").Bytes} Bytes
 * @typedef {import("./delivery.mjs").Delivery} Delivery
 * @typedef {import("./transport.mjs").Outbox} Outbox
 * @typedef {import("./recording.mjs").Recording} Recording
 * @typedef {import("../generated/contract.mjs").TakeBatchAnswer} TakeBatchAnswer
 * @typedef {(events: unknown[]) => unknown} BeforeSend
 * @typedef {{ outbox: Outbox, current: () => Recording | null, beforeSend: () => BeforeSend | null }} HandoverDeps
 * @typedef {{ close?: boolean }} FlushOptions  close: close open bursts first, so they leave now
 * @typedef {ReturnType<typeof createHandover>} Handover
 */

/** @param {Uint8Array<ArrayBuffer>} bytes @param {{ writable: WritableStream<BufferSource>, readable: ReadableStream<Uint8Array> }} stream */
function pipe(bytes, stream) {
  return new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer();
}

/** @param {HandoverDeps} deps */
export function createHandover(deps) {
  const outbox = deps.outbox;
  /** @type {Promise<unknown>} */
  let flushChain = Promise.resolve();
  let beforeSendDropped = 0;

  /**
   * Resolves with the first delivery attempt of the batch it handed over, once the batches queued
   * before it have had theirs too (also when there was nothing new to send).
   * @param {FlushOptions} [options]
   */
  function flush(options) {
    const close = !!(options && options.close);
    const go = function () {
      return handOver(close);
    };
    const handed = flushChain.then(go, go);
    flushChain = handed.catch(function () {});
    return handed.then(function (outcome) {
      return "firstAttempt" in outcome ? outcome.firstAttempt : outcome;
    }).then(function (result) {
      // Also wait for the batches queued before this one, so "flushed" means handed over.
      return (outbox.pumping() || Promise.resolve()).then(function () {
        return publicResult(result);
      });
    });
  }

  /**
   * Ask the core for the next batch and queue it: {firstAttempt} or why nothing was queued.
   * @param {boolean} close
   * @returns {Promise<Delivery | { firstAttempt: Promise<Delivery> }>}
   */
  function handOver(close) {
    const recording = deps.current();
    if (!recording || !connected()) return Promise.resolve({ sent: false, reason: "not-recording" });
    const beforeSend = deps.beforeSend();
    const token = recording.stamp();
    const session = recording.session;
    recording.dropStandby(); // this flush sends those events; never send them twice under one seq
    const dropped = outbox.unreported();
    const lostEarly = earlyLosses(); // early observations dropped before the runtime was up
    return recording.drain().then(function () {
      return call("take_batch", { dropped: dropped + lostEarly, close: close });
    }).then(function (answer) {
      recording.batchTaken(answer.pendingBytes || 0);
      const bytes = answer.batch;
      if (!bytes || !recording.isCurrent(token)) {
        // On error, before a trigger, the worker holds the buffer: nothing is sent, and that is no loss.
        /** @type {Delivery} */
        const nothing = { sent: false, reason: bytes === null && answer.buffered ? "buffered" : "empty" };
        return nothing;
      }
      const reports = answer.reports || 0;
      debug("batch of", bytes.byteLength, "bytes (gzip) queued");
      outbox.reported(dropped);
      reportedEarlyLosses(lostEarly);
      if (answer.more) flush().catch(countingAs("transport")); // cut at its size bound: the rest follows at once
      const body = beforeSend ? applyBeforeSend(bytes, beforeSend) : Promise.resolve(bytes);
      return body.then(function (ready) {
        if (ready === null) {
          /** @type {Delivery} */
          const dropped = { sent: false, reason: "before-send" };
          return dropped;
        }
        return { firstAttempt: outbox.enqueue(ready, session, reports) };
      });
    });
  }

  // The site's hook sees the masked events only; it may change them or drop the batch.
  /** @param {Bytes} bytes @param {BeforeSend} hook @returns {Promise<Bytes | null>} */
  function applyBeforeSend(bytes, hook) {
    // Inside the chain: where the engine has no DecompressionStream its constructor throws, and
    // that batch is dropped and counted like any the hook could not see.
    return Promise.resolve().then(function () {
      return pipe(bytes, new DecompressionStream("gzip"));
    }).then(function (raw) {
      const batch = JSON.parse(new TextDecoder().decode(raw));
      let events;
      try {
        events = hook(batch.events);
      } catch (e) {
        events = null;
        countError(e, "before-send");
      }
      if (!Array.isArray(events) || !events.length) {
        beforeSendDropped += 1;
        return null;
      }
      batch.events = events;
      return pipe(new TextEncoder().encode(JSON.stringify(batch)), new CompressionStream("gzip")).then(function (gzipped) {
        return new Uint8Array(gzipped);
      });
    }).catch(function (e) {
      beforeSendDropped += 1;
      countError(e, "before-send");
      return null;
    });
  }

  return {
    flush,
    /** The handover's part of Veil.stats(). */
    stats() {
      return { beforeSendDropped: beforeSendDropped };
    },
  };
}
