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
 */
import { EventType, NETWORK_BODY_MAX_DEFAULT, NETWORK_HEADERS_DEFAULT, NETWORK_TAG, NETWORK_URL_MAX } from "../../generated/contract.mjs";

// When to look for the request's resource timing entry (it lands once the body has arrived).
const TIMING_WAITS_MS = [0, 50, 250, 1000, 3000];
const BODY_READ_TIMEOUT_MS = 10000;
const JSON_TYPE = /json/i;

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
  const readers = new Set();
  const claimed = new WeakSet(); // resource timing entries already given to a request
  const pendingXhrs = new Map(); // xhr -> its loadend listener, while a request is in flight

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

  // ---- fetch ----------------------------------------------------------------------------------
  // A browser without fetch or XHR (or a page that replaced one with a non-function) is left alone.
  const hasFetch = typeof window.fetch === "function";
  const hasXhr = typeof XMLHttpRequest === "function" && XMLHttpRequest.prototype &&
    ["open", "setRequestHeader", "send"].every((name) => typeof XMLHttpRequest.prototype[name] === "function");
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

  // ---- XMLHttpRequest ---------------------------------------------------------------------------
  const proto = hasXhr ? XMLHttpRequest.prototype : {};
  const originals = { open: proto.open, setRequestHeader: proto.setRequestHeader, send: proto.send };
  const xhrs = new WeakMap(); // xhr -> the record of its current open()

  function forget(xhr) {
    const listener = pendingXhrs.get(xhr);
    if (listener) xhr.removeEventListener("loadend", listener);
    pendingXhrs.delete(xhr);
  }

  const wrappers = {
    open: function open(method, url) {
      const result = originals.open.apply(this, arguments);
      if (live.on) noteOpen(this, method, url);
      return result;
    },
    setRequestHeader: function setRequestHeader(name, value) {
      const result = originals.setRequestHeader.apply(this, arguments);
      if (live.on) noteHeader(this, name, value);
      return result;
    },
    send: function send(body) {
      const rec = live.on ? xhrs.get(this) : undefined;
      if (rec) noteSend(this, rec, body);
      let threw = true;
      try {
        const result = originals.send.apply(this, arguments);
        threw = false;
        return result;
      } finally {
        if (threw && rec) forget(this);
      }
    },
  };
  if (hasXhr) {
    Object.keys(wrappers).forEach((name) => {
      Object.defineProperty(wrappers[name], "length", { value: originals[name].length });
    });
  }

  const noteOpen = ctx.guard((xhr, method, url) => {
    forget(xhr); // open() ends whatever this object was doing: that request is not coming back
    xhrs.delete(xhr);
    const absolute = typeof url === "string" || url instanceof URL ? resolve(url) : null;
    if (!absolute || isOwn(absolute)) return;
    xhrs.set(xhr, { initiator: "xhr", method: typeof method === "string" ? method.toUpperCase() : "OTHER", url: absolute, detail: isDetail(absolute), headers: {} });
  });

  const noteHeader = ctx.guard((xhr, name, value) => {
    const rec = xhrs.get(xhr);
    const lowered = String(name).toLowerCase();
    if (!rec || !rec.detail || !allowed.includes(lowered)) return;
    rec.headers[lowered] = lowered in rec.headers ? rec.headers[lowered] + ", " + value : String(value);
  });

  const noteSend = ctx.guard((xhr, rec, body) => {
    forget(xhr);
    rec.started = performance.now();
    rec.body = body === undefined ? null : body;
    rec.requestLength = 0;
    const listener = ctx.guard(() => {
      forget(xhr);
      if (live.on) xhrDone(xhr, rec);
    });
    pendingXhrs.set(xhr, listener);
    xhr.addEventListener("loadend", listener);
  });

  function xhrDone(xhr, rec) {
    rec.status = xhr.status;
    rec.durationMs = performance.now() - rec.started;
    // getAllResponseHeaders, not getResponseHeader: the latter prints a console warning for
    // every header a cross-origin response does not expose.
    const headers = parseHeaders(xhr.getAllResponseHeaders());
    rec.responseBytes = contentLength(headers["content-length"]);
    if (rec.detail) {
      if (Object.keys(rec.headers).length) rec.requestHeaders = rec.headers;
      rec.responseHeaders = pick((name) => headers[name]);
      if (bodyMax > 0 && typeof rec.body === "string" && rec.body.length <= bodyMax) rec.requestBody = rec.body;
      if (bodyMax > 0 && (xhr.responseType === "" || xhr.responseType === "text") && JSON_TYPE.test(headers["content-type"] || "")) {
        const text = xhr.responseText;
        if (text.length <= bodyMax) rec.responseBody = text;
      }
    }
    later(() => {
      if (!rec.responseBytes && typeof rec.responseBody === "string") rec.responseBytes = utf8Length(rec.responseBody);
      settle(rec, "xmlhttprequest");
    }, 0);
  }

  if (hasFetch) window.fetch = fetch;
  if (hasXhr) {
    Object.keys(wrappers).forEach((name) => {
      proto[name] = wrappers[name];
    });
  }

  return function teardown() {
    live.on = false;
    timers.forEach((t) => clearTimeout(t));
    timers.clear();
    readers.forEach((r) => r.cancel().catch(() => {}));
    readers.clear();
    Array.from(pendingXhrs.keys()).forEach(forget);
    if (window.fetch === fetch) window.fetch = originalFetch;
    Object.keys(wrappers).forEach((name) => {
      if (proto[name] === wrappers[name]) proto[name] = originals[name];
    });
  };
}

