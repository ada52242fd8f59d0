/*
 * consent.mjs: the consent facts the shim reports and keeps: an accepted opt-in (persistConsent)
 * and the page's IAB TCF v2 CMP.
 *
 * Rules: this module reports, it does not judge: the CMP's answer becomes the ``tcf`` fact and the
 * Python gate decides. A CMP answer that failed or carries nothing changes nothing. Veil.stop()
 * outranks the CMP (a stopped Veil stays stopped). A decision to stop while recording withdraws
 * (nothing unsent leaves); a decision to record while not recording begins. Errors are counted
 * (where: "consent").
 */
import { countError, countingAs } from "./errors.mjs";
import { beginRecording, facts, serially, withdraw } from "./lifecycle.mjs";
import { call } from "./rpc.mjs";
import { state } from "./state.mjs";
import { CONSENT_KEY, writeStored } from "./storage.mjs";

/** Veil.start() under opt-in with persistConsent: remember the visitor's yes. */
export function rememberConsent() {
  if (state.core && state.core.persistConsent && state.core.consent === "opt-in") {
    writeStored("localStorage", CONSENT_KEY, "granted");
  }
}

/** Veil.stop(): forget a remembered yes. */
export function forgetConsent() {
  if (state.core && state.core.persistConsent) writeStored("localStorage", CONSENT_KEY, null);
}

/**
 * The ``tcf`` fact from a CMP callback, or null when the answer says nothing.
 * @param {any} tcData
 * @param {boolean} success
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
 * @param {any} [tcfapi] the page's window.__tcfapi
 */
export function listenToCmp(tcfapi) {
  const api = arguments.length ? tcfapi : /** @type {any} */ (window).__tcfapi;
  if (typeof api !== "function") return;
  try {
    api("addEventListener", 2, function (/** @type {any} */ tcData, /** @type {boolean} */ success) {
      const fact = tcfFact(tcData, success);
      if (!fact) return;
      state.tcf = fact;
      serially(function () {
        if (state.status === "stopped") return undefined; // Veil.stop() outranks the CMP
        return call("gate", { facts: facts() }).then(function (decision) {
          const action = cmpAction(decision, state.status);
          if (action === "withdraw") return withdraw("declined");
          if (action === "begin") return beginRecording();
          return undefined;
        });
      }).catch(countingAs("consent"));
    });
  } catch (e) {
    countError(e, "consent");
  }
}
