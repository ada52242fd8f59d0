/*
 * csskeeper.mjs: the worker's side of the visit's masked stylesheets (cssvisit.mjs stores them).
 *
 * Rules: the visit's entries are read when a recording starts (its session is the visit) and given
 * to the core before a hand-over is masked, waited for WAIT_MS at most (a slow cache only means
 * stylesheets are masked again); after each hand-over the core's counts go to Veil.stats() and the
 * stylesheets it masked anew are stored, off the hand-over's path. Storage steps run in order:
 * Veil.stop()'s deletion comes after every store begun before it, and a store queued before a stop
 * is skipped. Nothing here throws into the worker.
 */
import { baseOf, clearVisit, readVisit, scopeOf, storeVisit } from "./cssvisit.mjs";

export const WAIT_MS = 1000;

/**
 * @param {{ caches: () => any, workerUrl: string, core: () => any,
 *   onCounts: (counts: { masked: number, reused: number }) => void }} env
 *   caches: Cache Storage or null, asked each time; core: veil.bridge once booted.
 */
export function cssKeeper(env) {
  const base = baseOf(env.workerUrl);
  /** @type {{ scope: Promise<string>, loaded: Promise<unknown> | null } | null} */
  let visit = null;
  /** @type {Promise<unknown>} */
  let steps = Promise.resolve();
  let generation = 0;

  /** @template T @param {() => Promise<T>} step @returns {Promise<T | undefined>} */
  function queued(step) {
    const mine = generation;
    const done = steps.then(() => (mine === generation ? step() : undefined));
    steps = done.catch(() => {});
    return done;
  }

  return {
    /** A recording started: read the visit's stylesheets for the core. @param {string} session */
    begin(session) {
      const scope = scopeOf(session);
      scope.catch(() => {});
      const loaded = queued(() => scope.then((s) => readVisit({ caches: env.caches(), base, scope: s })))
        .then((entries) => { if (entries && entries.length) env.core().css_preload(JSON.stringify(entries)); })
        .catch(() => {});
      visit = { scope, loaded };
    },
    /** Before a hand-over is masked: the visit's stylesheets are in the core, or the wait is over. */
    loaded() {
      const current = visit;
      if (!current || !current.loaded) return null;
      const wait = new Promise((resolve) => setTimeout(resolve, WAIT_MS));
      return Promise.race([current.loaded, wait]).then(() => { current.loaded = null; });
    },
    /** After a hand-over: count what was masked and reused, and store the stylesheets masked anew. */
    masked() {
      const core = env.core();
      const counts = JSON.parse(core.css_stats());
      if (counts.masked || counts.reused) env.onCounts(counts);
      const fresh = JSON.parse(core.css_fresh());
      if (fresh.length && visit) {
        const scope = visit.scope;
        queued(() => scope.then((s) => storeVisit({ caches: env.caches(), base, scope: s, entries: fresh }))).catch(() => {});
      }
    },
    /** Veil.stop(): forget the visit here and delete every stored stylesheet. */
    clear() {
      visit = null;
      generation += 1;
      steps = steps.then(() => clearVisit({ caches: env.caches() })).catch(() => {});
    },
  };
}
