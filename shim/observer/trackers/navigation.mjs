/*
 * trackers/navigation.mjs: SPA navigation, as veil.js reports it (pushState, replaceState,
 * popstate and hashchange are hooked there, with the rest of the page lifecycle).
 *
 * Rules: the new URL goes to the core, which scrubs it or, for an excluded URL, pauses; it is a
 * custom event (veil:navigation), because rrweb's Replayer takes a meta event in mid-recording for
 * the start of a new page. Handed over at once. Nothing to listen to here, so nothing to tear down.
 */
import { EventType, NAVIGATION_TAG } from "../../generated/contract.mjs";

// Emit the navigation to the current URL; resolves with the worker's answer to its hand-over.
/** @param {import("../types.js").Context} ctx */
export function navigated(ctx) {
  return ctx.queue.emit({ type: EventType.Custom, data: { tag: NAVIGATION_TAG, payload: { href: location.href } }, timestamp: Date.now() }, true);
}
