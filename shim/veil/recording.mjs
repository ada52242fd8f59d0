/*
 * recording.mjs: one recording, from the gate's yes to its end: its session, the observer whose
 * hand-overs it posts to the worker, and what the worker answered about it (the standby copy for
 * an unloading page, whether anything new is waiting).
 *
 * Rules: the lifecycle creates a recording and owns it; other modules use its methods, never its
 * fields. A recording's observer changes only through attach/detach; once detached (a pause, a
 * Veil.stop(), the end), answers to the hand-overs it made before are stale: their actions are not
 * carried out and nothing is noted from them, and a batch cut meanwhile is not sent (``stamp`` and
 * ``isCurrent``). The worker's answers carry actions, which the recording hands to its owner
 * (``onActions``), and diagnostics, which this module keeps for Veil.stats() (the last reported,
 * across recordings).
 */
import { call } from "./rpc.mjs";
import { SESSION_KEY, writeStored } from "./storage.mjs";

/**
 * @typedef {import("../generated/contract.mjs").Action} Action
 * @typedef {import("../generated/contract.mjs").Standby} Standby
 * @typedef {import("../generated/contract.mjs").ObserveAnswer} ObserveAnswer
 * @typedef {{ start: () => Promise<{ snapshots: number } | null>, stop: () => void, snapshot: () => unknown,
 *   drain: () => Promise<void>, pending: () => boolean, navigated: () => void,
 *   capture: (reason: string) => Promise<unknown> }} Observer  the observer (shim/observer/observer.mjs)
 * @typedef {{ onActions: (recording: Recording, actions: readonly Action[]) => void, measure: boolean }} RecordingOptions
 * @typedef {ReturnType<typeof createRecording>} Recording
 */

// What the worker last reported (Veil.stats()): events dropped by the fail-closed masker, its
// WebAssembly memory, and the masked JSON it holds unsent.
const report = { dropped: 0, workerMemoryBytes: 0, workerQueueBytes: 0 };

/** The worker's diagnostics as last reported (part of Veil.stats()). */
export function workerStats() {
  return { ...report };
}

// Under debug, User Timing measures show Veil's cost: veil:mask-latency runs from the oldest
// observation in a hand-over to the masked result coming back from the worker;
// veil:worker-mask lasts as long as Python's masking of that hand-over took in the worker.
/** @param {string} name @param {number} startEpochMs */
function measure(name, startEpochMs) {
  try {
    performance.measure(name, { start: Math.max(0, startEpochMs - performance.timeOrigin), end: performance.now() });
  } catch (e) {
    // User Timing is a diagnostic: its absence must not matter
  }
}

/**
 * @param {string | null} session the session the recording's batches belong to
 * @param {RecordingOptions} options
 */
export function createRecording(session, options) {
  /** @type {Observer | null} */
  let observer = null;
  /** @type {Standby | null} */
  let standby = null;
  let dirty = false; // masked events are waiting in the worker since the last batch
  let epoch = 0; // bumped whenever the observer is detached: older answers are stale
  let ended = false;

  const recording = {
    session: session,
    /** The observer whose hand-overs this recording posts. @param {Observer} attached */
    attach(attached) {
      observer = attached;
    },
    /** Stop posting the observer's hand-overs; returns it (for its owner to stop), or null. */
    detach() {
      epoch += 1;
      standby = null;
      const gone = observer;
      observer = null;
      return gone;
    },
    /** The recording is over: every answer still on its way is stale. */
    end() {
      ended = true;
      return recording.detach();
    },
    /** Whether an observer is attached. */
    observing() {
      return observer !== null;
    },
    /** A token for an answer on its way: ``isCurrent`` says whether it still counts. */
    stamp() {
      return epoch;
    },
    /** @param {number} token */
    isCurrent(token) {
      return !ended && token === epoch;
    },
    /** Anything new since the last batch (masked, or still in the observer)? */
    active() {
      return dirty || (observer !== null && observer.pending());
    },
    /** Take a fresh full snapshot (the core asked for one), if observing. */
    snapshot() {
      return observer ? observer.snapshot() : null;
    },
    /** An SPA navigation: the observer records it (the core scrubs the URL, or pauses on an excluded one). */
    navigated() {
      if (observer) observer.navigated();
    },
    /** Veil.capture(reason): resolves with whether the capture event reached the worker. @param {string} reason */
    capture(reason) {
      const current = observer;
      if (!current) return Promise.resolve(false);
      return Promise.resolve().then(function () {
        return current.capture(reason);
      }).then(function (answer) {
        return answer != null;
      });
    },
    /** The observer's pending hand-over, before a batch is cut. */
    drain() {
      return observer ? observer.drain() : Promise.resolve();
    },
    /** The standby copy, once: an unloading page sends it (see keepalive.mjs). */
    takeStandby() {
      const ready = standby;
      standby = null;
      return ready;
    },
    /** A batch is being cut: the standby copy holds its events, and must never be sent too. */
    dropStandby() {
      standby = null;
    },
    /** The worker answered a take_batch: nothing is new any more; it holds ``pendingBytes``. @param {number} pendingBytes */
    batchTaken(pendingBytes) {
      dirty = false;
      report.workerQueueBytes = pendingBytes;
    },
    /**
     * The observer's hand-over (a JSON array of raw events; ``oldest``: its first observation's
     * epoch time) to the worker, which masks it.
     * @param {string} eventsJson
     * @param {number} oldest
     * @returns {Promise<ObserveAnswer>}
     */
    post(eventsJson, oldest) {
      const token = epoch;
      return call("observe", { events: eventsJson }).then(function (answer) {
        if (options.measure) {
          measure("veil:mask-latency", oldest);
          measure("veil:worker-mask", performance.timeOrigin + performance.now() - answer.maskMs);
        }
        return noted(token, answer);
      });
    },

    /**
     * The worker's answer to a canvas frame or a cross-origin iframe's batch of this recording
     * (veil/fidelity.mjs), taken as an observation's (a frame the worker skipped has no core answer).
     * @param {Promise<any>} pending the call just made
     * @returns {Promise<any>}
     */
    note(pending) {
      const token = epoch;
      return pending.then(function (answer) {
        return answer && answer.actions ? noted(token, answer) : answer;
      });
    },
  };
  // What the worker answered about this recording's events: noted, and its actions carried out,
  // unless the observer that made them was detached since (stale).
  /** @param {number} token @param {any} answer */
  function noted(token, answer) {
    if (!recording.isCurrent(token)) return answer;
    dirty = true;
    report.dropped = answer.dropped;
    report.workerQueueBytes = answer.pendingBytes || 0;
    if (answer.memoryBytes) report.workerMemoryBytes = answer.memoryBytes;
    standby = answer.standby || null;
    // On error: the buffer was sent; the session records from now on, on every page of it.
    if (answer.session) writeStored("sessionStorage", SESSION_KEY, answer.session);
    if (answer.actions.length) options.onActions(recording, answer.actions);
    return answer;
  }

  return recording;
}
