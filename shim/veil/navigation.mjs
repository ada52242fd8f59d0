/*
 * navigation.mjs: single-page-app navigation. Wraps history.pushState/replaceState and listens
 * for popstate and hashchange.
 *
 * Rules: hooks are installed once and every one is undone by unhookNavigation. A navigation while
 * recording goes to the observer (the core scrubs the URL, or pauses on an excluded one); while
 * paused it asks the gate again (the visitor may have left the excluded URL). The page's own
 * history call always runs and returns first; an error in Veil's part is counted (where:
 * "navigation") and never reaches the page.
 */
import { countError, countingAs } from "./errors.mjs";
import { beginRecording, serially } from "./lifecycle.mjs";
import { state } from "./state.mjs";

function onNavigation() {
  if (state.observer) state.observer.navigated(); // the core scrubs it, or pauses on an excluded URL
  else if (state.status === "paused") serially(beginRecording).catch(countingAs("navigation")); // left an excluded URL?
}

export function hookNavigation() {
  if (state.navigationHooks.length) return;
  /** @type {Array<"pushState" | "replaceState">} */ (["pushState", "replaceState"]).forEach(function (name) {
    const original = history[name];
    history[name] = /** @this {History} @param {any[]} args */ function (...args) {
      const result = original.apply(this, /** @type {any} */ (args));
      try {
        onNavigation();
      } catch (e) {
        countError(e, "navigation");
      }
      return result;
    };
    state.navigationHooks.push(function () {
      history[name] = original;
    });
  });
  ["popstate", "hashchange"].forEach(function (type) {
    window.addEventListener(type, onNavigation);
    state.navigationHooks.push(function () {
      window.removeEventListener(type, onNavigation);
    });
  });
}

export function unhookNavigation() {
  state.navigationHooks.splice(0).forEach(function (restore) {
    restore();
  });
}
