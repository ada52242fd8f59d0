// The worker's fetch of the site-text list (allowTextUrl) under Node's test runner, with a stand-in
// for fetch: bounded in bytes (a declared or streamed body past the bound is refused without being
// read whole) and in time, and never a rejection: {bytes} or {failure}. The core judges the bytes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SITE_TEXT_MAX_BYTES } from "../../shim/generated/contract.mjs";
import { fetchSiteText } from "../../shim/worker/sitetext.mjs";

const URL_ = "https://shop.example/veil-site-text.json";

/** A streamed body of ``total`` bytes in chunks of 64 KiB, counting how much was pulled. */
function streamed(total, headers = {}) {
  const pulled = { bytes: 0 };
  const body = new ReadableStream({
    pull(controller) {
      const size = Math.min(65536, total - pulled.bytes);
      if (size <= 0) return controller.close();
      pulled.bytes += size;
      controller.enqueue(new Uint8Array(size).fill(32));
    },
  });
  return { response: new Response(body, { headers }), pulled };
}

test("a list is read whole and handed over as bytes", async () => {
  const list = new TextEncoder().encode('{"format":"veil-site-text","version":1,"strings":["Place order"]}');
  const outcome = await fetchSiteText(URL_, { fetchImpl: async (url, init) => {
    assert.equal(url, URL_);
    assert.equal(init.credentials, "same-origin");
    return new Response(list);
  } }).done;
  assert.deepEqual(outcome.bytes, list);
  assert.equal(outcome.failure, undefined);
});

test("a 50 MB list is refused as soon as it passes the bound, without reading the rest", async () => {
  const { response, pulled } = streamed(50 * 1024 * 1024);
  const outcome = await fetchSiteText(URL_, { fetchImpl: async () => response }).done;
  assert.equal(outcome.bytes, undefined);
  assert.match(outcome.failure, /larger than 2097152 bytes/);
  assert.ok(pulled.bytes <= SITE_TEXT_MAX_BYTES + 3 * 65536, `read ${pulled.bytes} bytes`);
});

test("a declared Content-Length past the bound is refused before its body", async () => {
  const { response, pulled } = streamed(50 * 1024 * 1024, { "content-length": String(50 * 1024 * 1024) });
  const outcome = await fetchSiteText(URL_, { fetchImpl: async () => response }).done;
  assert.match(outcome.failure, /larger than/);
  assert.ok(pulled.bytes <= 2 * 65536);
});

test("a list that does not come in time is given up, and so is an HTTP error or a network failure", async () => {
  const hang = (url, init) => new Promise((resolve, reject) => init.signal.addEventListener("abort", () => reject(new Error("aborted"))));
  const slow = await fetchSiteText(URL_, { fetchImpl: hang, timeoutMs: 30 }).done;
  assert.equal(slow.failure, "the list was not fetched within 30 ms");
  const missing = await fetchSiteText(URL_, { fetchImpl: async () => new Response("nope", { status: 404 }) }).done;
  assert.equal(missing.failure, "the list could not be fetched (HTTP 404)");
  const offline = await fetchSiteText(URL_, { fetchImpl: async () => { throw new TypeError("Failed to fetch"); } }).done;
  assert.equal(offline.failure, "the list could not be fetched: Failed to fetch");
});

test("a cancelled fetch settles, never rejects", async () => {
  const hang = (url, init) => new Promise((resolve, reject) => init.signal.addEventListener("abort", () => reject(new Error("aborted"))));
  const list = fetchSiteText(URL_, { fetchImpl: hang });
  list.cancel();
  assert.equal((await list.done).failure, "cancelled");
});
