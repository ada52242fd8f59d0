// The network and console trackers under Node's test runner: their wrappers are transparent (the
// same return value, the same promise, the same exception, the same console output), Veil's own
// requests are not recorded, teardown restores the originals, and console arguments are
// serialized bounded, without reading accessors and without throwing.
import "./setup.mjs";
import assert from "node:assert/strict";
import { test } from "node:test";

import { CONSOLE_MESSAGE_MAX, CONSOLE_TAG, NETWORK_TAG } from "../../shim/generated/contract.mjs";
import { format, trackConsole } from "../../shim/observer/trackers/console.mjs";
import { trackNetwork } from "../../shim/observer/trackers/network.mjs";

globalThis.document.baseURI = "https://shop.example/checkout";

function fakeCtx() {
  const events = [];
  const errors = [];
  return {
    events,
    errors,
    running: true,
    onError: (e) => errors.push(e),
    guard(fn) {
      return function (...args) {
        try {
          return fn.apply(this, args);
        } catch (e) {
          errors.push(e);
        }
      };
    },
    queue: { emit: (e) => events.push(e), push: (e) => events.push(e) },
  };
}

// XMLHttpRequest does not exist in Node: a minimal stand-in whose methods the tracker wraps.
class FakeXhr {
  open() {}
  setRequestHeader() {}
  send() {
    throw new Error("send refused");
  }
  addEventListener() {}
  removeEventListener() {}
}
globalThis.XMLHttpRequest = /** @type {any} */ (FakeXhr);

const OPTIONS = { ownUrls: ["https://collect.example/v1/batches", "https://shop.example/static/veil/"] };
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
// Until ``ready()`` holds, for at most ``ms`` (the tracker finishes its work in later tasks).
async function until(ready, ms = 3000) {
  const end = Date.now() + ms;
  while (!ready() && Date.now() < end) await wait(10);
}

test("the fetch wrapper returns the page's very promise and restores the original on teardown", async () => {
  const answer = new Response('{"ok":true}', { status: 201, headers: { "content-type": "application/json" } });
  const promise = Promise.resolve(answer);
  const calls = [];
  const original = function fetch(...args) {
    calls.push([this, args]);
    return promise;
  };
  globalThis.fetch = original;
  // The browser's resource timing entry for the request gives its duration and size.
  const realEntries = performance.getEntriesByName;
  let entry = null; // it starts after the call, as a browser's does
  performance.getEntriesByName = (name, type) => {
    if (name !== "https://shop.example/api/orders?token=t" || type !== "resource") return [];
    entry = entry || { initiatorType: "fetch", startTime: performance.now(), responseEnd: performance.now() + 12, encodedBodySize: 11 };
    return [entry];
  };
  const ctx = fakeCtx();
  const teardown = trackNetwork(ctx, OPTIONS);
  assert.notEqual(globalThis.fetch, original);
  const init = { method: "post", body: "x" };
  const returned = globalThis.fetch("/api/orders?token=t", init);
  assert.equal(returned, promise, "the same promise object");
  assert.deepEqual(calls[0][1], ["/api/orders?token=t", init], "the same arguments");
  assert.equal(await returned, answer);
  assert.equal(await answer.text(), '{"ok":true}', "the page's body is intact");
  await until(() => ctx.events.length > 0);
  performance.getEntriesByName = realEntries;
  assert.deepEqual(ctx.errors, []);
  const sent = ctx.events.filter((e) => e.data.tag === NETWORK_TAG).map((e) => e.data.payload);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].method, "POST");
  assert.equal(sent[0].status, 201);
  assert.equal(sent[0].url, "https://shop.example/api/orders?token=t"); // raw: the core scrubs it
  assert.equal(sent[0].requestBytes, 1);
  assert.equal(sent[0].responseBytes, 11);
  assert.equal(sent[0].durationMs, 12);
  assert.ok(!("requestBody" in sent[0]) && !("requestHeaders" in sent[0]), "no detail for an unlisted URL");
  teardown();
  assert.equal(globalThis.fetch, original);
  assert.equal(XMLHttpRequest.prototype.send, FakeXhr.prototype.send);
  assert.deepEqual(ctx.errors, []);
});

test("a failing fetch rejects with the page's own error, and a synchronous throw stays the page's", async () => {
  const failure = new TypeError("Failed to fetch");
  globalThis.fetch = () => Promise.reject(failure);
  const ctx = fakeCtx();
  const teardown = trackNetwork(ctx, OPTIONS);
  await assert.rejects(globalThis.fetch("/api/x"), (err) => err === failure);
  await until(() => ctx.events.length > 0);
  assert.equal(ctx.events[0].data.payload.status, 0);
  teardown();

  const thrown = new Error("polyfill says no");
  globalThis.fetch = () => {
    throw thrown;
  };
  const again = trackNetwork(ctx, OPTIONS);
  assert.throws(
    () => globalThis.fetch("/api/x"),
    (err) => err === thrown,
  );
  const x = new XMLHttpRequest();
  x.open("GET", "/api/y");
  assert.throws(() => x.send(), /send refused/, "XHR exceptions reach the page unchanged");
  again();
});

