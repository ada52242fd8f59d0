/*
 * queue.mjs: the hand-over of observed events to the worker.
 *
 * Rules: events are handed over in the order they were observed, JSON-encoded here in bounded
 * hand-overs (the worker receives one string and clones nothing), at most `delayMs` after the
 * first one, or at once when urgent. While a snapshot walk is in progress every event but the
 * walk's own parts is held by the walk and follows its fix-up. Changes the page made before an
 * event (pending mutation records) are serialized before it, so the timeline keeps its order.
 * An event that names page nodes by id is handed in as a function that builds it (``Observed``),
 * called when the event joins a hand-over: after the page's earlier changes were numbered, and
 * for a held event after the snapshot and its fix-up numbered the nodes, so it names its node as
 * the replay has it (read at the event, a node the walk had not reached yet had no id, and the
 * event named its nearest walked ancestor, or nothing). A builder that answers null drops its
 * event; one that throws is reported and dropped. Only state that is absolute (values, positions)
 * or none (clicks, keys) is built late: a change the walk itself reads (a CSSOM rule on a sheet
 * it has not reached) is resolved at once, and dropped there, or the replay would apply it twice.
 */
import { processMutations } from "./mutations.mjs";

/**
 * @typedef {import("./types.js").RawEvent} RawEvent
 * @typedef {import("./types.js").Observed} Observed
 * @typedef {import("./types.js").HandOverAnswer} HandOverAnswer
 */

// The event itself, built now if given as its builder; null when it is dropped.
/** @param {import("./types.js").Context} ctx @param {Observed} event @returns {RawEvent | null} */
function built(ctx, event) {
  if (typeof event !== "function") return event;
  return ctx.guard(event)() || null;
}

/**
 * @param {import("./types.js").Context} ctx
 * @param {(json: string, oldest: number) => Promise<unknown>} post
 * @param {number} delayMs
 * @returns {import("./types.js").Queue}
 */
export function createQueue(ctx, post, delayMs) {
  /** @type {RawEvent[]} */
  let buffer = [];
  /** @type {ReturnType<typeof setTimeout> | 0} */
  let timer = 0;
  /** @type {Promise<HandOverAnswer>} */
  let inFlight = Promise.resolve(null);

  function schedule() {
    if (buffer.length && !timer) timer = setTimeout(drain, delayMs);
  }

  // Queue an event for the next hand-over; during a snapshot walk it waits for the walk's end.
  /** @param {RawEvent} event */
  function push(event) {
    if (ctx.walk) {
      ctx.walk.held.push(event);
      return;
    }
    buffer.push(event);
    schedule();
  }

  // As push, after the page's earlier changes; resolves with the worker's answer to its hand-over.
  /** @param {Observed} event @param {boolean} [urgent] */
  function emit(event, urgent) {
    if (ctx.walk) {
      ctx.walk.held.push(event);
      return ctx.walk.finished;
    }
    processMutations(ctx, ctx.takeRecords());
    const ready = built(ctx, event);
    if (!ready) return inFlight;
    buffer.push(ready);
    if (urgent) return drain();
    schedule();
    return inFlight;
  }

  // Into the next hand-over as it is, held by no walk (the walk's own parts, its fix-up, mutations).
  /** @param {RawEvent} event */
  function append(event) {
    buffer.push(event);
  }

  // The events a walk held, in order, after its fix-up: built now, when every node they name has
  // the id the snapshot and the fix-up gave it.
  /** @param {Observed[]} held */
  function release(held) {
    held.forEach((event) => {
      const ready = built(ctx, event);
      if (ready) buffer.push(ready);
    });
  }

  // Hand everything observed so far to the worker; resolves with the worker's answer.
  function drain() {
    clearTimeout(timer);
    timer = 0;
    if (!ctx.walk) processMutations(ctx, ctx.takeRecords());
    if (!buffer.length) return inFlight;
    const events = buffer;
    buffer = [];
    const json = JSON.stringify(events);
    inFlight = inFlight.catch(() => null).then(() => /** @type {Promise<HandOverAnswer>} */ (post(json, events[0].timestamp)));
    return inFlight;
  }

  function clear() {
    clearTimeout(timer);
    timer = 0;
    buffer = [];
  }

  return { push, emit, append, release, drain, schedule, clear, size: () => buffer.length };
}
