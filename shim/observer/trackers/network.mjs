/*
 * trackers/network.mjs: the page's fetch and XMLHttpRequest calls, as veil:network custom events.
 *
 * Rules: transparent. window.fetch and XMLHttpRequest.prototype's open, setRequestHeader and send
 * are wrapped; each wrapper calls the original with the same `this` and arguments and returns its
 * very return value (fetch: the same promise object), so the page sees the same results, the same
 * rejections and the same exceptions. Before the original call Veil only notes the time (and, for
 * send, adds its loadend listener, which a synchronous XHR needs); everything else happens after
 * it, and whatever is not needed at once runs in a later task. Bodies are read only for URLs that
 * match networkDetailUrls, only when JSON-typed and within networkBodyMaxBytes, only from a clone
 * of the response (fetch) or the text the XHR already holds, and asynchronously. Veil's own requests
 * (its endpoint and the dist/ directory it loads from) are never recorded. The shim only
 * pre-filters (detail URLs by the browser's own RegExp engine, header names by networkHeaders):
 * the core judges again and masks everything. Sizes: the request's resource timing entry when the
 * browser has one, else Content-Length, else the body Veil read, else 0 (not exposed). Teardown
 * restores the originals (or, when the page wrapped them since, leaves Veil's wrappers as plain
 * pass-throughs), and cancels every pending timer, body read and listener.
 *
 * Where things are: network-fetch.mjs (fetch), network-xhr.mjs (XMLHttpRequest), both given this
 * tracker's shared part (the record's emit and settle, timers, the detail and own-URL tests);
 * network-util.mjs (URLs, sizes, headers, timing entries).
 */
import { EventType, NETWORK_BODY_MAX_DEFAULT, NETWORK_HEADERS_DEFAULT, NETWORK_TAG } from "../../generated/contract.mjs";
import { wrapFetch } from "./network-fetch.mjs";
import { bare, detailMatcher, requestSize, resolve, shorten, timingEntry } from "./network-util.mjs";
import { wrapXhr } from "./network-xhr.mjs";

// When to look for the request's resource timing entry (it lands once the body has arrived).
const TIMING_WAITS_MS = [0, 50, 250, 1000, 3000];

/**
 * @typedef {object} NetworkOptions
 * @property {Array<string | RegExp>} [detailUrls] networkDetailUrls
 * @property {string[]} [headers] networkHeaders
 * @property {number} [bodyMaxBytes] networkBodyMaxBytes
 * @property {string[]} ownUrls Veil's endpoint (exact, query ignored) and its dist/ base (a prefix)
 */

/** @param {NetworkOptions} options */
export function trackNetwork(ctx, options) {
  const isDetail = detailMatcher(options.detailUrls || []);
  const allowed = (options.headers || NETWORK_HEADERS_DEFAULT).map((h) => String(h).toLowerCase());
  const bodyMax = typeof options.bodyMaxBytes === "number" ? options.bodyMaxBytes : NETWORK_BODY_MAX_DEFAULT;
  const [endpoint, base] = options.ownUrls;
  const endpointBare = bare(resolve(endpoint) || "");
  const live = { on: true };
  const timers = new Set();
  const claimed = new WeakSet(); // resource timing entries already given to a request

  function isOwn(url) {
    return url.startsWith(base) || bare(url) === endpointBare;
  }

  function later(fn, ms) {
    const timer = setTimeout(ctx.guard(() => {
      timers.delete(timer);
      if (live.on) fn();
    }), ms);
    timers.add(timer);
  }

  // Headers the shim may hand over: the allowed names only (the core drops deny-listed ones).
  function pick(get) {
    const out = {};
    allowed.forEach((name) => {
      const value = get(name);
      if (value !== null && value !== undefined) out[name] = String(value);
    });
    return out;
  }

  function emit(rec, endEpoch) {
    if (!live.on || !ctx.running) return;
    const payload = {
      initiator: rec.initiator,
      method: rec.method,
      url: shorten(rec.url),
      status: rec.status,
      durationMs: Math.max(0, Math.round(rec.durationMs)),
      requestBytes: requestSize(rec.body, rec.requestLength),
      responseBytes: rec.responseBytes,
    };
    ["requestHeaders", "responseHeaders", "requestBody", "responseBody"].forEach((key) => {
      if (rec[key] !== undefined) payload[key] = rec[key];
    });
    ctx.queue.emit({ type: EventType.Custom, data: { tag: NETWORK_TAG, payload }, timestamp: Math.round(endEpoch) });
  }

  // Complete the record from its resource timing entry when the browser has one, then emit.
  function settle(rec, initiatorType, step = 0) {
    const entry = timingEntry(rec.url, initiatorType, rec.started, claimed);
    if (entry) {
      rec.durationMs = entry.responseEnd - entry.startTime;
      if (entry.encodedBodySize > 0) rec.responseBytes = entry.encodedBodySize;
      emit(rec, performance.timeOrigin + entry.responseEnd);
    } else if (step + 1 < TIMING_WAITS_MS.length) {
      later(() => settle(rec, initiatorType, step + 1), TIMING_WAITS_MS[step + 1]);
    } else {
      emit(rec, performance.timeOrigin + rec.started + rec.durationMs);
    }
  }

  // What fetch's and XHR's wrappers share (their records end here, through settle or emit).
  const net = { ctx, live, isDetail, isOwn, pick, later, settle, emit, allowed, bodyMax };
  const teardowns = [wrapFetch(net), wrapXhr(net)];

  return function teardown() {
    live.on = false;
    timers.forEach((t) => clearTimeout(t));
    timers.clear();
    teardowns.forEach((undo) => undo());
  };
}
