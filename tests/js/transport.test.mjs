// The transport's rules under Node's own test runner, with a stand-in fetch: what is retried,
// how long it waits, what each POST carries, and what every loss is counted as.
import { fakeWorker, tick } from "./setup.mjs";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { RETRY_AFTER_CAP_MS, isRetryable, retryDelay } from "../../shim/veil/delivery.mjs";
import { addErrorListener } from "../../shim/veil/errors.mjs";
import { call, connect, disconnect, onWorkerMessage } from "../../shim/veil/rpc.mjs";
import { rememberSessionKey, sessionKey } from "../../shim/veil/storage.mjs";
import { createOutbox } from "../../shim/veil/transport.mjs";

const errors = [];
addErrorListener((report) => errors.push(report));
let requests = [];
/** Who the outbox told: the overflows, and the sessions whose key was refused. */
let told = { overflows: 0, refused: [] };
/** The outbox under test, created as the lifecycle creates it: with the callbacks it needs. */
let outbox;
const destination = { endpoint: "https://collect.example/v1/batches", clientToken: "pk_test", maxQueueBytes: 1 << 20, requestTimeoutMs: 200 };
let answer = () => new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } });

globalThis.fetch = /** @type {any} */ ((url, init) => {
  requests.push({ url, init });
  return Promise.resolve().then(() => answer(init));
});

beforeEach(() => {
  told = { overflows: 0, refused: [] };
  outbox = createOutbox({ onOverflow: () => { told.overflows += 1; call("resync", null).catch(() => {}); },
    onSessionRefused: (session) => { told.refused.push(session); } });
  outbox.configure({ ...destination });
  requests = [];
  errors.length = 0;
  answer = () => new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } });
});

const bytes = (n) => new Uint8Array(n).fill(7);
const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

test("isRetryable: no answer, 429 and 5xx are retried; every other answer is final", () => {
  for (const result of [{ sent: false, error: "timeout after 200 ms" }, { sent: false, error: "Failed to fetch" },
    { sent: false, status: 429 }, { sent: false, status: 500 }, { sent: false, status: 503 }]) {
    assert.equal(isRetryable(result), true, JSON.stringify(result));
  }
  for (const result of [{ sent: true, status: 200 }, { sent: true, status: 202 }, { sent: false, status: 400 },
    { sent: false, status: 403 }, { sent: false, status: 413 }]) {
    assert.equal(isRetryable(result), false, JSON.stringify(result));
  }
});

test("retryDelay follows Retry-After (seconds or a date, capped) and otherwise backs off with jitter", () => {
  const after = (value) => new Response("", { headers: { "Retry-After": value } });
  assert.equal(retryDelay({ attempts: 1 }, after("7")), 7000);
  assert.equal(retryDelay({ attempts: 1 }, after("-3")), 0);
  assert.equal(retryDelay({ attempts: 1 }, after(new Date(Date.now() + 86400e3).toUTCString())), RETRY_AFTER_CAP_MS);
  assert.equal(retryDelay({ attempts: 1 }, undefined, () => 0), 500);
  assert.equal(retryDelay({ attempts: 3 }, undefined, () => 0.999999) < 4000, true);
  assert.equal(retryDelay({ attempts: 3 }, undefined, () => 0), 2000);
  assert.equal(retryDelay({ attempts: 20 }, after("soon"), () => 0), 15000, "capped at 30 s, an unreadable header ignored");
});

test("a POST carries the gzip body, the token and the session's write key, never cookies to a third party", async () => {
  rememberSessionKey("s1", { sessionKey: "key_1" });
  const result = await outbox.post(bytes(10), true, "s1");
  assert.equal(result.sent, true);
  const { url, init } = requests[0];
  assert.equal(url, "https://collect.example/v1/batches");
  assert.deepEqual(init.headers, { "Content-Type": "application/json", "Content-Encoding": "gzip",
    "X-Veil-Token": "pk_test", "X-Veil-Session-Key": "key_1" });
  assert.equal(init.keepalive, true);
  assert.equal(init.credentials, "same-origin");
  assert.equal(init.referrerPolicy, "no-referrer");
  assert.equal(outbox.stats().batchesSent, 1);
  await outbox.post(bytes(10), false, "s2");
  assert.equal("X-Veil-Session-Key" in requests[1].init.headers, false, "no key known for s2: no header");
});

test("a collector's session key is remembered for the next POST of that session only", async () => {
  answer = () => json(200, { sessionKey: "fresh_key" });
  await outbox.post(bytes(1), false, "s1");
  await outbox.post(bytes(1), false, "s1");
  assert.equal(requests[1].init.headers["X-Veil-Session-Key"], "fresh_key");
  answer = () => json(200, { sessionKey: "bad key!" });
  await outbox.post(bytes(1), false, "s3");
  assert.equal(sessionKey("s3"), null, "a key outside the pattern is ignored");
});

test("a hung endpoint is aborted after requestTimeoutMs and counts as retryable", async () => {
  outbox.configure({ ...destination, requestTimeoutMs: 30 });
  answer = (init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(new Error("aborted"))));
  const result = await outbox.post(bytes(1), false, null);
  assert.deepEqual(result, { sent: false, error: "timeout after 30 ms" });
  assert.equal(isRetryable(result), true);
});

