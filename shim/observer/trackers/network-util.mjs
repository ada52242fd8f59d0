/*
 * trackers/network-util.mjs: the network tracker's plain helpers: URLs, methods, sizes, headers,
 * body decoding, and the request's resource timing entry.
 *
 * Rules: pure (or reading only the page's performance entries); an object's toString is page code
 * and is never run by Veil; an overlong URL reaches the core as its origin only.
 */
import { NETWORK_URL_MAX } from "../../generated/contract.mjs";

/** A detail-URL test: strings are path prefixes with * wildcards, RegExps are searched in the URL. */
export function detailMatcher(patterns) {
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
export function resolve(input) {
  try {
    if (typeof input === "string") return new URL(input, document.baseURI).href;
    if (input instanceof URL) return input.href;
  } catch (e) {
    return null;
  }
  return null;
}

// The method as a string (an object's toString is page code, and fetch ran it already).
export function methodOf(init, request) {
  const method = init && init.method !== undefined ? init.method : request ? request.method : "GET";
  return typeof method === "string" ? method.toUpperCase() : "OTHER";
}

export function bare(url) {
  return url.split(/[?#]/)[0];
}

// An overlong URL (a data: URL, say) reaches the core as its origin only.
export function shorten(url) {
  if (url.length <= NETWORK_URL_MAX) return url;
  try {
    const origin = new URL(url).origin;
    return origin !== "null" ? origin + "/" : url.slice(0, url.indexOf(":") + 1);
  } catch (e) {
    return "";
  }
}

export function contentLength(value) {
  const n = value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

export function requestSize(body, fallback) {
  if (typeof body === "string") return utf8Length(body);
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  if (body instanceof URLSearchParams) return utf8Length(body.toString());
  return fallback || 0; // FormData, streams, documents: not measured
}

export function utf8Length(text) {
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

export function decode(chunks, size) {
  const all = new Uint8Array(size);
  let at = 0;
  chunks.forEach((c) => {
    all.set(c, at);
    at += c.byteLength;
  });
  return new TextDecoder().decode(all);
}

export function parseHeaders(text) {
  const out = {};
  (text || "").trim().split(/[\r\n]+/).forEach((line) => {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  });
  return out;
}

// The request's resource timing entry (by URL, initiator and start), each entry given once.
export function timingEntry(url, initiatorType, started, claimed) {
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