/** A detail-URL test: strings are path prefixes with * wildcards, RegExps are searched in the URL. */
function detailMatcher(patterns) {
  const tests = patterns.map((p) => {
    if (p instanceof RegExp) {
      const re = new RegExp(p.source, p.flags.replace(/[gy]/g, "")); // no lastIndex state
      return (url) => re.test(url);
    }
    const re = new RegExp("^" + String(p).split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*"));
    return (url) => {
      try {
        return re.test(new URL(url).pathname || "/");
      } catch (e) {
        return false;
      }
    };
  });
  return (url) => tests.some((test) => test(url));
}

// A fetch input or XHR URL as an absolute URL; null for anything else (an object's toString is
// page code: fetch ran it once, Veil does not run it again).
function resolve(input) {
  try {
    if (typeof input === "string") return new URL(input, document.baseURI).href;
    if (input instanceof URL) return input.href;
  } catch (e) {
    return null;
  }
  return null;
}

// The method as a string (an object's toString is page code, and fetch ran it already).
function methodOf(init, request) {
  const method = init && init.method !== undefined ? init.method : request ? request.method : "GET";
  return typeof method === "string" ? method.toUpperCase() : "OTHER";
}

function bare(url) {
  return url.split(/[?#]/)[0];
}

// An overlong URL (a data: URL, say) reaches the core as its origin only.
function shorten(url) {
  if (url.length <= NETWORK_URL_MAX) return url;
  try {
    const origin = new URL(url).origin;
    return origin !== "null" ? origin + "/" : url.slice(0, url.indexOf(":") + 1);
  } catch (e) {
    return "";
  }
}

function contentLength(value) {
  const n = value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

function requestSize(body, fallback) {
  if (typeof body === "string") return utf8Length(body);
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  if (body instanceof URLSearchParams) return utf8Length(body.toString());
  return fallback || 0; // FormData, streams, documents: not measured
}

function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function decode(chunks, size) {
  const all = new Uint8Array(size);
  let at = 0;
  chunks.forEach((c) => {
    all.set(c, at);
    at += c.byteLength;
  });
  return new TextDecoder().decode(all);
}

function parseHeaders(text) {
  const out = {};
  (text || "").trim().split(/[\r\n]+/).forEach((line) => {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  });
  return out;
}

// The request's resource timing entry (by URL, initiator and start), each entry given once.
function timingEntry(url, initiatorType, started, claimed) {
  let entries;
  try {
    entries = performance.getEntriesByName(url.split("#")[0], "resource");
  } catch (e) {
    return null;
  }
  for (const entry of entries) {
    if (entry.initiatorType === initiatorType && entry.startTime >= started - 1 && !claimed.has(entry)) {
      claimed.add(entry);
      return entry;
    }
  }
  return null;
}
