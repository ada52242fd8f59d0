/*
 * store.mjs: the runtime's memory snapshot in the browser's Cache Storage (read, write, delete).
 *
 * Rules: one cache (CACHE_NAME) holding at most one entry, keyed by a URL inside the runtime's
 * content-hashed directory, so a snapshot is only ever found by the runtime that made it; storing
 * one deletes every other entry (older runtimes). The bytes are stored without their all-zero
 * pages (more than half of a fresh runtime's memory): the raw size, a page count, the kept pages'
 * indices, then those pages, as is. Gzip would store a third as much but takes 150-250 ms to inflate on every
 * page view; this takes about 10 ms to put back together. A SHA-256 of the stored body, the raw
 * size, the format and the runtime it belongs to are stored as headers beside it. Nothing here
 * throws: every outcome is a value ({bytes} or {reason}), every wait has a timeout, and an entry
 * that cannot be read back whole (corrupt, truncated, of another runtime or format) is deleted.
 * `caches` is passed in, so the rules run under Node's test runner with a stand-in.
 */

export const CACHE_NAME = "veil-runtime-snapshot";
const SIZE_HEADER = "X-Veil-Snapshot-Bytes";
const RUNTIME_HEADER = "X-Veil-Snapshot-Of";
const FORMAT_HEADER = "X-Veil-Snapshot-Format";
const DIGEST_HEADER = "X-Veil-Snapshot-Sha256";
export const PAGE_BYTES = 4096;
export const FORMAT = "zero-pages-elided/" + PAGE_BYTES;
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024; // a size header beyond it is not allocated

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

/** @param {unknown} err @returns {import("../generated/contract.mjs").SnapshotReason} */
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
 * The snapshot without its all-zero pages: [raw size][page count][kept page indices][kept pages], the
 * numbers as little-endian uint32 and every page PAGE_BYTES long (the last one zero-padded).
 * @param {Uint8Array} bytes  a raw snapshot (its length a multiple of 4)
 * @returns {Uint8Array}
 */
export function packPages(bytes) {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
  const perPage = PAGE_BYTES >> 2;
  /** @type {number[]} */
  const kept = [];
  for (let page = 0; page * perPage < words.length; page += 1) {
    const end = Math.min((page + 1) * perPage, words.length);
    for (let i = page * perPage; i < end; i += 1) {
      if (words[i] !== 0) {
        kept.push(page);
        break;
      }
    }
  }
  const head = 8 + 4 * kept.length;
  const body = new Uint8Array(head + kept.length * PAGE_BYTES);
  const view = new DataView(body.buffer);
  view.setUint32(0, aligned.byteLength, true);
  view.setUint32(4, kept.length, true);
  kept.forEach(function (page, k) {
    view.setUint32(8 + 4 * k, page, true);
    body.set(aligned.subarray(page * PAGE_BYTES, Math.min((page + 1) * PAGE_BYTES, aligned.byteLength)), head + k * PAGE_BYTES);
  });
  return body;
}

/**
 * The raw snapshot of ``size`` bytes back from packPages' body, put into ``bytes`` (zero-filled,
 * ``size`` long), or null when the body is not one of that size (wrong length, indices out of
 * order or out of range); checked whole before anything is written.
 * @param {Uint8Array} body
 * @param {number} size
 * @param {Uint8Array} bytes
 * @returns {Uint8Array | null}
 */
export function unpackPages(body, size, bytes) {
  if (body.byteLength < 8) return null;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (view.getUint32(0, true) !== size) return null;
  const count = view.getUint32(4, true);
  const head = 8 + 4 * count;
  const pages = Math.ceil(size / PAGE_BYTES);
  if (bytes.byteLength !== size || count > pages || body.byteLength !== head + count * PAGE_BYTES) return null;
  for (let k = 0, previous = -1; k < count; k += 1) {
    const page = view.getUint32(8 + 4 * k, true);
    if (page <= previous || page >= pages) return null;
    previous = page;
  }
  for (let k = 0; k < count; k += 1) {
    const page = view.getUint32(8 + 4 * k, true);
    const from = head + k * PAGE_BYTES;
    bytes.set(body.subarray(from, from + Math.min(PAGE_BYTES, size - page * PAGE_BYTES)), page * PAGE_BYTES);
  }
  return bytes;
}

/** The SHA-256 of ``bytes``, base64. @param {Uint8Array} bytes @returns {Promise<string>} */
async function digestOf(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", /** @type {Uint8Array<ArrayBuffer>} */ (bytes)));
  return btoa(String.fromCharCode.apply(null, Array.from(digest)));
}

