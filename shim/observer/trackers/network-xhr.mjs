/*
 * trackers/network-xhr.mjs: the page's XMLHttpRequest calls, for the network tracker (network.mjs).
 *
 * Rules: XMLHttpRequest.prototype's open, setRequestHeader and send are wrapped transparently:
 * each wrapper calls the original with the same `this` and arguments and returns its very return
 * value, so the page sees the same results and the same exceptions. Before send's original call
 * Veil only notes the time and adds its loadend listener (a synchronous XHR needs it first).
 * Request headers are noted for a detail URL only, and only the allowed names; a response body only
 * when JSON-typed, a text responseType and within the body bound, from the text the XHR already
 * holds. Teardown restores the originals (or leaves Veil's wrappers plain pass-throughs when the
 * page wrapped them since) and removes every listener.
 */
import { contentLength, parseHeaders, resolve, utf8Length } from "./network-util.mjs";

const JSON_TYPE = /json/i;

/** @param {any} net the network tracker's shared part (network.mjs) @returns {() => void} its teardown */
export function wrapXhr(net) {
  const { ctx, live, isDetail, isOwn, pick, later, settle, allowed, bodyMax } = net;
  const hasXhr = typeof XMLHttpRequest === "function" && XMLHttpRequest.prototype &&
    ["open", "setRequestHeader", "send"].every((name) => typeof XMLHttpRequest.prototype[name] === "function");
  const pendingXhrs = new Map(); // xhr -> its loadend listener, while a request is in flight
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

  if (hasXhr) {
    Object.keys(wrappers).forEach((name) => {
      proto[name] = wrappers[name];
    });
  }
  return function teardown() {
    Array.from(pendingXhrs.keys()).forEach(forget);
    Object.keys(wrappers).forEach((name) => {
      if (proto[name] === wrappers[name]) proto[name] = originals[name];
    });
  };
}
