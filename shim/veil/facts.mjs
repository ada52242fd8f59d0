/*
 * facts.mjs: what the Python gate judges: the browser's signals, the URL, the time, what Veil
 * stored and the CMP's last answer.
 *
 * Rules: facts are reported, never judged here (gate.py decides). Reading them never throws: a
 * storage that fails reads as nothing stored.
 */
import { currentTcf } from "./consent.mjs";
import { CONSENT_KEY, SESSION_KEY, readStored } from "./storage.mjs";

/** @returns {import("../generated/contract.mjs").Facts} */
export function facts() {
  const doNotTrack = navigator.doNotTrack || /** @type {{ doNotTrack?: string | null }} */ (window).doNotTrack || null;
  return {
    doNotTrack: doNotTrack,
    globalPrivacyControl: /** @type {{ globalPrivacyControl?: unknown }} */ (navigator).globalPrivacyControl === true,
    href: location.href,
    now: Date.now(),
    storedConsent: readStored("localStorage", CONSENT_KEY),
    storedSession: readStored("sessionStorage", SESSION_KEY),
    tcf: currentTcf(),
  };
}
