/*
 * sitetext.mjs: fetching the site-text list named by config `allowTextUrl` (worker side).
 *
 * Rules: I/O only; the Python core checks the bytes against `allowTextIntegrity`, parses and
 * judges them (veil.sitetext), and a list it refuses shows nothing more. The fetch is bounded:
 * at most SITE_TEXT_MAX_BYTES are read (a larger Content-Length is refused before its body, a
 * body that grows past it is cancelled) and it is given up after SITE_TEXT_TIMEOUT_MS. It never
 * rejects: it settles as {bytes} or {failure: why}, a sentence naming no page content.
 */
import { SITE_TEXT_MAX_BYTES, SITE_TEXT_TIMEOUT_MS } from "../generated/contract.mjs";

/**
 * @param {string} url  absolute (veil.js resolves the config's value against the page's URL)
 * @param {{ fetchImpl?: typeof fetch, maxBytes?: number, timeoutMs?: number }} [options]
 * @returns {{ done: Promise<{ bytes?: Uint8Array, failure?: string }>, cancel: () => void }}
 */
export function fetchSiteText(url, options) {
  const opts = options || {};
  const fetchImpl = opts.fetchImpl || fetch;
  const maxBytes = opts.maxBytes || SITE_TEXT_MAX_BYTES;
  const timeoutMs = opts.timeoutMs || SITE_TEXT_TIMEOUT_MS;
  const controller = new AbortController();
  /** @type {string | null} why it was stopped, when we stopped it */
  let stopped = null;
  const timer = setTimeout(function () {
    stopped = "the list was not fetched within " + timeoutMs + " ms";
    controller.abort();
  }, timeoutMs);
  const tooLarge = "the list is larger than " + maxBytes + " bytes";

  async function read() {
    const response = await fetchImpl(url, { signal: controller.signal, credentials: "same-origin" });
    if (!response.ok) return { failure: "the list could not be fetched (HTTP " + response.status + ")" };
    const declared = Number(response.headers.get("content-length"));
    if (declared > maxBytes) {
      stopped = tooLarge;
      controller.abort();
      return { failure: tooLarge };
    }
    if (!response.body) {
      const whole = new Uint8Array(await response.arrayBuffer());
      return whole.byteLength > maxBytes ? { failure: tooLarge } : { bytes: whole };
    }
    const reader = response.body.getReader();
    /** @type {Uint8Array[]} */
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        stopped = tooLarge;
        reader.cancel().catch(function () {});
        controller.abort();
        return { failure: tooLarge };
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    chunks.forEach(function (chunk) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    });
    return { bytes: bytes };
  }

  const done = read().catch(function (/** @type {any} */ err) {
    return { failure: stopped || "the list could not be fetched: " + String((err && err.message) || err).slice(0, 200) };
  }).then(function (/** @type {{ bytes?: Uint8Array, failure?: string }} */ outcome) {
    clearTimeout(timer);
    return outcome;
  });
  return {
    done: done,
    cancel: function () {
      stopped = stopped || "cancelled";
      controller.abort();
    },
  };
}