test("a 503 is retried after Retry-After with the same bytes, then delivered once", async () => {
  let calls = 0;
  answer = () => (++calls === 1 ? json(503, { error: "busy" }, { "Retry-After": "0" }) : json(200, {}));
  const first = await outbox.enqueue(bytes(5), "s1", 0);
  assert.equal(first.sent, false);
  assert.equal(first.status, 503);
  await tick(20);
  assert.equal(requests.length, 2);
  assert.deepEqual(requests[1].init.body, requests[0].init.body);
  assert.equal(outbox.waiting().length, 0);
  assert.equal(outbox.stats().batchesSent, 1);
  assert.equal(outbox.stats().batchesFailed, 0);
  assert.deepEqual(errors.map((e) => e.where), ["transport"], "the failed attempt is reported, where: transport");
  assert.match(errors[0].message, /delivery failed: 503: busy/);
});

test("413 and a refused session key are final, each with its own counter, and reported", async () => {
  answer = () => json(413, { error: "too large" });
  assert.equal((await outbox.enqueue(bytes(5), null)).status, 413);
  answer = () => json(403, { error: "bad session key" });
  assert.equal((await outbox.enqueue(bytes(5), "s1")).status, 403);
  answer = () => json(400, { error: "bad batch" });
  assert.equal((await outbox.enqueue(bytes(5), "s1")).status, 400);
  await tick(5);
  assert.equal(requests.length, 3, "none of them is retried");
  assert.equal(outbox.stats().batchesTooLarge, 1);
  assert.equal(outbox.stats().batchesRefused, 1);
  assert.equal(outbox.stats().batchesFailed, 3);
  assert.deepEqual(errors.map((e) => [e.where, e.message]), [
    ["transport", "delivery refused: batch too large (413): too large"],
    ["transport", "delivery refused: session key (403): bad session key"],
    ["transport", "delivery failed: 400: bad batch"],
  ]);
});

test("a refused session key tells the owner which session, once per refusal; other refusals are not about the session", async () => {
  answer = () => json(403, { error: "session key required" });
  assert.equal((await outbox.enqueue(bytes(5), "s1")).status, 403);
  assert.deepEqual(told.refused, ["s1"], "the page never learnt the key: the owner records on in a new session");
  assert.equal((await outbox.enqueue(bytes(5), "old")).status, 403);
  assert.deepEqual(told.refused, ["s1", "old"], "the refused batch's own session: the owner ignores an earlier one");
  answer = () => json(400, { error: "bad batch" });
  assert.equal((await outbox.enqueue(bytes(5), "s1")).status, 400);
  assert.deepEqual(told.refused, ["s1", "old"], "other refusals are not about the session");
});

test("an outbox over maxQueueBytes drops every batch not in flight, asks the core to resync, and counts the loss", async () => {
  const worker = fakeWorker({ resync: { discarded: 3 } }, onWorkerMessage);
  connect(/** @type {any} */ (worker));
  outbox.configure({ ...destination, maxQueueBytes: 25 });
  let release;
  answer = () => new Promise((resolve) => { release = () => resolve(json(200, {})); });
  const inflight = outbox.enqueue(bytes(10), "s1");
  await tick();
  const waiting = [outbox.enqueue(bytes(10), "s1", 2), outbox.enqueue(bytes(10), "s1")];
  const dropping = outbox.enqueue(bytes(10), "s1");
  assert.deepEqual(await Promise.all(waiting), [{ sent: false, reason: "queue-full" }, { sent: false, reason: "queue-full" }]);
  assert.equal(outbox.stats().batchesDropped, 2);
  assert.equal(outbox.unreported(), 2 + 2, "two lost batches, and the two losses the first of them reported");
  assert.deepEqual(outbox.waiting().map((it) => it.bytes.byteLength), [10, 10], "the one in flight and the newest stay");
  assert.equal(told.overflows, 1, "the owner is told (the lifecycle has the core resync)");
  await tick(5);
  assert.deepEqual(worker.sent.map((m) => m.type), ["resync"]);
  assert.equal(errors[0].where, "transport");
  answer = () => json(200, {});
  release();
  assert.equal((await inflight).sent, true);
  assert.equal((await dropping).sent, true, "the batch queued after the drop is delivered");
  disconnect("test over");
});

test("offline, batches wait without a request and leave when the browser is online again", async () => {
  outbox.onOffline();
  assert.deepEqual(await outbox.enqueue(bytes(3), null), { sent: false, reason: "offline" });
  assert.equal(requests.length, 0);
  outbox.onOnline();
  await tick(5);
  assert.equal(requests.length, 1);
  assert.equal(outbox.waiting().length, 0);
});

test("withdrawn consent: nothing queued leaves, and every waiting batch says why", async () => {
  outbox.onOffline();
  const waiting = outbox.enqueue(bytes(3), null);
  outbox.clear();
  outbox.onOnline();
  await tick(5);
  assert.deepEqual(await waiting, { sent: false, reason: "offline" });
  assert.equal(requests.length, 0);
  assert.equal(outbox.waiting().length, 0);
});
