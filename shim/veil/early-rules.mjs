/*
 * early-rules.mjs: what decides observing before the runtime is ready, without Python: may the
 * observer start now, and the bounded buffer its hand-overs wait in.
 *
 * Rules: only what JavaScript can read is judged: Do-Not-Track and Global Privacy Control (with
 * respectDoNotTrack, not false), the consent mode, a Veil.start() and a remembered opt-in
 * (persistConsent). Under consent "tcf" nothing starts early: the CMP's answer is judged by the
 * Python gate. mayObserveEarly is held equal to the Python gate's rule (veil.gate.may_observe_early)
 * by one table of cases, tests/shared/early-gate.json, run in both languages. The buffer holds at
 * most maxQueueBytes of JSON (the outbox's bound, from the contract: before the runtime is up the
 * outbox is empty); past it, everything buffered is dropped and nothing more is kept.
 */
import { MAX_QUEUE_BYTES_DEFAULT, MAX_QUEUE_BYTES_MAX, MAX_QUEUE_BYTES_MIN, STORED_CONSENT } from "../generated/contract.mjs";
import { CONSENT_KEY, readStored } from "./storage.mjs";

export const DEFAULT_EARLY_BYTES = MAX_QUEUE_BYTES_DEFAULT;

/**
 * @typedef {{ doNotTrack: unknown, globalPrivacyControl: boolean, storedConsent: unknown }} Signals
 * @typedef {{ json: string, oldest: number }} HandOver
 * @typedef {{ consent?: unknown, respectDoNotTrack?: unknown, persistConsent?: unknown, maxQueueBytes?: unknown }} EarlyConfig
 *   the page's config as these rules read it, not yet validated (Python validates it at boot)
 * @typedef {ReturnType<typeof createEarlyBuffer>} EarlyBuffer
 */

/**
 * The consent signals JavaScript reads without Python (the same ones lifecycle's facts() reports).
 * The stored consent is read only when it matters (``persistConsent``): a page's first
 * localStorage access can cost a few milliseconds before DOMContentLoaded.
 * @param {EarlyConfig | null} config
 * @returns {Signals}
 */
export function signals(config) {
  return {
    doNotTrack: navigator.doNotTrack || /** @type {{ doNotTrack?: unknown }} */ (window).doNotTrack || null,
    globalPrivacyControl: /** @type {{ globalPrivacyControl?: unknown }} */ (navigator).globalPrivacyControl === true,
    storedConsent: config && config.persistConsent === true ? readStored("localStorage", CONSENT_KEY) : null,
  };
}

/**
 * May the observer start before Python is up? ``trigger`` is "init" or "start" (Veil.start()).
 * @param {EarlyConfig | null} config the page's config, not yet validated (Python validates it at boot)
 * @param {"init" | "start"} trigger
 * @param {Partial<Signals>} s
 */
export function mayObserveEarly(config, trigger, s) {
  if (!config || typeof config !== "object") return false;
  const respectsDnt = config.respectDoNotTrack !== false;
  if (respectsDnt && (s.doNotTrack === "1" || s.doNotTrack === "yes" || s.globalPrivacyControl === true)) return false;
  const consent = config.consent === undefined ? "opt-in" : config.consent;
  if (consent === "not-required") return true;
  if (consent !== "opt-in") return false; // "tcf" (the Python gate judges the CMP's answer), or invalid
  return trigger === "start" || (config.persistConsent === true && s.storedConsent === STORED_CONSENT);
}

/** The buffer's bound in bytes (JSON characters): the config's maxQueueBytes when valid. @param {EarlyConfig | null} config */
export function earlyBound(config) {
  const v = config && config.maxQueueBytes;
  return typeof v === "number" && Number.isInteger(v) && v >= MAX_QUEUE_BYTES_MIN && v <= MAX_QUEUE_BYTES_MAX ? v : DEFAULT_EARLY_BYTES;
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
