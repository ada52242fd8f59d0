/*
 * transport.mjs: the bounded outbox and the POSTs that deliver the core's gzipped batches.
 *
 * Rules: batches wait in a bounded outbox and are POSTed in order, one at a time. Every request
 * is aborted after requestTimeoutMs (answer included). isRetryable is the one rule for what is
 * tried again: timeouts, network errors, 5xx and 429, with exponential backoff and jitter (or
 * after Retry-After). Other 4xx answers drop the batch, counted (413 and a refused session key
 * each have their own counter) and reported (where: "transport"). When the outbox outgrows
 * maxQueueBytes, every batch not in flight is dropped (the oldest, and the later ones whose
 * events cannot be replayed without them), the core discards what it holds and a fresh full
 * snapshot follows; the next batch tells the collector how many were lost. Retries keep the
 * batch's identity, so the collector's (session, view, seq) deduplication makes delivery
 * exactly-once.
 */
import { embedded, postToParent } from "./embedded.mjs";
import { countError, countingAs, debug } from "./errors.mjs";
import { call } from "./rpc.mjs";
import { state } from "./state.mjs";
import { rememberSessionKey, sessionKey } from "./storage.mjs";

export const RETRY_BASE_MS = 1000;
export const RETRY_CAP_MS = 30000;
export const RETRY_AFTER_CAP_MS = 300000;
const ANSWER_MAX_CHARS = 64 * 1024; // a collector's answer is small JSON; anything longer is ignored

/**
 * A gzipped batch as the worker transfers it.
 * @typedef {Uint8Array<ArrayBuffer>} Bytes
 * What one POST came to: sent, or why not.
 * @typedef {{ sent: boolean, status?: number, error?: string, reason?: string, response?: Response,
 *   answer?: any }} Delivery
 * @typedef {{ bytes: Bytes, attempts: number, session: string | null, reports: number,
 *   settle: ((result: Delivery) => void) | null }} OutboxItem
 */

export const outbox = {
  /** @type {OutboxItem[]} */
  items: [],
  bytes: 0,
  dropped: 0,
  retryTimer: /** @type {any} */ (0),
  /** @type {Promise<void> | null} */
  pumping: null,
  /** @type {OutboxItem | null} */
  inflight: null,
  // navigator.onLine is always a boolean in a browser; elsewhere (Node's tests) assume online.
  offline: typeof navigator !== "undefined" && navigator.onLine === false,
};

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

/**
 * Queue a batch; resolves with its first delivery attempt (or why it has to wait).
 * ``reports``: the earlier losses this batch reports (``dropped``); if it is lost in turn, the
 * next batch must report them again.
 * @param {Bytes} bytes
 * @param {string | null} session
 * @param {number} [reports]
 * @returns {Promise<Delivery>}
 */
export function enqueue(bytes, session, reports) {
  /** @type {OutboxItem} */
  const item = { bytes: bytes, attempts: 0, session: session, reports: reports || 0, settle: null };
  /** @type {Promise<Delivery>} */
  const firstAttempt = new Promise(function (resolve) {
    item.settle = resolve;
  });
  outbox.items.push(item);
  outbox.bytes += bytes.byteLength;
  // A lone batch (beside the one in flight) stays even over the bound: it is at most one batch.
  if (state.core && outbox.bytes > state.core.maxQueueBytes &&
      outbox.items.some(function (it) { return it !== item && it !== outbox.inflight; })) {
    overflow();
  }
  if (item.settle && (outbox.retryTimer || outbox.offline)) {
    // Waiting out a backoff or offline: say so now rather than after the wait.
    item.settle({ sent: false, reason: outbox.offline ? "offline" : "queued-for-retry" });
    item.settle = null;
  }
  pump();
  return firstAttempt;
}

// The outbox is full: drop every batch not in flight. Keeping the newest would not help: their
// incremental events refer to nodes the dropped ones created, so they cannot be replayed. The
// core then discards its pending events and queues nothing until the fresh full snapshot taken
// here, so the replay after the gap starts from a full snapshot.
function overflow() {
  let lost = 0;
  outbox.items = outbox.items.filter(function (it) {
    if (it === outbox.inflight) return true;
    outbox.bytes -= it.bytes.byteLength;
    lost += 1;
    outbox.dropped += it.reports;
    if (it.settle) it.settle({ sent: false, reason: "queue-full" });
    it.settle = null;
    return false;
  });
  outbox.dropped += lost;
  state.counters.batchesDropped += lost;
  countError(new Error("outbox over maxQueueBytes: " + lost + " batches dropped; a fresh snapshot follows"), "transport");
  const generation = state.generation;
  call("resync").then(function () {
    if (generation === state.generation && state.observer) state.observer.snapshot();
  }).catch(countingAs("transport"));
}

/** @param {OutboxItem} item */
export function removeItem(item) {
  const i = outbox.items.indexOf(item);
  if (i >= 0) {
    outbox.items.splice(i, 1);
    outbox.bytes -= item.bytes.byteLength;
  }
}