/**
 * Read the snapshot stored for ``key``: {bytes} (the raw snapshot) or {reason}. ``onFound`` is
 * called with the raw size once an entry of this runtime is found, before its bytes are read (the
 * boot starts Pyodide meanwhile); it may return a zero-filled array of that size for the snapshot
 * to be put into, which is then ``bytes``. Nothing is put into it unless the whole entry checked
 * out (its SHA-256), so a target of an entry that turns out corrupt stays all zeros.
 * @param {{ caches: any, key: string, timeoutMs: number, onFound?: (size: number) => Uint8Array | void }} options
 * @returns {Promise<{ bytes?: Uint8Array, reason?: import("../generated/contract.mjs").SnapshotReason, ms: number }>}
 */
export async function readSnapshot({ caches, key, timeoutMs, onFound }) {
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
  if (response.headers.get(RUNTIME_HEADER) !== runtimeOf(key) || response.headers.get(FORMAT_HEADER) !== FORMAT) {
    await deleteSnapshot({ caches, key, timeoutMs });
    return done({ reason: "mismatch" });
  }
  if (!Number.isSafeInteger(size) || size <= 0 || size % 4 !== 0 || size > MAX_SNAPSHOT_BYTES) {
    await deleteSnapshot({ caches, key, timeoutMs });
    return done({ reason: "corrupt" });
  }
  try {
    const target = onFound ? onFound(size) : undefined; // inside: an allocation that fails is a plain boot
    const body = new Uint8Array(await withTimeout(response.arrayBuffer(), timeoutMs, "reading the snapshot"));
    if ((await digestOf(body)) !== response.headers.get(DIGEST_HEADER)) throw new Error("corrupt");
    const bytes = unpackPages(body, size, target || new Uint8Array(size));
    if (!bytes) throw new Error("corrupt");
    return done({ bytes: bytes });
  } catch (err) {
    if (reasonOf(err) === "timeout") return done({ reason: "timeout" });
    await deleteSnapshot({ caches, key, timeoutMs });
    return done({ reason: "corrupt" });
  }
}

/**
 * A raw snapshot as it is stored: without its zero pages, with the headers that describe it.
 * @typedef {{ body: Uint8Array, headers: Record<string, string> }} Packed
 * @param {Uint8Array} bytes @param {string} key
 * @returns {Promise<Packed>}
 */
export async function packSnapshot(bytes, key) {
  const body = packPages(bytes);
  const headers = { "Content-Type": "application/octet-stream", [SIZE_HEADER]: String(bytes.byteLength),
    [RUNTIME_HEADER]: runtimeOf(key), [FORMAT_HEADER]: FORMAT, [DIGEST_HEADER]: await digestOf(body) };
  return { body, headers };
}

/**
 * Store a packed snapshot under ``key``, after deleting every other entry: {ok: true,
 * storedBytes} or {ok: false, reason}. Only a snapshot of this runtime, in this format, is stored.
 * @param {{ caches: any, key: string, packed: Packed, timeoutMs: number }} options
 * @returns {Promise<{ ok: boolean, reason?: import("../generated/contract.mjs").SnapshotReason, storedBytes?: number }>}
 */
export async function putPacked({ caches, key, packed, timeoutMs }) {
  try {
    if (!packed || !(packed.body instanceof Uint8Array) || packed.headers[RUNTIME_HEADER] !== runtimeOf(key)
      || packed.headers[FORMAT_HEADER] !== FORMAT) throw new Error("not a snapshot of this runtime");
    const cache = await withTimeout(openCache(caches), timeoutMs, "opening Cache Storage");
    const old = await withTimeout(cache.keys(), timeoutMs, "listing Cache Storage");
    await withTimeout(Promise.all(old.filter((/** @type {Request} */ r) => r.url !== key)
      .map((/** @type {Request} */ r) => cache.delete(r))), timeoutMs, "deleting older snapshots");
    await withTimeout(cache.put(key, new Response(/** @type {Uint8Array<ArrayBuffer>} */ (packed.body), { headers: packed.headers })), timeoutMs, "storing the snapshot");
    return { ok: true, storedBytes: packed.body.byteLength };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
}

/**
 * Store ``bytes`` (a raw snapshot) without its zero pages under ``key`` (packSnapshot, putPacked).
 * @param {{ caches: any, key: string, bytes: Uint8Array, timeoutMs: number }} options
 * @returns {Promise<{ ok: boolean, reason?: string, storedBytes?: number }>}
 */
export async function storeSnapshot({ caches, key, bytes, timeoutMs }) {
  return putPacked({ caches, key, packed: await packSnapshot(bytes, key), timeoutMs });
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
