/*
 * observer-options.mjs: the options every observer is created with, from the page's config: the
 * selector lists, the context channels (network, console), how long observations gather before a
 * hand-over, and where its hand-overs and errors go.
 *
 * Rules: one place builds them, for the observer started early (before the runtime is up) and the
 * one started after the gate. The channels only pre-filter: the Python core judges and masks again
 * whatever they let through. Veil's own requests (its endpoint, its dist/ files) are never recorded.
 */
import { BASE, OBSERVER_URL } from "./base.mjs";
import { countError, countingAs } from "./errors.mjs";
import { fidelityOptions } from "./fidelity.mjs";

/** How long observations gather before the worker masks them (a hand-over). */
export const OBSERVE_DELAY_MS = 50;

/**
 * What the observer (shim/observer/context.mjs, ObserverOptions) is created with.
 * @typedef {{ post: (json: string, oldest: number) => Promise<unknown>, delayMs: number, allowSelectors: string[],
 *   maskSelectors: string[], blockSelectors: string[], measure: boolean, onError: (err: unknown) => void,
 *   network: { detailUrls: Array<string | RegExp>, headers: string[] | undefined, bodyMaxBytes: number | undefined,
 *   ownUrls: string[] } | null, console: string[] } & ReturnType<typeof fidelityOptions>} ObserverOptions
 * @typedef {import("./recording.mjs").Observer} Observer
 * @typedef {{ createObserver: (options: ObserverOptions) => Observer,
 *   describeForExplain: (el: Element, config: VeilConfigLike) => import("../generated/contract.mjs").ExplainEntry,
 *   contentForExplain: (el: Element) => { text: string[], content: Record<string, string> } }} ObserverModule
 * @typedef {{ endpoint?: unknown, debug?: unknown, network?: unknown, networkDetailUrls?: Array<string | RegExp>,
 *   networkHeaders?: string[], networkBodyMaxBytes?: number, console?: string[], allowSelectors?: string[],
 *   maskSelectors?: string[], blockSelectors?: string[], canvasMaskRegions?: unknown }} VeilConfigLike  the page's config, as far as the observer reads it
 */

/** The observer's module (dist's veil-observer.mjs), loaded on first use. @returns {Promise<ObserverModule>} */
export function loadObserver() {
  return import(OBSERVER_URL);
}

/**
 * @param {VeilConfigLike} config the page's config as given to Veil.init
 * @param {string[][]} lists the allow, mask and block selector lists
 * @param {(json: string, oldest: number) => Promise<unknown>} post where the observer's hand-overs go
 * @returns {ObserverOptions}
 */
export function observerOptions(config, lists, post) {
  return {
    post: post,
    delayMs: OBSERVE_DELAY_MS,
    allowSelectors: lists[0],
    maskSelectors: lists[1],
    blockSelectors: lists[2],
    measure: config.debug === true,
    onError: countingAs("observer"),
    network: config.network === false ? null : {
      detailUrls: config.networkDetailUrls || [],
      headers: config.networkHeaders,
      bodyMaxBytes: config.networkBodyMaxBytes,
      ownUrls: [String(config.endpoint), BASE],
    },
    console: config.console || [],
    // Closed shadow roots (from the loader), canvas frames, cross-origin iframes (fidelity.mjs).
    ...fidelityOptions(config),
  };
}

/** Stop an observer (its trackers' teardowns restore the page); a fault is counted, never thrown. @param {{ stop: () => void }} observer */
export function stopObserver(observer) {
  try {
    observer.stop();
  } catch (e) {
    countError(e, "observer");
  }
}

/**
 * Load the observer for a recording and take the first full snapshot; resolves like its start().
 * @param {VeilConfigLike} config
 * @param {{ post: (json: string, oldest: number) => Promise<unknown>, attach: (observer: Observer) => void }} recording
 */
export function startObserver(config, recording) {
  return loadObserver().then(function (mod) {
    const lists = [config.allowSelectors || [], config.maskSelectors || [], config.blockSelectors || []];
    const observer = mod.createObserver(observerOptions(config, lists, recording.post));
    recording.attach(observer);
    return observer.start();
  });
}
