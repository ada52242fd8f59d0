/*
 * transport.mjs: the bounded outbox that delivers the core's gzipped batches (each POST:
 * delivery.mjs).
 *
 * Rules: batches wait in a bounded outbox and are POSTed in order, one at a time; what is tried
 * again, and when, is delivery.mjs's rule (isRetryable, retryDelay). Other 4xx answers drop the batch, counted (413 and a refused session key
 * each have their own counter) and reported (where: "transport"). When the outbox outgrows
 * maxQueueBytes, every batch not in flight is dropped (the oldest, and the later ones whose
 * events cannot be replayed without them) and its owner is told (onOverflow: the core discards
 * what it holds and a fresh full snapshot follows); the next batch tells the collector how many
 * were lost. Retries keep the batch's identity, so the collector's (session, view, seq)
 * deduplication makes delivery exactly-once. A refused session key is told to the owner
 * (onSessionRefused) with the refused batch's session. The outbox owns its batches, its timers
 * and its counters; createOutbox is given the callbacks it needs.
 */
import { isRetryable, postBatch, retryDelay } from "./delivery.mjs";
import { countError, countingAs, debug } from "./errors.mjs";

/**
 * @typedef {import("./delivery.mjs").Bytes} Bytes
 * @typedef {import("./delivery.mjs").Delivery} Delivery
 * @typedef {import("./delivery.mjs").Destination} Destination
 * @typedef {{ bytes: Bytes, attempts: number, session: string | null, reports: number,
 *   settle: ((result: Delivery) => void) | null }} OutboxItem
 * @typedef {{ onOverflow: () => void, onSessionRefused: (session: string) => void }} OutboxCallbacks
 * @typedef {ReturnType<typeof createOutbox>} Outbox
 */

