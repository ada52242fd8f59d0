/*
 * cssvisit.mjs: the visit's masked stylesheets in Cache Storage, kept across its page views.
 *
 * Rules: what is stored is the CSS masker's output only (what leaves the page anyway), under
 * `<runtime directory>/css-visit/<scope>/<digest>` in the cache CACHE_NAME, where the scope is a
 * digest of the visit's session id and the digest is the masker's key of the source text
 * (veil.css_cache); no source text, URL or session id is stored. Only the current visit's entries
 * are read back; entries older than MAX_AGE_MS are deleted. Bounded over every visit (another
 * tab's included): at most MAX_ENTRIES entries and MAX_CHARS masked characters (the oldest go). Veil.stop() deletes
 * the whole cache. Nothing here throws: every outcome is a value, every wait has a timeout, and a
 * cache that cannot be used only means stylesheets are masked again. `caches` is passed in, so
 * the rules run under Node's test runner with a stand-in.
 */
import { withTimeout } from "./store.mjs";

export const CACHE_NAME = "veil-css-visit";
export const MAX_ENTRIES = 64; // veil.css_cache.VISIT_MAX_ENTRIES
export const MAX_CHARS = 4 * 1024 * 1024; // veil.css_cache.VISIT_MAX_CHARS
export const MAX_AGE_MS = 12 * 60 * 60 * 1000;
export const STEP_TIMEOUT_MS = 3000; // each Cache Storage step
const DIGEST = /^[0-9a-f]{32}$/;
const STORED_HEADER = "X-Veil-Stored";
const CHARS_HEADER = "X-Veil-Chars";

/** @param {any} caches */
function open(caches) {
  if (!caches || typeof caches.open !== "function") return Promise.reject(new Error("Cache Storage is not available"));
  return withTimeout(caches.open(CACHE_NAME), STEP_TIMEOUT_MS, "opening Cache Storage");
}

/** The visit's scope: a digest of its session id (the id itself is never stored). @param {string} session */
export async function scopeOf(session) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("veil-css-visit\0" + session)));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Where entries live: a directory beside the worker (its name is the runtime's content hash). @param {string} workerUrl */
export function baseOf(workerUrl) {
  return new URL("./css-visit/", workerUrl).href;
}

/**
 * Every stored entry of this runtime: [{scope, digest, stored, chars, request, response}] (no
 * bodies read: ``response`` is the entry's, its body left for the caller; null when the entry is
 * not of this runtime's form).
 * @param {any} cache @param {string} base
 */
async function listed(cache, base) {
  const requests = await withTimeout(cache.keys(), STEP_TIMEOUT_MS, "listing Cache Storage");
  /** @type {Array<{ scope: string, digest: string, stored: number, chars: number, request: any, response: any }>} */
  const out = [];
  for (const request of requests) {
    const url = String(request.url || request);
    const parts = url.startsWith(base) ? url.slice(base.length).split("/") : [];
    const response = parts.length === 2 ? await withTimeout(cache.match(request), STEP_TIMEOUT_MS, "reading Cache Storage") : null;
    out.push({
      scope: parts[0] || "",
      digest: parts[1] || "",
      request: request,
      response: response,
      stored: response ? Number(response.headers.get(STORED_HEADER)) || 0 : 0,
      chars: response ? Number(response.headers.get(CHARS_HEADER)) || 0 : 0,
    });
  }
  return out;
}

/**
 * The entries stored by earlier page views of the visit ``scope``, as [[digest, masked], ...]
 * (at most MAX_ENTRIES / MAX_CHARS, newest first); entries too old, or not of this runtime's
 * form, are deleted; other visits' entries (another tab's) are left, unread. Resolves with []
 * when anything fails.
 * @param {{ caches: any, base: string, scope: string, now?: number }} env
 * @returns {Promise<string[][]>}
 */
export async function readVisit(env) {
  try {
    const cache = await open(env.caches);
    const now = env.now || Date.now();
    /** @type {string[][]} */
    const out = [];
    let chars = 0;
    for (const e of (await listed(cache, env.base)).sort((a, b) => b.stored - a.stored)) {
      if (!DIGEST.test(e.digest) || !(now - e.stored < MAX_AGE_MS) || e.stored > now) {
        await withTimeout(cache.delete(e.request), STEP_TIMEOUT_MS, "deleting an entry");
        continue;
      }
      if (e.scope !== env.scope || out.length >= MAX_ENTRIES || chars + e.chars > MAX_CHARS) continue;
      const text = e.response ? await withTimeout(e.response.text(), STEP_TIMEOUT_MS, "reading an entry") : "";
      if (typeof text !== "string" || text.length !== e.chars) {
        await withTimeout(cache.delete(e.request), STEP_TIMEOUT_MS, "deleting an entry");
        continue;
      }
      chars += text.length;
      out.push([e.digest, text]);
    }
    return out;
  } catch (_err) {
    return [];
  }
}

/**
 * Store [[digest, masked], ...] for the visit ``scope``, then keep the bounds over every visit's
 * entries (the oldest deleted). Resolves with how many were stored (0 when anything fails).
 * @param {{ caches: any, base: string, scope: string, entries: string[][], now?: number }} env
 * @returns {Promise<number>}
 */
export async function storeVisit(env) {
  try {
    const cache = await open(env.caches);
    const now = env.now || Date.now();
    let stored = 0;
    for (const [digest, masked] of env.entries) {
      if (!DIGEST.test(digest) || typeof masked !== "string" || masked.length > MAX_CHARS) continue;
      const headers = { "Content-Type": "text/css; charset=utf-8", [STORED_HEADER]: String(now), [CHARS_HEADER]: String(masked.length) };
      await withTimeout(cache.put(env.base + env.scope + "/" + digest, new Response(masked, { headers: headers })), STEP_TIMEOUT_MS, "storing an entry");
      stored += 1;
    }
    let chars = 0;
    let kept = 0;
    for (const e of (await listed(cache, env.base)).sort((a, b) => b.stored - a.stored)) {
      chars += e.chars;
      kept += 1;
      if (kept > MAX_ENTRIES || chars > MAX_CHARS) await withTimeout(cache.delete(e.request), STEP_TIMEOUT_MS, "deleting an entry");
    }
    return stored;
  } catch (_err) {
    return 0;
  }
}

/** Delete every stored entry (Veil.stop()); never throws. @param {{ caches: any }} env */
export async function clearVisit(env) {
  try {
    if (!env.caches || typeof env.caches.delete !== "function") return false;
    return await withTimeout(env.caches.delete(CACHE_NAME), STEP_TIMEOUT_MS, "deleting Cache Storage");
  } catch (_err) {
    return false;
  }
}
