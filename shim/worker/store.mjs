/*
 * store.mjs: the runtime's memory snapshot in the browser's Cache Storage (read, write, delete).
 *
 * Rules: one cache (CACHE_NAME) holding at most one entry, keyed by a URL inside the runtime's
 * content-hashed directory, so a snapshot is only ever found by the runtime that made it; storing
 * one deletes every other entry (older runtimes). The bytes are stored gzipped
 * (CompressionStream), with their raw size and the runtime they belong to as headers. Nothing
 * here throws: every outcome is a value ({bytes} or {reason}), every wait has a timeout, and an
 * entry that cannot be read back whole (corrupt, truncated, of another runtime) is deleted.
 * `caches` is passed in, so the rules run under Node's test runner with a stand-in.
 */

export const CACHE_NAME = "veil-runtime-snapshot";
const SIZE_HEADER = "X-Veil-Snapshot-Bytes";
const RUNTIME_HEADER = "X-Veil-Snapshot-Of";

/** Why a page view booted without its snapshot, or why one was not stored. */
export const REASONS = Object.freeze(["missing", "corrupt", "mismatch", "refused", "quota", "timeout", "failed"]);

/**
 * Settle with ``promise``, or reject with a "timeout" error after ``ms``.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
  /** @type {any} */
  let timer;
  const expired = new Promise(function (_, reject) {
    timer = setTimeout(function () {
      const err = new Error(what + " took longer than " + ms + " ms");
      err.name = "TimeoutError";
      reject(err);
    }, ms);
  });
  return Promise.race([promise, expired]).finally(function () {
    clearTimeout(timer);
  });
}

/** @param {unknown} err @returns {string} one of REASONS */
function reasonOf(err) {
  const name = err && /** @type {any} */ (err).name;
  if (name === "TimeoutError") return "timeout";
  if (name === "QuotaExceededError") return "quota";
  return "refused";
}

/**
 * The snapshot's cache key: a URL in the runtime's own directory (its name is the hash of its
 * content, the worker naming the Pyodide directory by its own hash included).
 * @param {string | URL} workerUrl
 */
export function snapshotKey(workerUrl) {
  return new URL("./veil-memory-snapshot", workerUrl).href;
}

/** The runtime a snapshot belongs to, as stored beside it: the two content-hashed directory names. @param {string} key */
export function runtimeOf(key) {
  const parts = new URL(key).pathname.split("/").filter(Boolean);
  return parts.slice(-2, -1).join("/");
}

/**
 * @param {any} caches  the global `caches` (CacheStorage), or whatever stands in for it
 * @returns {Promise<any>}
 */
function openCache(caches) {
  if (!caches || typeof caches.open !== "function") return Promise.reject(new Error("Cache Storage is not available"));
  return caches.open(CACHE_NAME);
}

/**
 * Read the snapshot stored for ``key``: {bytes} (the raw snapshot) or {reason}.
 * @param {{ caches: any, key: string, timeoutMs: number }} options
 * @returns {Promise<{ bytes?: Uint8Array, reason?: string, ms: number }>}
 */
export async function readSnapshot({ caches, key, timeoutMs }) {
  const started = performance.now();
  const done = (/** @type {any} */ out) => Object.assign(out, { ms: performance.now() - started });
  let cache;
  let response;
  try {
    cache = await withTimeout(openCache(caches), timeoutMs, "opening Cache Storage");
    response = await withTimeout(cache.match(key), timeoutMs, "looking up the snapshot");
  } catch (err) {
    return done({ reason: reasonOf(err) });
  }
  if (!response) return done({ reason: "missing" });
  const size = Number(response.headers.get(SIZE_HEADER));
  if (response.headers.get(RUNTIME_HEADER) !== runtimeOf(key)) {
    await deleteSnapshot({ caches, key, timeoutMs });
    return done({ reason: "mismatch" });
  }
  try {
    // gzip's CRC-32 and length trailer catch a corrupt or truncated entry; the size header too.
    const inflated = response.body.pipeThrough(new DecompressionStream("gzip"));
    const bytes = new Uint8Array(await withTimeout(new Response(inflated).arrayBuffer(), timeoutMs, "reading the snapshot"));
    if (!Number.isSafeInteger(size) || bytes.byteLength !== size || size % 4 !== 0) throw new Error("wrong size");
    return done({ bytes: bytes });
  } catch (err) {
    if (reasonOf(err) === "timeout") return done({ reason: "timeout" });
    await deleteSnapshot({ caches, key, timeoutMs });
    return done({ reason: "corrupt" });
  }
}

/**
 * Store ``bytes`` (a raw snapshot) gzipped under ``key``, after deleting every other entry:
 * {ok: true, storedBytes} or {ok: false, reason}.
 * @param {{ caches: any, key: string, bytes: Uint8Array, timeoutMs: number }} options
 * @returns {Promise<{ ok: boolean, reason?: string, storedBytes?: number }>}
 */
export async function storeSnapshot({ caches, key, bytes, timeoutMs }) {
  try {
    const cache = await withTimeout(openCache(caches), timeoutMs, "opening Cache Storage");
    const old = await withTimeout(cache.keys(), timeoutMs, "listing Cache Storage");
    await withTimeout(Promise.all(old.filter((/** @type {Request} */ r) => r.url !== key)
      .map((/** @type {Request} */ r) => cache.delete(r))), timeoutMs, "deleting older snapshots");
    // Compressed first, then stored: a Response over a stream would let a failed compression
    // store a truncated entry.
    const packed = await withTimeout(new Response(new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (bytes)]).stream().pipeThrough(new CompressionStream("gzip"))).blob(),
      timeoutMs, "compressing the snapshot");
    const headers = { "Content-Type": "application/octet-stream", [SIZE_HEADER]: String(bytes.byteLength), [RUNTIME_HEADER]: runtimeOf(key) };
    await withTimeout(cache.put(key, new Response(packed, { headers: headers })), timeoutMs, "storing the snapshot");
    return { ok: true, storedBytes: packed.size };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
}

/**
 * Delete the entry under ``key`` (a corrupt or mismatched snapshot); never throws.
 * @param {{ caches: any, key: string, timeoutMs: number }} options
 */
export async function deleteSnapshot({ caches, key, timeoutMs }) {
  try {
    const cache = await withTimeout(openCache(caches), timeoutMs, "opening Cache Storage");
    await withTimeout(cache.delete(key), timeoutMs, "deleting the snapshot");
    return true;
  } catch (err) {
    return false;
  }
}
