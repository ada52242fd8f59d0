/*
 * boot.mjs: the page worker's boot: from the stored memory snapshot when there is a usable one,
 * else plain (Pyodide from scratch, then the veil wheel).
 *
 * Rules: a boot never fails because of the snapshot: missing, corrupt, mismatched, refused
 * storage, a timeout or a snapshot Pyodide rejects all end in a plain boot, with the reason
 * returned (the page's Veil.stats() reports it). A snapshot Pyodide rejects is deleted; one whose
 * start the browser could not instantiate (InstantiationError, instantiation.mjs) is kept, and the
 * plain boot that follows fails the same way with that reason rather than never ending. Nothing
 * of the page reaches Python here: the boot happens before the first message is read.
 * Pyodide and the storage are passed in, so the rules run under Node's test runner.
 */
import { deleteSnapshot, readSnapshot, withTimeout } from "./store.mjs";

export const READ_TIMEOUT_MS = 5000; // each Cache Storage step of reading the snapshot
export const SNAPSHOT_BOOT_TIMEOUT_MS = 20000; // starting Pyodide from the snapshot (8x faster than plain)

/**
 * The snapshot for loadPyodide while its entry is still being read: Pyodide sizes its memory
 * from the array's length and compiles and instantiates its wasm meanwhile; its ``fsInit`` hook
 * (awaited before the runtime starts, hence before the snapshot is restored) waits for the read.
 * An entry that turns out unusable leaves the array all zeros, which Pyodide refuses ("invalid
 * magic number") before using any of it. Pyodide keeps its options for the worker's life, so
 * they reach the 31 MB only through ``held``, which the boot empties when done.
 * @param {{ target?: Uint8Array }} held
 * @param {Promise<unknown>} reading
 */
function snapshotOptions(held, reading) {
  return {
    _loadSnapshot: {
      // biome-ignore lint/suspicious/noThenProperty: Pyodide awaits _loadSnapshot: a thenable lets it take the bytes as soon as they are read
      then(/** @type {(bytes: Uint8Array) => void} */ resolve, /** @type {(err: Error) => void} */ reject) {
        if (held.target) resolve(held.target);
        else reject(new Error("no snapshot"));
      },
    },
    fsInit: () => reading.then(() => {}),
  };
}

/**
 * @typedef {{ pyodide: any, bridge: any, kind: "snapshot" | "plain", fallback: import("../generated/contract.mjs").SnapshotReason | null, ms: number,
 *   readMs: number }} Booted
 * @param {{ loadPyodide: () => Promise<(options: object) => Promise<any>>, options: (extra?: object) => object,
 *   installWheel: (pyodide: any) => Promise<void>, caches: any, key: string,
 *   readTimeoutMs?: number, snapshotBootTimeoutMs?: number, onPlain?: (reason: string | null) => void }} env
 *   ``onPlain`` is told as soon as the boot is known to be plain (and why), before it boots.
 * @returns {Promise<Booted>}
 */
export async function bootRuntime(env) {
  const started = performance.now();
  const loader = env.loadPyodide(); // fetched while the snapshot is read
  loader.catch(() => {}); // awaited below; a failure surfaces there
  const timeoutMs = env.readTimeoutMs || READ_TIMEOUT_MS;
  /** @type {{ target?: Uint8Array }} */
  const held = {};
  /** @type {Promise<any> | null} */
  let fromSnapshot = null;
  const reading = readSnapshot({
    caches: env.caches,
    key: env.key,
    timeoutMs: timeoutMs,
    onFound: (size) => {
      // An entry is there: Pyodide loads its module and compiles and instantiates its wasm (the
      // longest part of a boot) while the entry is read, checked and put into ``held.target``.
      held.target = new Uint8Array(size);
      fromSnapshot = loader.then((loadPyodide) => loadPyodide(env.options(snapshotOptions(held, reading))));
      fromSnapshot.catch(() => {}); // awaited below when the entry is good; else abandoned
      return held.target;
    },
  });
  const found = await reading;
  const plainAtOnce = !found.bytes;
  if (plainAtOnce && env.onPlain) env.onPlain(found.reason || null);
  const loadPyodide = await loader;
  let fallback = found.reason || null;
  if (found.bytes && fromSnapshot) {
    try {
      const pyodide = await withTimeout(fromSnapshot, env.snapshotBootTimeoutMs || SNAPSHOT_BOOT_TIMEOUT_MS, "booting from the snapshot");
      const bridge = pyodide.pyimport("veil.bridge");
      return { pyodide, bridge, kind: "snapshot", fallback: null, ms: performance.now() - started, readMs: found.ms };
    } catch (err) {
      // Pyodide checks the snapshot's magic number and build id ("Snapshot build id mismatch").
      const message = String(err && /** @type {any} */ (err).message);
      const name = /** @type {any} */ (err).name;
      fallback = /build id|magic number/i.test(message) ? "mismatch" : name === "TimeoutError" ? "timeout" : "failed";
      // A slow machine, or a browser out of memory for WebAssembly (instantiation.mjs), is not a
      // broken snapshot: only one Pyodide refused is deleted.
      if (fallback !== "timeout" && name !== "InstantiationError") await deleteSnapshot({ caches: env.caches, key: env.key, timeoutMs: timeoutMs });
    } finally {
      found.bytes = undefined; // copied into Pyodide's memory, or of no use: 31 MB not to keep
      held.target = undefined;
    }
  }
  held.target = undefined; // an unusable entry's all-zero array: Pyodide refuses it if it has it
  if (!plainAtOnce && env.onPlain) env.onPlain(fallback);
  const pyodide = await loadPyodide(env.options());
  await env.installWheel(pyodide);
  const bridge = pyodide.pyimport("veil.bridge");
  return { pyodide, bridge, kind: "plain", fallback: fallback, ms: performance.now() - started, readMs: found.ms };
}
