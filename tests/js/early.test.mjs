// Observing before the runtime is ready, under Node's own test runner: when the observer may start
// without Python, the buffer's bound, and that a "no" or a stop discards the buffer unsent.
import { fakeWorker, tick } from "./setup.mjs";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { discardEarly, earlyLosses, earlyStats, handOverEarly, reportedEarlyLosses } from "../../shim/veil/early.mjs";
import { DEFAULT_EARLY_BYTES, createEarlyBuffer, earlyBound, mayObserveEarly } from "../../shim/veil/early-rules.mjs";
import { call, connect, disconnect, onWorkerMessage } from "../../shim/veil/rpc.mjs";

const quiet = { doNotTrack: null, globalPrivacyControl: false, storedConsent: null };
// One table of cases, run here and by tests/unit/test_early_gate.py against the Python gate's rule.
const TABLE = JSON.parse(readFileSync(new URL("../shared/early-gate.json", import.meta.url), "utf8"));

test("may the observer start before the runtime: the shared table (consent, DNT/GPC, tcf, invalid configs)", () => {
  assert.ok(TABLE.cases.length >= 20);
  for (const c of TABLE.cases) {
    assert.equal(mayObserveEarly(c.config, c.trigger, { ...quiet, ...c.signals }), c.early, c.why);
  }
});

test("the bound is the config's maxQueueBytes when valid, else its default", () => {
  assert.equal(earlyBound({ maxQueueBytes: 65536 }), 65536);
  assert.equal(earlyBound({}), DEFAULT_EARLY_BYTES);
  assert.equal(earlyBound({ maxQueueBytes: 10 }), DEFAULT_EARLY_BYTES);
  assert.equal(earlyBound({ maxQueueBytes: "big" }), DEFAULT_EARLY_BYTES);
});

test("past its bound the buffer drops everything, that hand-over included, and keeps nothing more", () => {
  const buffer = createEarlyBuffer(10);
  assert.equal(buffer.push("[1,2]", 1), 0);
  assert.equal(buffer.push("[3]", 2), 0);
  assert.equal(buffer.bytes(), 8);
  assert.equal(buffer.push("[4,5]", 3), 3);
  assert.equal(buffer.bytes(), 0);
  assert.equal(buffer.size(), 0);
  assert.equal(buffer.push("[]", 4), 1, "closed: nothing more is kept");
  assert.deepEqual(buffer.take(), []);
});

/** An early observer as early.mjs keeps it, without a DOM: its buffer already holds ``kept``. */
function fakeEarly(kept, walk) {
  const buffer = createEarlyBuffer(1 << 20);
  kept.forEach((json, i) => buffer.push(json, i));
  const observer = { stopped: false, stop() { this.stopped = true; } };
  return { observer, buffer, href: location.href, open: null, lost: false, cancelled: false,
    started: Promise.resolve(walk), loaded: Promise.resolve() };
}

test("after the gate's yes the buffer goes to the worker in order, before anything observed later", async () => {
  const worker = fakeWorker({ observe: { actions: [], snapshots: 1, dropped: 0 } }, onWorkerMessage);
  connect(/** @type {any} */ (worker));
  const early = fakeEarly(['[{"n":1}]', '[{"n":2}]'], { buffered: true, snapshots: 0 });
  const send = (json) => call("observe", { events: json });
  const handedBefore = earlyStats().earlyHandedOver;
  const handed = await handOverEarly(early, send);
  assert.ok(handed && handed.observer === early.observer);
  const third = early.open('[{"n":3}]', 3); // the observer's next hand-over, after the switch
  assert.deepEqual((await handed.result), { snapshots: 2 });
  await third;
  assert.deepEqual(worker.sent.map((m) => m.payload.events), ['[{"n":1}]', '[{"n":2}]', '[{"n":3}]']);
  assert.equal(early.open, send, "the early observation is over: its hand-overs go straight to the worker");
  assert.equal(earlyStats().earlyHandedOver - handedBefore, 2);
  disconnect("test over");
});

test("a no from the gate (or Veil.stop()) discards the buffer unsent and stops the observer", async () => {
  const worker = fakeWorker({}, onWorkerMessage);
  connect(/** @type {any} */ (worker));
  const early = fakeEarly(['[{"n":1}]'], { buffered: true });
  const observer = early.observer;
  const discardedBefore = earlyStats().earlyDiscarded;
  discardEarly(early);
  await tick();
  assert.equal(observer.stopped, true);
  assert.equal(early.cancelled, true);
  assert.deepEqual(worker.sent, []);
  assert.equal(earlyStats().earlyDiscarded - discardedBefore, 1);
  assert.equal(await handOverEarly(early, () => Promise.resolve(null)), null, "nothing left to hand over");
  disconnect("test over");
});

test("a lost buffer hands nothing over: the caller starts afresh and the loss is reported", async () => {
  const early = fakeEarly([], null);
  early.lost = true;
  early.observer = null;
  const lostBefore = earlyLosses();
  assert.equal(await handOverEarly(early, () => Promise.reject(new Error("nothing may be sent"))), null);
  assert.equal(earlyLosses() - lostBefore, 1);
  reportedEarlyLosses(1); // the next batch reported it
  assert.equal(earlyLosses(), lostBefore);
});
