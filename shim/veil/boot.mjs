/*
 * boot.mjs: starting the runtime: the worker (Pyodide + the veil wheel), after the page's load
 * event, and the core's judgement of the config.
 *
 * Rules: the worker starts once the load event has ended (in init's own task when it already has:
 * the loader snippet's case), so no runtime request can hold the event up. The config is described
 * for JSON (a RegExp or a function cannot travel) and the Python validator judges it; a refusal
 * is a VeilConfigError naming the key. The selector lists are checked by the browser's own parser
 * too. A Worker the page refuses (a CSP's worker-src) rejects the boot; it never throws into the
 * page. A worker that fails later rejects every pending call and is counted once configured; one
 * that lets an answer's deadline pass (rpc.mjs; the boot's included) is ended and its owner told. The
 * site-text list (`allowTextUrl`, resolved here against the page's URL) is fetched by the worker
 * while it boots; one that was not used is counted (siteTextFailures) and reported, where
 * "site-text", and the boot goes on without it.
 */
import { MAKER_URL, WORKER_URL } from "./base.mjs";
import { hostMaker } from "./maker-host.mjs";
import { configError, countError, debug, setDebug } from "./errors.mjs";
import { call, connect, failAll, onWorkerMessage } from "./rpc.mjs";
import { SESSION_KEY, readStored } from "./storage.mjs";

/**
 * @typedef {import("../generated/contract.mjs").ConfigureAccepted} ConfigureAccepted
 * @typedef {Record<string, any>} PageConfig  the page's config object, as given to Veil.init
 */

// Resolves in a task after the page's load event has been fully dispatched (readyState is
// "complete" already while load listeners run), so no runtime request can hold the event up.
/** @returns {Promise<void>} */
function afterLoad() {
  return new Promise((resolve) => {
    function later() {
      setTimeout(resolve, 0);
    }
    if (document.readyState === "complete") later();
    else window.addEventListener("load", later, { once: true });
  });
}

// True once the page's load event has ended (veil.js injected by the loader snippet, or init
// called late): the worker can start at once, in this task, with nothing to hold up.
function loadEnded() {
  try {
    const nav = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType("navigation")[0]);
    return Boolean(nav && nav.loadEventEnd > 0);
  } catch (_e) {
    return false; // no Navigation Timing: wait for the event as a page still loading would
  }
}

// JSON cannot carry a RegExp or a function: describe them so the Python validator can judge.
/** @param {unknown} value @returns {unknown} */
function describe(value) {
  if (value instanceof RegExp) return { regexp: value.source, flags: value.flags };
  if (typeof value === "function") return { function: true };
  if (Array.isArray(value)) return value.map(describe);
  if (value && typeof value === "object") {
    /** @type {Record<string, unknown>} */
    const out = {};
    const source = /** @type {Record<string, unknown>} */ (value);
    Object.keys(source).forEach((k) => {
      out[k] = describe(source[k]);
    });
    return out;
  }
  return value;
}

/** @param {PageConfig} config */
function checkSelectors(config) {
  const probe = document.createDocumentFragment();
  ["allowSelectors", "maskSelectors", "blockSelectors"].forEach((key) => {
    (config[key] || []).forEach((/** @type {string} */ selector) => {
      try {
        probe.querySelector(selector);
      } catch (_e) {
        throw configError(key, "Veil config: `" + key + "` holds an invalid CSS selector: " + JSON.stringify(selector));
      }
    });
  });
}

let siteTextEntries = 0;
let siteTextFailures = 0;

/** Veil.stats()'s site-text counters. */
export function siteTextStats() {
  return { siteTextEntries: siteTextEntries, siteTextFailures: siteTextFailures };
}

/** The site-text list's URL against the page's own (the worker's base is dist/'s), or null. @param {PageConfig} rawConfig */
function siteTextUrl(rawConfig) {
  const url = rawConfig && rawConfig.allowTextUrl;
  if (typeof url !== "string" || !url) return null;
  try {
    return new URL(url, location.href).href;
  } catch (_e) {
    return null; // the core names the key
  }
}

/** A site-text list that was not used: counted and reported; recording goes on without it.
 * @param {import("../generated/contract.mjs").SiteTextOutcome | undefined} outcome */
function reportSiteText(outcome) {
  if (!outcome) return;
  if (outcome.ok) {
    siteTextEntries = (outcome.strings || 0) + (outcome.templates || 0);
    debug("site-text list loaded:", outcome.strings, "strings,", outcome.templates, "templates");
    return;
  }
  siteTextFailures += 1;
  countError(new Error("Veil: the site-text list (allowTextUrl) was not used, everything it lists stays masked: " + outcome.reason), "site-text");
}

/**
 * @param {() => boolean} configured whether the core has accepted the config (a later failure is counted)
 * @param {(reason: string) => void} hung told when the worker let a deadline pass (rpc.mjs ended it)
 */
function startWorker(configured, hung) {
  const worker = new Worker(WORKER_URL, { type: "module", name: "veil" });
  const maker = hostMaker(worker, MAKER_URL); // the snapshot maker, started on the worker's word
  // Ending the worker (rpc.mjs disconnect) ends the maker it asked for.
  const link = {
    postMessage: (/** @type {unknown} */ message, /** @type {Transferable[]} */ transfer) => worker.postMessage(message, transfer),
    terminate: () => {
      maker.end();
      worker.terminate();
    },
  };
  connect(link, hung);
  worker.onmessage = (e) => {
    if (!maker.takes(e.data)) onWorkerMessage(e);
  };
  worker.onerror = (e) => {
    const message = "Veil: the worker failed" + (e && e.message ? ": " + e.message : "");
    if (configured()) countError(new Error(message), "worker"); // during init, init's rejection reports it
    failAll(message);
  };
}

// Whether this page view will likely record: consent is not needed, or this tab's visit went
// through the gate already. Only a hint (the gate decides): with it, the worker has the runtime's
// memory snapshot made beside its own boot, so that a short page view still stores one for the
// next (the worker stores it only once the view records).
/** @param {PageConfig} rawConfig */
function likelyToRecord(rawConfig) {
  return rawConfig.consent === "not-required" || readStored("sessionStorage", SESSION_KEY) !== null;
}

/**
 * Start the worker after the page's load event and let the core validate the config; resolves
 * with what the core said of it.
 * @param {PageConfig} rawConfig
 * @param {(reason: string) => void} hung told when the worker lets a deadline pass (it is ended)
 * @returns {Promise<ConfigureAccepted>}
 */
export function bootRuntime(rawConfig, hung) {
  const described = describe(rawConfig);
  let accepted = false;
  const configured = () => accepted;
  // Once the load event has ended, in this task (its thread starts while the rest of init runs);
  // the executor turns a Worker refused (a CSP's worker-src) into init's rejection, not a throw.
  /** @type {Promise<void>} */
  const started = loadEnded()
    ? new Promise((resolve) => {
        resolve(startWorker(configured, hung));
      })
    : afterLoad().then(() => {
        startWorker(configured, hung);
      });
  return started
    .then(() => call("configure", { config: JSON.stringify(described), siteTextUrl: siteTextUrl(rawConfig), ahead: likelyToRecord(rawConfig) }))
    .then((result) => {
      if (!result.ok) throw configError(result.key, result.message);
      checkSelectors(rawConfig);
      accepted = true;
      setDebug(rawConfig.debug === true);
      reportSiteText(result.siteText);
      debug("runtime ready; consent mode", result.consent);
      return result;
    });
}