/** @param {OutboxCallbacks} callbacks */
export function createOutbox(callbacks) {
  /** @type {OutboxItem[]} */
  let items = [];
  let bytes = 0;
  let dropped = 0; // batches lost (and the losses they reported), not yet reported to the collector
  /** @type {ReturnType<typeof setTimeout> | 0} */
  let retryTimer = 0;
  /** @type {Promise<void> | null} */
  let pumping = null;
  /** @type {OutboxItem | null} */
  let inflight = null;
  // navigator.onLine is always a boolean in a browser; elsewhere (Node's tests) assume online.
  let offline = typeof navigator !== "undefined" && navigator.onLine === false;
  /** @type {Destination | null} */
  let destination = null;
  const counters = { batchesSent: 0, batchesFailed: 0, batchesTooLarge: 0, batchesRefused: 0, batchesDropped: 0 };

  /**
   * Queue a batch; resolves with its first delivery attempt (or why it has to wait).
   * ``reports``: the earlier losses this batch reports (``dropped``); if it is lost in turn, the
   * next batch must report them again.
   * @param {Bytes} batch
   * @param {string | null} session
   * @param {number} [reports]
   * @returns {Promise<Delivery>}
   */
  function enqueue(batch, session, reports) {
    /** @type {OutboxItem} */
    const item = { bytes: batch, attempts: 0, session: session, reports: reports || 0, settle: null };
    /** @type {Promise<Delivery>} */
    const firstAttempt = new Promise(function (resolve) {
      item.settle = resolve;
    });
    items.push(item);
    bytes += batch.byteLength;
    // A lone batch (beside the one in flight) stays even over the bound: it is at most one batch.
    if (destination && bytes > destination.maxQueueBytes &&
        items.some(function (it) { return it !== item && it !== inflight; })) {
      overflow();
    }
    if (item.settle && (retryTimer || offline)) {
      // Waiting out a backoff or offline: say so now rather than after the wait.
      item.settle({ sent: false, reason: offline ? "offline" : "queued-for-retry" });
      item.settle = null;
    }
    pump();
    return firstAttempt;
  }

  // The outbox is full: drop every batch not in flight. Keeping the newest would not help: their
  // incremental events refer to nodes the dropped ones created, so they cannot be replayed. The
  // owner then has the core discard its pending events and queue nothing until a fresh full
  // snapshot, so the replay after the gap starts from a full snapshot.
  function overflow() {
    let lost = 0;
    items = items.filter(function (it) {
      if (it === inflight) return true;
      bytes -= it.bytes.byteLength;
      lost += 1;
      dropped += it.reports;
      if (it.settle) it.settle({ sent: false, reason: "queue-full" });
      it.settle = null;
      return false;
    });
    dropped += lost;
    counters.batchesDropped += lost;
    countError(new Error("outbox over maxQueueBytes: " + lost + " batches dropped; a fresh snapshot follows"), "transport");
    callbacks.onOverflow();
  }

  /** @param {OutboxItem} item */
  function remove(item) {
    const i = items.indexOf(item);
    if (i >= 0) {
      items.splice(i, 1);
      bytes -= item.bytes.byteLength;
    }
  }

  // A failed delivery is counted and reported; 413 and a refused session key are final and
  // each have a counter of their own, so neither is ever a silent drop.
  /** @param {Delivery} result @param {string | null} session the refused batch's session */
  function reportFailure(result, session) {
    const answer = result.answer;
    const said = answer && typeof answer.error === "string" ? ": " + answer.error.slice(0, 200) : "";
    if (result.status === 413) {
      counters.batchesTooLarge += 1;
      countError(new Error("delivery refused: batch too large (413)" + said), "transport");
    } else if (result.status === 403 && /session.?key/i.test(said)) {
      counters.batchesRefused += 1;
      countError(new Error("delivery refused: session key (403)" + said), "transport");
      // This page never learnt the session's key (the page before it unloaded while the answer
      // that carried it was in flight): nothing more of this session can be stored. The owner
      // decides (recording goes on in a new session, from a fresh full snapshot).
      if (session) callbacks.onSessionRefused(session);
    } else {
      countError(new Error("delivery failed: " + (result.status || result.error) + said), "transport");
    }
  }

  /** Deliver the outbox in order, one POST at a time; resolves when it is empty or waiting. @returns {Promise<void>} */
  function pump() {
    if (pumping || retryTimer || offline) return pumping || Promise.resolve();
    const running = (function next() {
      const item = items[0];
      if (!item || offline) return Promise.resolve();
      inflight = item;
      return post(item.bytes, false, item.session).then(function (result) {
        inflight = null;
        const again = isRetryable(result);
        debug("delivery:", result.sent ? "ok" : "failed", result.status || result.error || "", again ? "(will retry)" : "");
        if (!result.sent) reportFailure(result, item.session);
        if (item.settle) item.settle(result);
        item.settle = null;
        if (!again) {
          if (!result.sent) counters.batchesFailed += 1;
          remove(item);
          return next();
        }
        if (items.indexOf(item) < 0) return next(); // dropped or withdrawn meanwhile
        item.attempts += 1;
        retryTimer = setTimeout(function () {
          retryTimer = 0;
          pump();
        }, retryDelay(item, result.response));
        return undefined;
      });
    })().catch(countingAs("transport")).then(function () {
      inflight = null;
      pumping = null;
      // A batch queued after the loop found the outbox empty, but before this ran, found a pump
      // still "running" and did not start one: start it now rather than at the next enqueue.
      if (items.length && !retryTimer && !offline) pump();
    });
    pumping = running;
    return running;
  }

  /**
   * One POST of a batch (also for an unloading page's keepalive sends), counted when sent.
   * @param {Bytes} batch
   * @param {boolean} keepalive
   * @param {string | null} session
   * @returns {Promise<Delivery>}
   */
  function post(batch, keepalive, session) {
    if (!destination) return Promise.resolve({ sent: false, error: "no endpoint configured" });
    return postBatch(destination, batch, keepalive, session).then(function (result) {
      if (result.sent) counters.batchesSent += 1;
      return result;
    });
  }

  return {
    enqueue,
    post,
    pump,
    remove,
    /** Where batches go (the config the core accepted). @param {Destination} to */
    configure(to) {
      destination = to;
    },
    /** The batches waiting, oldest first (a copy). */
    waiting() {
      return items.slice();
    },
    /** The delivery in progress, if any (a flush waits for it). */
    pumping() {
      return pumping;
    },
    /** Batches lost here and not yet reported to the collector. */
    unreported() {
      return dropped;
    },
    /** ``count`` losses were reported, in a batch the core cut. @param {number} count */
    reported(count) {
      dropped -= count;
    },
    onOffline() {
      offline = true;
    },
    onOnline() {
      offline = false;
      clearTimeout(retryTimer);
      retryTimer = 0;
      pump();
    },
    /** Consent withdrawn: nothing unsent leaves; every waiting batch settles as "stopped". */
    clear() {
      clearTimeout(retryTimer);
      retryTimer = 0;
      items.splice(0).forEach(function (item) {
        if (item.settle) item.settle({ sent: false, reason: "stopped" });
      });
      bytes = 0;
    },
    /** The outbox's part of Veil.stats(). */
    stats() {
      return { ...counters, queuedBatches: items.length, queueDropped: dropped };
    },
  };
}
