/*
 * navigation.mjs: single-page-app navigation. Wraps history.pushState/replaceState and listens
 * for popstate and hashchange, and calls the handler it is given.
 *
 * Rules: hooks are installed once (a second hookNavigation while hooked changes nothing) and every
 * one is undone by the function hookNavigation returns (unhookNavigation undoes the current ones).
 * What a navigation means is the handler's: this module decides nothing. The page's own history
 * call always runs and returns first; an error in the handler is counted (where: "navigation")
 * and never reaches the page. This module owns the hooks it installed.
 */
import { countError } from "./errors.mjs";

/** @type {Array<() => void>} */
const restores = [];

/** Call ``onNavigation`` after every SPA navigation, until unhooked. @param {() => void} onNavigation */
export function hookNavigation(onNavigation) {
  if (restores.length) return unhookNavigation;
  function navigated() {
    try {
      onNavigation();
    } catch (e) {
      countError(e, "navigation");
    }
  }
  /** @type {Array<"pushState" | "replaceState">} */ (["pushState", "replaceState"]).forEach(function (name) {
    const original = history[name];
    history[name] = /** @this {History} @param {Parameters<History["pushState"]>} args */ function (...args) {
      const result = original.apply(this, args);
      navigated();
      return result;
    };
    restores.push(function () {
      history[name] = original;
    });
  });
  ["popstate", "hashchange"].forEach(function (type) {
    window.addEventListener(type, navigated);
    restores.push(function () {
      window.removeEventListener(type, navigated);
    });
  });
  return unhookNavigation;
}

/** Undo every hook (the page's history methods restored, listeners removed). */
export function unhookNavigation() {
  restores.splice(0).forEach(function (restore) {
    restore();
  });
}
