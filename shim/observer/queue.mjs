/*
 * queue.mjs: the hand-over of observed events to the worker.
 *
 * Rules: events are handed over in the order they were observed, JSON-encoded here in bounded
 * hand-overs (the worker receives one string and clones nothing), at most `delayMs` after the
 * first one, or at once when urgent. While a snapshot walk is in progress every event but the
 * walk's own parts is held by the walk and follows its fix-up. Changes the page made before an
 * event (pending mutation records) are serialized before it, so the timeline keeps its order.
 */
import { processMutations } from "./mutations.mjs";

/**
 * @typedef {import("./types.js").RawEvent} RawEvent
 * @typedef {import("./types.js").HandOverAnswer} HandOverAnswer
 */

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
  /** @param {RawEvent} event @param {boolean} [urgent] */
  function emit(event, urgent) {
    if (ctx.walk) {
      ctx.walk.held.push(event);
      return ctx.walk.finished;
    }
    processMutations(ctx, ctx.takeRecords());
    buffer.push(event);
    if (urgent) return drain();
    schedule();
    return inFlight;
  }

  // Into the next hand-over as it is, held by no walk (the walk's own parts, its fix-up, mutations).
  /** @param {RawEvent} event */
  function append(event) {
    buffer.push(event);
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

  return { push, emit, append, drain, schedule, clear, size: () => buffer.length };
}
