/*
 * state.mjs: the one mutable record of a page's Veil, shared by every shim module.
 *
 * Rules: plain data only (no behaviour); every module reads and writes the same object, so a
 * module never keeps a private copy of something another module changes. Counters are what
 * Veil.stats() reports; each is only ever incremented (or set from the worker's own count).
 */

// veil.mjs (the module entry) hands over its own base URL: a module has no currentScript. The
// bundle runs this module while the classic script runs, so document.currentScript is still set.
const currentScript = typeof document !== "undefined" ? document.currentScript : null;
export const BASE = /** @type {any} */ (globalThis).__veilBase ||
  new URL(".", currentScript && /** @type {HTMLScriptElement} */ (currentScript).src
    ? /** @type {HTMLScriptElement} */ (currentScript).src : location.href).href;

export const FLUSH_INTERVAL_MS = 5000;
export const OBSERVE_DELAY_MS = 50; // how long observations gather before the worker masks them

/**
 * @typedef {{ consent: string, persistConsent: boolean, beforeSend: boolean, maxQueueBytes: number,
 *   requestTimeoutMs: number, debug?: boolean }} CoreAnswer  what the core said about the config
 * @typedef {{ info: { chunks: Array<{seq: number, count: number}> }, chunks: Array<Uint8Array<ArrayBuffer>> }} Standby
 */

export const state = {
  status: "idle",
  /** @type {any} the page's config object, for what stays in JS (endpoint, token, hooks) */
  config: null,
  /** @type {CoreAnswer | null} what the core said about the config: consent, persistConsent, beforeSend */
  core: null,
  /** @type {Worker | null} */
  worker: null,
  /** @type {Promise<void> | null} */
  ready: null,
  /** @type {any} the observer module's instance while recording */
  observer: null,
  flushTimer: /** @type {any} */ (0),
  /** @type {Standby | null} */
  standby: null,
  dirty: false,
  /** @type {Promise<unknown>} start/stop/consent changes run one at a time, in order */
  queue: Promise.resolve(),
  /** how many times Veil.stop() was called: a start() asked before a later stop() does not record */
  stops: 0,
  generation: 0,
  /** @type {string | null} the session the recording's batches belong to */
  sessionId: null,
  /** @type {Record<string, string>} session id -> the collector's write credential for it */
  sessionKeys: {},
  /** @type {(() => void) | null} set by lifecycle: start a new session when the collector refuses this one */
  onSessionRefused: null,
  /** @type {{ gdprApplies: unknown, purposeConsents: Record<string, boolean> } | null} */
  tcf: null,
  /** @type {Array<() => void>} */
  navigationHooks: [],
  /** @type {import("./early.mjs").Early | null} the observer started before the runtime was ready, and its buffer */
  early: null,
  /** early observations lost (buffer full, URL changed): reported as a lost batch with the next batch */
  earlyLost: 0,
  counters: {
    errors: 0, batchesSent: 0, batchesFailed: 0, batchesTooLarge: 0, batchesRefused: 0, batchesDropped: 0,
    dropped: 0, beforeSendDropped: 0, workerMemoryBytes: 0, workerQueueBytes: 0,
    // Observing before the runtime is ready (early.mjs): bytes buffered in page memory now,
    // hand-overs given to the worker after the gate said yes, hand-overs discarded unsent, overflows.
    earlyBufferBytes: 0, earlyHandedOver: 0, earlyDiscarded: 0, earlyOverflows: 0,
  },
  /**
   * How the worker booted and what became of the runtime's memory snapshot, and the large
   * stylesheets it masked from scratch or took from the visit's cache (worker/cssvisit.mjs), as
   * the worker last reported it (unsolicited {stats} messages, see rpc.mjs); part of Veil.stats().
   * @type {{ bootKind: "snapshot" | "plain" | null, bootMs: number, snapshotFallbacks: number,
   *   snapshotFallbackReason: string | null, snapshotStored: number, snapshotStoreFailures: number,
   *   snapshotStoreReason: string | null, snapshotBytes: number, cssSheetsMasked: number, cssSheetsReused: number }}
   */
  boot: {
    bootKind: null, bootMs: 0, snapshotFallbacks: 0, snapshotFallbackReason: null, snapshotStored: 0,
    snapshotStoreFailures: 0, snapshotStoreReason: null, snapshotBytes: 0, cssSheetsMasked: 0, cssSheetsReused: 0,
  },
};