test("Veil's own requests, to its endpoint and its dist files, are never recorded", async () => {
  globalThis.fetch = () => Promise.resolve(new Response("", { status: 200 }));
  const ctx = fakeCtx();
  const teardown = trackNetwork(ctx, OPTIONS);
  await globalThis.fetch("https://collect.example/v1/batches", { method: "POST", body: "gz" });
  await globalThis.fetch("/static/veil/runtime-abc/veil-observer.mjs");
  await wait(50); // not even watched: nothing is pending
  assert.deepEqual(ctx.events, []);
  teardown();
});

test("a page's later wrapper survives Veil's teardown, and Veil's becomes a pass-through", async () => {
  let hits = 0;
  globalThis.fetch = () => {
    hits += 1;
    return Promise.resolve(new Response(""));
  };
  const ctx = fakeCtx();
  const teardown = trackNetwork(ctx, OPTIONS);
  const veils = globalThis.fetch;
  const pages = (...args) => veils(...args);
  globalThis.fetch = pages;
  teardown();
  assert.equal(globalThis.fetch, pages);
  await globalThis.fetch("/api/z");
  await wait(20);
  assert.equal(hits, 1);
  assert.deepEqual(ctx.events, []);
});

test("console wrappers print exactly what the page printed and record a bounded message", () => {
  const printed = [];
  const original = console.warn;
  console.warn = function (...args) {
    printed.push([this, args]);
    return "returned";
  };
  const page = console.warn;
  const ctx = fakeCtx();
  const teardown = trackConsole(ctx, ["warn"]);
  const obj = { a: 1 };
  assert.equal(console.warn("hello %s", "world", obj), "returned");
  assert.equal(printed[0][0], console);
  assert.deepEqual(printed[0][1], ["hello %s", "world", obj]);
  assert.equal(printed[0][1][2], obj, "the same object, not a copy");
  console.warn("[veil] debug output of Veil itself");
  assert.deepEqual(
    ctx.events.map((e) => e.data),
    [{ tag: CONSOLE_TAG, payload: { level: "warn", message: "hello world {a: 1}" } }],
  );
  teardown();
  assert.equal(console.warn, page);
  console.warn = original;
});

test("console serialization never reads accessors, never throws, and is bounded", () => {
  let read = 0;
  const tricky = {
    get secret() {
      read += 1;
      return "zqgetter";
    },
    nested: { deeper: { deepest: { bottom: "zqtoodeep" } } },
    list: Array.from({ length: 50 }, (_, i) => i),
  };
  tricky.self = tricky;
  const message = format(["state", tricky, new Error("boom"), null, undefined, 12n, Symbol("s"), () => 1]);
  assert.equal(read, 0);
  assert.ok(!message.includes("zqgetter") && !message.includes("zqtoodeep"), message);
  assert.match(message, /secret: \[Getter\]/);
  assert.match(message, /self: \[Circular\]/);
  assert.match(message, /Error: boom null undefined 12n Symbol\(\) \[Function\]$/);
  assert.match(message, /\[0, 1, 2, .*19, …\]/);
  const hostile = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error("trap");
      },
    },
  );
  assert.throws(() => format([hostile])); // the wrapper catches it: see the next test
  assert.equal(format(["x".repeat(5 * CONSOLE_MESSAGE_MAX), { k: "y".repeat(CONSOLE_MESSAGE_MAX) }]).length, CONSOLE_MESSAGE_MAX);
});

test("a console call whose arguments cannot be serialized still prints and is not recorded", () => {
  const printed = [];
  const original = console.error;
  console.error = (...args) => printed.push(args);
  const ctx = fakeCtx();
  const teardown = trackConsole(ctx, ["error"]);
  const hostile = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error("trap");
      },
    },
  );
  assert.doesNotThrow(() => console.error("bad", hostile));
  assert.equal(printed.length, 1);
  assert.deepEqual(ctx.events, []);
  assert.equal(ctx.errors.length, 1);
  teardown();
  console.error = original;
});

test("a browser without fetch or XMLHttpRequest is left alone", () => {
  const [savedFetch, savedXhr] = [globalThis.fetch, globalThis.XMLHttpRequest];
  globalThis.fetch = undefined;
  globalThis.XMLHttpRequest = undefined;
  const ctx = fakeCtx();
  const teardown = trackNetwork(ctx, OPTIONS);
  assert.equal(globalThis.fetch, undefined);
  teardown();
  assert.deepEqual(ctx.errors, []);
  [globalThis.fetch, globalThis.XMLHttpRequest] = [savedFetch, savedXhr];
});
