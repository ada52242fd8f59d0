// The hidden or unloading page under Node's own test runner: what leaves with keepalive, within the
// browser's 64 KiB budget, in seq order, what the worker is told was handed over, and that the
// flush that follows closes what is still open (a rage-click burst leaves with the last batch).
import { fakeWorker, tick } from "./setup.mjs";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { createHandover } from "../../shim/veil/handover.mjs";
import { sendStandby } from "../../shim/veil/keepalive.mjs";
import { createRecording } from "../../shim/veil/recording.mjs";
import { connect, onWorkerMessage } from "../../shim/veil/rpc.mjs";
import { createOutbox } from "../../shim/veil/transport.mjs";

let requests = [];
globalThis.fetch = /** @type {any} */ ((url, init) => {
  requests.push(init);
  return Promise.resolve(new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } }));
});
let worker;
let outbox;
let handover;
let recording;

const bytes = (n) => new Uint8Array(n);
const standby = (...sizes) => ({
  info: { chunks: sizes.map((_, i) => ({ seq: i, count: i + 1 })) },
  chunks: sizes.map((n) => bytes(n)),
});

/** A recording whose last hand-over's answer carried ``ready`` as its standby copy. */
async function recordingWith(ready) {
  const rec = createRecording("s1", { onActions: () => {}, measure: false });
  worker.answers.observe = { actions: [], snapshots: 0, dropped: 0, maskMs: 0, memoryBytes: 0, pendingBytes: 0, standby: ready };
  await rec.post("[]", Date.now());
  worker.sent.length = 0;
  return rec;
}

beforeEach(() => {
  requests = [];
  worker = fakeWorker({ commit_standby: { ok: true }, take_batch: { batch: null, more: false, pendingBytes: 0, reports: 0, buffered: false } },
    onWorkerMessage);
  connect(/** @type {any} */ (worker));
  outbox = createOutbox({ onOverflow: () => {}, onSessionRefused: () => {} });
  outbox.configure({ endpoint: "/v1/batches", maxQueueBytes: 1 << 20, requestTimeoutMs: 1000 });
  handover = createHandover({ outbox, current: () => recording, beforeSend: () => null });
});

test("standby chunks leave with keepalive in seq order, stopping at the first that does not fit", async () => {
  recording = await recordingWith(standby(40 * 1024, 30 * 1024, 1024));
  sendStandby(recording, outbox, handover, false);
  assert.equal(recording.takeStandby(), null, "a standby copy is used once");
  await tick(10);
  assert.deepEqual(requests.map((r) => [r.body.byteLength, r.keepalive]), [[40 * 1024, true]],
    "the 30 KiB chunk would pass the 60 KiB budget, and the 1 KiB one may not overtake it");
  assert.deepEqual(worker.sent.map((m) => m.type), ["commit_standby", "take_batch"]);
  assert.deepEqual(worker.sent[0].payload, { info: { chunks: [{ seq: 0, count: 1 }] } });
  assert.equal(worker.sent[1].payload.close, true, "the flush after it closes what is open: it leaves now");
});

test("queued batches go first and count against the same budget", async () => {
  recording = await recordingWith(standby(20 * 1024));
  outbox.onOffline(); // keep the batch queued, as while waiting out a backoff
  outbox.enqueue(bytes(50 * 1024), "s1");
  sendStandby(recording, outbox, handover, false);
  await tick(10);
  assert.equal(requests[0].keepalive, true);
  assert.equal(requests[0].body.byteLength, 50 * 1024);
  assert.equal(requests.filter((r) => r.keepalive).length, 1, "the standby chunk no longer fits: none is handed over");
  assert.deepEqual(worker.sent.map((m) => m.type), ["take_batch"], "nothing committed; a plain flush instead");
  assert.equal(worker.sent[0].payload.close, true);
  outbox.onOnline();
});

test("with beforeSend there is no synchronous path: the standby copy is dropped and a flush runs", async () => {
  recording = await recordingWith(standby(1024));
  sendStandby(recording, outbox, handover, true);
  await tick(10);
  assert.deepEqual(requests, []);
  assert.deepEqual(worker.sent.map((m) => m.type), ["take_batch"]);
  assert.equal(recording.takeStandby(), null);
});

test("a page that is not recording sends nothing on unload", async () => {
  recording = null;
  sendStandby(null, outbox, handover, false);
  await tick(10);
  assert.deepEqual(requests, []);
  assert.deepEqual(worker.sent, []);
});

test("a flush in on-error mode before a trigger says the events are buffered, not that there is nothing", async () => {
  recording = createRecording("s1", { onActions: () => {}, measure: false });
  worker.answers.take_batch = { batch: null, more: false, pendingBytes: 2048, reports: 0, buffered: true };
  assert.deepEqual(await handover.flush({ close: true }), { sent: false, reason: "buffered" });
  worker.answers.take_batch = { batch: null, more: false, pendingBytes: 0, reports: 0, buffered: false };
  assert.deepEqual(await handover.flush(), { sent: false, reason: "empty" });
  assert.deepEqual(worker.sent.map((m) => m.payload.close), [true, false], "only Veil.flush() and a hidden page close open bursts");
});
