/*
 * boot.mjs: the page worker's boot: from the stored memory snapshot when there is a usable one,
 * else plain (Pyodide from scratch, then the veil wheel).
 *
 * Rules: a boot never fails because of the snapshot: missing, corrupt, mismatched, refused
 * storage, a timeout or a snapshot Pyodide rejects all end in a plain boot, with the reason
 * returned (the page's Veil.stats() reports it). A snapshot Pyodide rejects is deleted. Nothing
 * of the page reaches Python here: the boot happens before the first message is read.
 * Pyodide and the storage are passed in, so the rules run under Node's test runner.
 */
import { deleteSnapshot, readSnapshot, withTimeout } from "./store.mjs";

export const READ_TIMEOUT_MS = 5000; // each Cache Storage step of reading the snapshot
export const SNAPSHOT_BOOT_TIMEOUT_MS = 20000; // starting Pyodide from the snapshot (8x faster than plain)

/**
 * The snapshot's bytes for loadPyodide, handed over once: Pyodide keeps its options for the
 * worker's life, and 31 MB it has already copied into its memory should not stay with them.
 * @param {{ bytes?: Uint8Array }} found
 * @returns {PromiseLike<Uint8Array>}
 */
function handOnce(found) {
  return {
    then(resolve, reject) {
      const bytes = /** @type {Uint8Array} */ (found.bytes);
      found.bytes = undefined;
      return Promise.resolve(bytes).then(resolve, reject);
    },
  };
}

/**
 * @typedef {{ pyodide: any, bridge: any, kind: "snapshot" | "plain", fallback: string | null, ms: number,
 *   readMs: number }} Booted
 * @param {{ loadPyodide: () => Promise<(options: object) => Promise<any>>, options: (extra?: object) => object,
 *   installWheel: (pyodide: any) => Promise<void>, caches: any, key: string,
 *   readTimeoutMs?: number, snapshotBootTimeoutMs?: number }} env
 * @returns {Promise<Booted>}
 */
export async function bootRuntime(env) {
  const started = performance.now();
  const loader = env.loadPyodide(); // fetched while the snapshot is read
  loader.catch(function () {}); // awaited below; a failure surfaces there
  const timeoutMs = env.readTimeoutMs || READ_TIMEOUT_MS;
  const found = await readSnapshot({ caches: env.caches, key: env.key, timeoutMs: timeoutMs });
  const loadPyodide = await loader;
  let fallback = found.reason || null;
  if (found.bytes) {
    try {
      const pyodide = await withTimeout(loadPyodide(env.options({ _loadSnapshot: handOnce(found) })),
        env.snapshotBootTimeoutMs || SNAPSHOT_BOOT_TIMEOUT_MS, "booting from the snapshot");
      const bridge = pyodide.pyimport("veil.bridge");
      return { pyodide, bridge, kind: "snapshot", fallback: null, ms: performance.now() - started, readMs: found.ms };
    } catch (err) {
      // Pyodide checks the snapshot's magic number and build id ("Snapshot build id mismatch").
      const message = String(err && /** @type {any} */ (err).message);
      fallback = /build id|magic number/i.test(message) ? "mismatch" : /** @type {any} */ (err).name === "TimeoutError" ? "timeout" : "failed";
      // A slow machine is not a broken snapshot: only one Pyodide refused is deleted.
      if (fallback !== "timeout") await deleteSnapshot({ caches: env.caches, key: env.key, timeoutMs: timeoutMs });
    }
  }
  const pyodide = await loadPyodide(env.options());
  await env.installWheel(pyodide);
  const bridge = pyodide.pyimport("veil.bridge");
  return { pyodide, bridge, kind: "plain", fallback: fallback, ms: performance.now() - started, readMs: found.ms };
}