// A failed delivery is counted and reported; 413 and a refused session key are final and
// each have a counter of their own, so neither is ever a silent drop.
/** @param {Delivery} result @param {string | null} [session] the refused batch's session */
function reportFailure(result, session) {
  const answer = result.answer;
  const said = answer && typeof answer.error === "string" ? ": " + answer.error.slice(0, 200) : "";
  if (result.status === 413) {
    state.counters.batchesTooLarge += 1;
    countError(new Error("delivery refused: batch too large (413)" + said), "transport");
  } else if (result.status === 403 && /session.?key/i.test(said)) {
    state.counters.batchesRefused += 1;
    countError(new Error("delivery refused: session key (403)" + said), "transport");
    // This page never learnt the session's key (the page before it unloaded while the answer
    // that carried it was in flight): nothing more of this session can be stored, so the
    // recording goes on in a new session, from a fresh full snapshot.
    if (session && session === state.sessionId && state.onSessionRefused) state.onSessionRefused();
  } else {
    countError(new Error("delivery failed: " + (result.status || result.error) + said), "transport");
  }
}

/** Deliver the outbox in order, one POST at a time; resolves when it is empty or waiting. */
export function pump() {
  if (outbox.pumping || outbox.retryTimer || outbox.offline) return outbox.pumping || Promise.resolve();
  outbox.pumping = (function next() {
    const item = outbox.items[0];
    if (!item || outbox.offline) return Promise.resolve();
    outbox.inflight = item;
    return post(item.bytes, false, item.session).then(function (result) {
      outbox.inflight = null;
      const again = isRetryable(result);
      debug("delivery:", result.sent ? "ok" : "failed", result.status || result.error || "", again ? "(will retry)" : "");
      if (!result.sent) reportFailure(result, item.session);
      if (item.settle) item.settle(result);
      item.settle = null;
      if (!again) {
        if (!result.sent) state.counters.batchesFailed += 1;
        removeItem(item);
        return next();
      }
      if (outbox.items.indexOf(item) < 0) return next(); // dropped or withdrawn meanwhile
      item.attempts += 1;
      outbox.retryTimer = setTimeout(function () {
        outbox.retryTimer = 0;
        pump();
      }, retryDelay(item, result.response));
      return undefined;
    });
  })().catch(countingAs("transport")).then(function () {
    outbox.inflight = null;
    outbox.pumping = null;
    // A batch queued after the loop found the outbox empty, but before this ran, found a pump
    // still "running" and did not start one: start it now rather than at the next enqueue.
    if (outbox.items.length && !outbox.retryTimer && !outbox.offline) pump();
  });
  return outbox.pumping;
}

export function onOffline() {
  outbox.offline = true;
}

export function onOnline() {
  outbox.offline = false;
  clearTimeout(outbox.retryTimer);
  outbox.retryTimer = 0;
  pump();
}

/** Consent withdrawn: nothing unsent leaves; every waiting batch settles as "stopped". */
export function clearOutbox() {
  clearTimeout(outbox.retryTimer);
  outbox.retryTimer = 0;
  outbox.items.splice(0).forEach(function (item) {
    if (item.settle) item.settle({ sent: false, reason: "stopped" });
  });
  outbox.bytes = 0;
}

// The answer's JSON (small), or null: a sessionKey may be in it, and an error's reason.
/** @param {Response} response @returns {Promise<any>} */
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
 * One POST, aborted after requestTimeoutMs (answer included): a hung endpoint costs a retry,
 * never an unbounded wait.
 * @param {Bytes} bytes
 * @param {boolean} keepalive
 * @param {string | null} session
 * @returns {Promise<Delivery>}
 */
export function post(bytes, keepalive, session) {
  if (embedded()) return Promise.resolve(postToParent(bytes)); // a cross-origin iframe: to the parent page
  /** @type {Record<string, string>} */
  const headers = { "Content-Type": "application/json", "Content-Encoding": "gzip" };
  if (state.config.clientToken) headers["X-Veil-Token"] = state.config.clientToken;
  const key = sessionKey(session);
  // Only when known: a collector that never issues keys need not allow the header (CORS).
  if (key) headers["X-Veil-Session-Key"] = key;
  const controller = new AbortController();
  const timeoutMs = state.core ? state.core.requestTimeoutMs : 0;
  const timer = setTimeout(function () {
    controller.abort();
  }, timeoutMs);
  return fetch(state.config.endpoint, {
    method: "POST",
    body: bytes,
    headers: headers,
    keepalive: !!keepalive,
    // Cookies go only to a same-origin endpoint (an authenticating proxy), never to a third party.
    credentials: "same-origin",
    mode: "cors",
    cache: "no-store",
    referrerPolicy: "no-referrer",
    signal: controller.signal,
  }).then(function (response) {
    return readAnswer(response).then(function (answer) {
      clearTimeout(timer);
      if (response.ok) {
        state.counters.batchesSent += 1;
        rememberSessionKey(session, answer);
      }
      return { sent: response.ok, status: response.status, response: response, answer: answer };
    });
  }, function (err) {
    clearTimeout(timer);
    return { sent: false, error: controller.signal.aborted ? "timeout after " + timeoutMs + " ms" : String(err && err.message) };
  });
}

/** What Veil.flush() tells the page: never the response or the collector's answer. @param {Delivery} result */
export function publicResult(result) {
  /** @type {Record<string, unknown>} */
  const out = { sent: !!result.sent };
  ["status", "reason", "error"].forEach(function (k) {
    const value = /** @type {any} */ (result)[k];
    if (value !== undefined) out[k] = value;
  });
  return out;
}
