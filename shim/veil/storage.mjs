/*
 * storage.mjs: Veil's first-party storage (localStorage consent, sessionStorage session and the
 * collector's per-session write key).
 *
 * Rules: any failure (privacy mode, quota, sandbox) reads as "nothing stored"; a failed write is
 * counted (where: "storage") and changes nothing else. A write key is kept only when it matches
 * SESSION_WRITE_KEY_PATTERN, whether it came from a collector's answer or from storage. This
 * module owns the write keys it has seen (in memory, beside sessionStorage).
 */
import { countError } from "./errors.mjs";

export const CONSENT_KEY = "veil:consent"; // localStorage, only with persistConsent
export const SESSION_KEY = "veil:session"; // sessionStorage: tab-scoped
// sessionStorage, one per session: the write credential a collector answered with.
const SESSION_WRITE_KEY_PREFIX = "veil:session-key:";
const SESSION_WRITE_KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** @typedef {"localStorage" | "sessionStorage"} StorageName */

/** @type {Map<string, string>} session id -> the collector's write credential for it */
const sessionKeys = new Map();

/** @param {StorageName} storage @param {string} key @returns {unknown} */
export function readStored(storage, key) {
  try {
    const raw = window[storage].getItem(key);
    return raw === null ? null : JSON.parse(raw);
  } catch (e) {
    return null;
  }
}

/** @param {StorageName} storage @param {string} key @param {unknown} value */
export function writeStored(storage, key, value) {
  try {
    if (value === null) window[storage].removeItem(key);
    else window[storage].setItem(key, JSON.stringify(value));
  } catch (e) {
    countError(e, "storage");
  }
}

/** The collector's write credential for a session: from memory, else from sessionStorage. @param {string | null} session */
export function sessionKey(session) {
  if (!session) return null;
  const known = sessionKeys.get(session);
  if (known) return known;
  const stored = readStored("sessionStorage", SESSION_WRITE_KEY_PREFIX + session);
  if (typeof stored !== "string" || !SESSION_WRITE_KEY_PATTERN.test(stored)) return null;
  sessionKeys.set(session, stored);
  return stored;
}

/** @param {string | null} session @param {unknown} answer the collector's JSON answer */
export function rememberSessionKey(session, answer) {
  const key = answer && typeof answer === "object" ? /** @type {{ sessionKey?: unknown }} */ (answer).sessionKey : undefined;
  if (!session || typeof key !== "string" || !SESSION_WRITE_KEY_PATTERN.test(key)) return;
  if (sessionKeys.get(session) === key) return;
  sessionKeys.set(session, key);
  writeStored("sessionStorage", SESSION_WRITE_KEY_PREFIX + session, key);
}
