// The unloading page under Node's own test runner: what leaves with keepalive, within the
// browser's 64 KiB budget, in seq order, and what the worker is told was handed over.
import { fakeWorker, tick } from "./setup.mjs";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { sendStandby } from "../../shim/veil/keepalive.mjs";
import { onWorkerMessage } from "../../shim/veil/rpc.mjs";
import { state } from "../../shim/veil/state.mjs";
import { clearOutbox, enqueue, onOffline, onOnline } from "../../shim/veil/transport.mjs";

let requests = [];
globalThis.fetch = /** @type {any} */ ((url, init) => {
  requests.push(init);
  return Promise.resolve(new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } }));
});
let worker;

beforeEach(() => {
  clearOutbox();
  requests = [];
  worker = fakeWorker({ commit_standby: { ok: true }, take_batch: { batch: null, more: false, pendingBytes: 0, reports: 0 } },
    onWorkerMessage);
  state.worker = /** @type {any} */ (worker);
  state.status = "recording";
  state.observer = null;
  state.sessionId = "s1";
  state.config = { endpoint: "/v1/batches" };
  state.core = { consent: "opt-in", persistConsent: false, beforeSend: false, maxQueueBytes: 1 << 20, requestTimeoutMs: 1000 };
});

const bytes = (n) => new Uint8Array(n);
const standby = (...sizes) => ({
  info: { chunks: sizes.map((_, i) => ({ seq: i, count: i + 1 })) },
  chunks: sizes.map((n) => bytes(n)),
});

test("standby chunks leave with keepalive in seq order, stopping at the first that does not fit", async () => {
  state.standby = standby(40 * 1024, 30 * 1024, 1024);
  sendStandby();
  assert.equal(state.standby, null, "a standby copy is used once");
  await tick(10);
  assert.deepEqual(requests.map((r) => [r.body.byteLength, r.keepalive]), [[40 * 1024, true]],
    "the 30 KiB chunk would pass the 60 KiB budget, and the 1 KiB one may not overtake it");
  assert.deepEqual(worker.sent.map((m) => m.type), ["commit_standby", "take_batch"]);
  assert.deepEqual(worker.sent[0].payload, { info: { chunks: [{ seq: 0, count: 1 }] } });
});

test("queued batches go first and count against the same budget", async () => {
  onOffline(); // keep the batch queued, as while waiting out a backoff
  enqueue(bytes(50 * 1024), "s1");
  state.standby = standby(20 * 1024);
  sendStandby();
  await tick(10);
  assert.equal(requests[0].keepalive, true);
  assert.equal(requests[0].body.byteLength, 50 * 1024);
  assert.equal(requests.filter((r) => r.keepalive).length, 1, "the standby chunk no longer fits: none is handed over");
  assert.deepEqual(worker.sent.map((m) => m.type), ["take_batch"], "nothing committed; a plain flush instead");
  onOnline();
});

test("with beforeSend there is no synchronous path: the standby copy is dropped and a flush runs", async () => {
  state.core.beforeSend = true;
  state.standby = standby(1024);
  sendStandby();
  await tick(10);
  assert.deepEqual(requests, []);
  assert.deepEqual(worker.sent.map((m) => m.type), ["take_batch"]);
});

test("a page that is not recording sends nothing on unload", async () => {
  state.status = "stopped";
  state.standby = standby(1024);
  sendStandby();
  await tick(10);
  assert.deepEqual(requests, []);
  assert.deepEqual(worker.sent, []);
  assert.equal(state.standby, null);
});
