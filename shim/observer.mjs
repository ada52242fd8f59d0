/*
 * veil-observer.mjs: the DOM observer's entry. Loaded once consent allows (shim/veil/early.mjs);
 * what it observes reaches the network only masked, after the Python gate said yes.
 *
 * Rules: this is the one file that imports the vendored rrweb-snapshot, and it hands the module to
 * the observer (shim/observer/): build.py bundles shim/observer/ and the generated contract into
 * dist's veil-observer.mjs with "./vendor/*" left external, so rrweb-snapshot stays one unmodified
 * file beside it (a relative import from a subdirectory would not survive the bundling).
 */
import * as rrwebSnapshot from "./vendor/rrweb-snapshot/rrweb-snapshot.js";
import { createObserver as assemble } from "./observer/observer.mjs";

export { contentForExplain, describeForExplain } from "./observer/explain.mjs";
export { ignoreSubtree, isIgnored } from "./observer/ignore.mjs";

/** @param {import("./observer/context.mjs").ObserverOptions} options */
export function createObserver(options) {
  return assemble(options, rrwebSnapshot);
}
