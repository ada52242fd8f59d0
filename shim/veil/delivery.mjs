/*
 * delivery.mjs: one POST of a gzipped batch, and the rules about its outcome: what is tried again
 * and after how long, and what Veil.flush() may tell the page.
 *
 * Rules: every request is aborted after requestTimeoutMs (answer included): a hung endpoint costs
 * a retry, never an unbounded wait. Cookies go only to a same-origin endpoint (an authenticating
 * proxy), never to a third party; no referrer. The session's write key is sent only when known,
 * and a key the collector answers with is remembered (storage.mjs). isRetryable is the one rule for
 * what is tried again: timeouts, network errors, 5xx and 429, with exponential backoff and jitter
 * (or after Retry-After). The page is told whether a batch was sent, its status and why not, never
 * the response or the collector's answer.
 */
import { rememberSessionKey, sessionKey } from "./storage.mjs";
import { embedded, postToParent } from "./embedded.mjs";

export const RETRY_BASE_MS = 1000;
export const RETRY_CAP_MS = 30000;
export const RETRY_AFTER_CAP_MS = 300000;
const ANSWER_MAX_CHARS = 64 * 1024; // a collector's answer is small JSON; anything longer is ignored

/**
 * A gzipped batch as the worker transfers it.
 * @typedef {Uint8Array<ArrayBuffer>} Bytes
 * Why a flush sent nothing (Veil.flush()'s reason).
 * @typedef {"empty" | "buffered" | "not-recording" | "before-send" | "queued-for-retry" | "offline" | "queue-full" | "stopped"} NotSentReason
 * What one POST came to: sent, or why not.
 * @typedef {{ sent: boolean, status?: number, error?: string, reason?: NotSentReason, response?: Response,
 *   answer?: Record<string, unknown> | null }} Delivery
 * Where batches go, from the config the core accepted.
 * @typedef {{ endpoint: string, clientToken?: string, requestTimeoutMs: number, maxQueueBytes: number }} Destination
 */

/** The one retry rule: no answer (timeout, network), 429 or a 5xx. @param {Delivery} result */
export function isRetryable(result) {
  return result.error !== undefined || result.status === 429 || (result.status !== undefined && result.status >= 500);
}

/**
 * Retry-After when the collector gave one (seconds or a date, capped), else exponential backoff
 * with jitter in [ceiling/2, ceiling).
 * @param {{ attempts: number }} item
 * @param {Response | undefined} response
 * @param {() => number} [random]
 */
export function retryDelay(item, response, random) {
  const header = response && response.headers.get("Retry-After");
  if (header) {
    const seconds = Number(header);
    const ms = isNaN(seconds) ? Date.parse(header) - Date.now() : seconds * 1000;
    if (!isNaN(ms)) return Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS);
  }
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * Math.pow(2, item.attempts - 1));
  return ceiling / 2 + (random || Math.random)() * (ceiling / 2);
}

// The answer's JSON (small), or null: a sessionKey may be in it, and an error's reason.
/** @param {Response} response @returns {Promise<Record<string, unknown> | null>} */
function readAnswer(response) {
  const type = response.headers.get("Content-Type") || "";
  if (type.indexOf("json") < 0) return Promise.resolve(null);
  return response.text().then(function (text) {
    if (text.length > ANSWER_MAX_CHARS) return null;
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  }).catch(function () {
    return null;
  });
}

/**
 * One POST of ``batch`` (a batch of ``session``) to ``to``.
 * @param {Destination} to
 * @param {Bytes} batch
 * @param {boolean} keepalive
 * @param {string | null} session
 * @returns {Promise<Delivery>}
 */
export function postBatch(to, batch, keepalive, session) {
  if (embedded()) return Promise.resolve(postToParent(batch)); // a cross-origin iframe: to the parent page
  /** @type {Record<string, string>} */
  const headers = { "Content-Type": "application/json", "Content-Encoding": "gzip" };
  if (to.clientToken) headers["X-Veil-Token"] = to.clientToken;
  const key = sessionKey(session);
  // Only when known: a collector that never issues keys need not allow the header (CORS).
  if (key) headers["X-Veil-Session-Key"] = key;
  const controller = new AbortController();
  const timer = setTimeout(function () {
    controller.abort();
  }, to.requestTimeoutMs);
  return fetch(to.endpoint, {
    method: "POST",
    body: batch,
    headers: headers,
    keepalive: !!keepalive,
    credentials: "same-origin",
    mode: "cors",
    cache: "no-store",
    referrerPolicy: "no-referrer",
    signal: controller.signal,
  }).then(function (response) {
    return readAnswer(response).then(function (answer) {
      clearTimeout(timer);
      if (response.ok) rememberSessionKey(session, answer);
      return { sent: response.ok, status: response.status, response: response, answer: answer };
    });
  }, function (/** @type {unknown} */ err) {
    clearTimeout(timer);
    const message = err && typeof err === "object" && "message" in err ? err.message : undefined;
    return { sent: false, error: controller.signal.aborted ? "timeout after " + to.requestTimeoutMs + " ms" : String(message) };
  });
}

/** What Veil.flush() tells the page: never the response or the collector's answer. @param {Delivery} result */
export function publicResult(result) {
  /** @type {{ sent: boolean, status?: number, reason?: NotSentReason, error?: string }} */
  const out = { sent: !!result.sent };
  if (result.status !== undefined) out.status = result.status;
  if (result.reason !== undefined) out.reason = result.reason;
  if (result.error !== undefined) out.error = result.error;
  return out;
}
