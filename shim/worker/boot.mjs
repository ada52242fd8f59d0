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
 * The snapshot's bytes for loadPyodide, once read: Pyodide asks for them after its module has
 * loaded, which happens while the entry is still being inflated. Pyodide keeps its options for
 * the worker's life, so this holds the bytes only through ``reading``'s result, which the boot
 * empties once Pyodide has copied them into its memory.
 * @param {Promise<{ bytes?: Uint8Array }>} reading
 * @returns {PromiseLike<Uint8Array>}
 */
function bytesOf(reading) {
  return {
    then(resolve, reject) {
      return reading.then(function (found) {
        if (!found.bytes) throw new Error("no usable snapshot");
        return found.bytes;
      }).then(resolve, reject);
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
  /** @type {Promise<any> | null} */
  let fromSnapshot = null;
  const reading = readSnapshot({ caches: env.caches, key: env.key, timeoutMs: timeoutMs, onFound: function () {
    // An entry is there: Pyodide loads its module and starts fetching its wasm while the entry
    // is inflated (a third of a snapshot boot), and waits for the bytes only then.
    fromSnapshot = loader.then(function (loadPyodide) {
      return loadPyodide(env.options({ _loadSnapshot: bytesOf(reading) }));
    });
    fromSnapshot.catch(function () {}); // awaited below when the bytes are good; else abandoned
  } });
  const found = await reading;
  const loadPyodide = await loader;
  let fallback = found.reason || null;
  if (found.bytes && fromSnapshot) {
    try {
      const pyodide = await withTimeout(fromSnapshot, env.snapshotBootTimeoutMs || SNAPSHOT_BOOT_TIMEOUT_MS,
        "booting from the snapshot");
      const bridge = pyodide.pyimport("veil.bridge");
      return { pyodide, bridge, kind: "snapshot", fallback: null, ms: performance.now() - started, readMs: found.ms };
    } catch (err) {
      // Pyodide checks the snapshot's magic number and build id ("Snapshot build id mismatch").
      const message = String(err && /** @type {any} */ (err).message);
      fallback = /build id|magic number/i.test(message) ? "mismatch" : /** @type {any} */ (err).name === "TimeoutError" ? "timeout" : "failed";
      // A slow machine is not a broken snapshot: only one Pyodide refused is deleted.
      if (fallback !== "timeout") await deleteSnapshot({ caches: env.caches, key: env.key, timeoutMs: timeoutMs });
    } finally {
      found.bytes = undefined; // copied into Pyodide's memory, or of no use: 31 MB not to keep
    }
  }
  const pyodide = await loadPyodide(env.options());
  await env.installWheel(pyodide);
  const bridge = pyodide.pyimport("veil.bridge");
  return { pyodide, bridge, kind: "plain", fallback: fallback, ms: performance.now() - started, readMs: found.ms };
}
