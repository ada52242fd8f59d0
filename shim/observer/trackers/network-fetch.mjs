/*
 * trackers/network-fetch.mjs: the page's fetch calls, for the network tracker (network.mjs).
 *
 * Rules: window.fetch is wrapped transparently: the wrapper calls the original with the same
 * `this` and arguments and returns its very promise, so the page sees the same results and the
 * same rejections; before the call Veil only notes the time, everything else happens after it, in
 * a later task when it can wait. A response body is read only for a detail URL, only when
 * JSON-typed and within the body bound, only from a clone taken before the page's own handlers
 * run, in the background, bounded in size and time; only Veil's branch of the tee is cancelled.
 * Teardown restores the original (or leaves Veil's wrapper a plain pass-through when the page
 * wrapped fetch since) and cancels every body read.
 */
import { contentLength, decode, methodOf, resolve } from "./network-util.mjs";

const BODY_READ_TIMEOUT_MS = 10000;
const JSON_TYPE = /json/i;

/** @param {any} net the network tracker's shared part (network.mjs) @returns {() => void} its teardown */
export function wrapFetch(net) {
  const { ctx, live, isDetail, isOwn, pick, later, settle, emit, bodyMax } = net;
  const readers = new Set();
  // A browser without fetch (or a page that replaced it with a non-function) is left alone.
  const hasFetch = typeof window.fetch === "function";
  const originalFetch = window.fetch;
  function fetch(input, init) {
    const started = performance.now();
    const result = originalFetch.apply(this, arguments);
    if (live.on) watchFetch(started, result, input, init);
    return result;
  }
  if (hasFetch) Object.defineProperty(fetch, "length", { value: originalFetch.length });

  const watchFetch = ctx.guard((started, result, input, init) => {
    const request = typeof Request !== "undefined" && input instanceof Request ? input : null;
    const url = request ? request.url : resolve(input);
    if (!url || isOwn(url)) return;
    const detail = isDetail(url);
    const body = init && init.body !== undefined ? init.body : null;
    const rec = {
      initiator: "fetch",
      method: methodOf(init, request),
      url,
      started,
      status: 0,
      durationMs: 0,
      body,
      requestLength: request && !body ? contentLength(request.headers.get("content-length")) : 0,
      responseBytes: 0,
    };
    if (detail) {
      const source = init && init.headers !== undefined ? init.headers : request ? request.headers : null;
      if (source) {
        const headers = source instanceof Headers ? source : new Headers(source);
        rec.requestHeaders = pick((name) => headers.get(name));
      }
      if (bodyMax > 0 && typeof body === "string" && body.length <= bodyMax) rec.requestBody = body;
    }
    result.then(ctx.guard((response) => {
      if (!live.on) return;
      rec.status = response.status;
      rec.durationMs = performance.now() - started; // until the headers, unless resource timing tells more
      const headers = response.headers;
      const length = contentLength(headers.get("content-length"));
      rec.responseBytes = length;
      let clone = null;
      if (detail) {
        rec.responseHeaders = pick((name) => headers.get(name));
        if (bodyMax > 0 && response.body && !response.bodyUsed && JSON_TYPE.test(headers.get("content-type") || "") && length <= bodyMax) {
          clone = response.clone(); // before the page's own handlers run: its body is still unread
        }
      }
      later(() => {
        const read = clone ? readBounded(clone.body, bodyMax) : Promise.resolve(null);
        read.then(ctx.guard((got) => {
          if (!live.on) return;
          if (got) {
            rec.responseBody = got.text;
            if (!rec.responseBytes) rec.responseBytes = got.bytes;
          }
          settle(rec, "fetch");
        }));
      }, 0);
    }), ctx.guard(() => {
      if (!live.on) return;
      rec.durationMs = performance.now() - started; // a network error, an abort, a CORS refusal
      later(() => emit(rec, performance.timeOrigin + started + rec.durationMs), 0);
    }));
  });

  // A clone's body, read in the background: null past ``max`` bytes, on an error or on timeout.
  function readBounded(stream, max) {
    return new Promise((resolve) => {
      const reader = stream.getReader();
      const chunks = [];
      let size = 0;
      let finished = false;
      readers.add(reader);
      const finish = (got) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        readers.delete(reader);
        resolve(got);
      };
      const giveUp = () => {
        reader.cancel().catch(() => {}); // only Veil's branch of the tee: the page's stays whole
        finish(null);
      };
      const timer = setTimeout(giveUp, BODY_READ_TIMEOUT_MS);
      const pump = () => {
        reader.read().then(({ done, value }) => {
          if (finished) return;
          if (done) {
            finish({ text: decode(chunks, size), bytes: size });
            return;
          }
          size += value.byteLength;
          if (size > max) giveUp();
          else {
            chunks.push(value);
            pump();
          }
        }, () => finish(null));
      };
      pump();
    });
  }

  if (hasFetch) window.fetch = fetch;
  return function teardown() {
    readers.forEach((r) => r.cancel().catch(() => {}));
    readers.clear();
    if (hasFetch && window.fetch === fetch) window.fetch = originalFetch;
  };
}
