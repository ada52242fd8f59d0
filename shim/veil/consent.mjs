/*
 * consent.mjs: the consent facts the shim reports and keeps: an accepted opt-in (persistConsent)
 * and the page's IAB TCF v2 CMP.
 *
 * Rules: this module reports, it does not judge: the CMP's answer becomes the ``tcf`` fact and the
 * Python gate decides. A CMP answer that failed or carries nothing changes nothing. Veil.stop()
 * outranks the CMP (a stopped Veil stays stopped). A decision to stop while recording withdraws
 * (nothing unsent leaves); a decision to record while not recording begins: both are the
 * lifecycle's, which it hands in (``CmpFollower``). Errors are counted (where: "consent"). This
 * module owns the last tcf fact.
 */
import { STORED_CONSENT } from "../generated/contract.mjs";
import { countError, countingAs } from "./errors.mjs";
import { CONSENT_KEY, writeStored } from "./storage.mjs";

/**
 * @typedef {import("../generated/contract.mjs").TcfFact} TcfFact
 * @typedef {import("../generated/contract.mjs").GateAnswer} GateAnswer
 * @typedef {{ consent: string, persistConsent: boolean }} ConsentSettings  what the core said of the config
 * What the lifecycle lets the CMP's answers do: its status, its serial queue, the gate, and the two
 * ways a decision can go.
 * @typedef {{ status: () => string, serially: (fn: () => unknown) => Promise<unknown>, gate: () => Promise<GateAnswer>,
 *   withdraw: (status: "declined") => unknown, begin: () => unknown }} CmpFollower
 */

/** @type {TcfFact | null} */
let tcf = null;

/** The CMP's last answer, as the gate's ``tcf`` fact (null: none yet). */
export function currentTcf() {
  return tcf;
}

/** Veil.start() under opt-in with persistConsent: remember the visitor's yes. @param {ConsentSettings | null} settings */
export function rememberConsent(settings) {
  if (settings && settings.persistConsent && settings.consent === "opt-in") {
    writeStored("localStorage", CONSENT_KEY, STORED_CONSENT);
  }
}

/** Veil.stop(): forget a remembered yes. @param {ConsentSettings | null} settings */
export function forgetConsent(settings) {
  if (settings && settings.persistConsent) writeStored("localStorage", CONSENT_KEY, null);
}

/**
 * The ``tcf`` fact from a CMP callback, or null when the answer says nothing.
 * @param {{ gdprApplies?: unknown, purpose?: { consents?: Record<string, boolean> } } | null | undefined} tcData
 * @param {boolean} success
 * @returns {TcfFact | null}
 */
export function tcfFact(tcData, success) {
  if (!success || !tcData) return null;
  return {
    gdprApplies: tcData.gdprApplies,
    purposeConsents: (tcData.purpose && tcData.purpose.consents) || {},
  };
}

/**
 * What a gate decision after a CMP answer means for a Veil in ``status``.
 * @param {{ record: boolean }} decision
 * @param {string} status
 * @returns {"withdraw" | "begin" | null}
 */
export function cmpAction(decision, status) {
  if (!decision.record && status === "recording") return "withdraw";
  if (decision.record && status !== "recording") return "begin";
  return null;
}

/**
 * Follow the CMP (consent: "tcf"): every answer it gives is a new gate decision.
 * @param {unknown} tcfapi the page's window.__tcfapi
 * @param {CmpFollower} follower
 */
export function listenToCmp(tcfapi, follower) {
  if (typeof tcfapi !== "function") return;
  try {
    tcfapi("addEventListener", 2, function (/** @type {any} */ tcData, /** @type {boolean} */ success) {
      const fact = tcfFact(tcData, success);
      if (!fact) return;
      tcf = fact;
      follower.serially(function () {
        if (follower.status() === "stopped") return undefined; // Veil.stop() outranks the CMP
        return follower.gate().then(function (decision) {
          const action = cmpAction(decision, follower.status());
          if (action === "withdraw") return follower.withdraw("declined");
          if (action === "begin") return follower.begin();
          return undefined;
        });
      }).catch(countingAs("consent"));
    });
  } catch (e) {
    countError(e, "consent");
  }
}
