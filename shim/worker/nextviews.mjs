/*
 * nextviews.mjs: the runtime's memory snapshot for the next page views, made beside a plain boot.
 *
 * Rules: beside a plain boot (storage that refused even to be read is not asked again) a worker of
 * its own makes it (maker.mjs; the page starts it): as the boot starts when the page said this view is likely to
 * record ("configure"'s ``ahead``: short page views then store one too), else once the view
 * records. It is stored only once the core started a recording (consent given, the gate said yes),
 * and Veil.stop() cancels a making not yet stored, discards a made one and deletes a stored one for
 * the rest of the page view. What became of it is counted in the worker's boot stats, each change
 * reported; its absence or failure is never an error.
 */
import { READ_TIMEOUT_MS } from "./boot.mjs";
import { STORE_TIMEOUT_MS, runMaker } from "./maker.mjs";
import { deleteSnapshot, putPacked, snapshotKey } from "./store.mjs";

/**
 * @param {{ stats: import("../generated/contract.mjs").BootStats, report: () => void, caches: () => any, workerUrl: string, spawn: () => any }} env
 *   the worker's boot stats and how it reports them, Cache Storage (or null), the worker's own URL (the snapshot's key),
 *   and how the snapshot worker is started (maker.mjs makerThroughPage: by the page)
 */
export function nextViewsSnapshot(env) {
  const { stats, report } = env;
  const s = {
    /** @type {string | null} why the boot is plain, once known */
    plain: null,
    ahead: false,
    recording: false,
    withdrawn: false,
    /** @type {ReturnType<typeof runMaker> | null} */
    maker: null,
    /** @type {import("./store.mjs").Packed | null} made, waiting for the view to record */
    made: null,
  };

  function makeIfWanted() {
    if (s.maker || s.withdrawn || !s.plain || s.plain === "refused" || !(s.ahead || s.recording)) return;
    s.maker = runMaker({ spawn: env.spawn });
    s.maker.done.then((/** @type {any} */ outcome) => {
      if (outcome.reason === "cancelled" || s.withdrawn) return;
      if (outcome.ok && outcome.packed) {
        s.made = outcome.packed;
        storeIfRecording();
        return;
      }
      stats.snapshotStoreFailures += 1;
      stats.snapshotStoreReason = outcome.reason || "failed";
      report();
    });
  }

  function storeIfRecording() {
    const packed = s.made;
    if (!packed || !s.recording || s.withdrawn) return;
    s.made = null;
    putPacked({ caches: env.caches(), key: snapshotKey(env.workerUrl), packed: packed, timeoutMs: STORE_TIMEOUT_MS }).then((stored) => {
      if (s.withdrawn) {
        deleteSnapshot({ caches: env.caches(), key: snapshotKey(env.workerUrl), timeoutMs: READ_TIMEOUT_MS });
        return;
      }
      if (stored.ok) {
        stats.snapshotStored += 1;
        stats.snapshotBytes = stored.storedBytes || 0;
      } else {
        stats.snapshotStoreFailures += 1;
        stats.snapshotStoreReason = stored.reason || "failed";
      }
      report();
    });
  }

  return {
    /** The boot is plain (``reason``: why, null for no reason given): a snapshot may be made. @param {string | null} reason */
    plainBoot(reason) {
      s.plain = reason || "plain";
      makeIfWanted();
    },
    /** The page said this view is likely to record: make it as the boot starts. */
    ahead() {
      s.ahead = true;
      makeIfWanted();
    },
    /** The core started a recording: make it if not yet, store it once made. */
    recording() {
      s.recording = true;
      makeIfWanted();
      storeIfRecording();
    },
    /** Veil.stop(): neither made nor kept (the next page view boots plain), and a stored one deleted. */
    withdraw() {
      s.withdrawn = true;
      s.made = null;
      if (s.maker) s.maker.cancel();
      deleteSnapshot({ caches: env.caches(), key: snapshotKey(env.workerUrl), timeoutMs: READ_TIMEOUT_MS });
    },
  };
}
