/*
 * pace.mjs: how the observer's main-thread work keeps out of the page's way.
 *
 * Rules: work that may be long (the snapshot's walk, the reading of large stylesheets after it) is
 * cut in slices of at most SLICE_MS, and between slices it yields to the page: a background task
 * where the Scheduler API exists, so that the page's own work always goes first.
 */

// A slice's budget: well inside one frame (16 ms), leaving room for the hand-over.
export const SLICE_MS = 4;

/** Run ``fn`` after the page's own pending work. @param {{ onError: (err: unknown) => void }} ctx @param {() => void} fn */
export function yieldToPage(ctx, fn) {
  const scheduler = /** @type {{ scheduler?: { postTask?: (fn: () => void, options: object) => Promise<void> } }} */ (globalThis).scheduler;
  if (scheduler && typeof scheduler.postTask === "function") {
    scheduler.postTask(fn, { priority: "background" }).catch(ctx.onError);
  } else {
    setTimeout(fn, 0);
  }
}
