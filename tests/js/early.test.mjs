// Observing before the runtime is ready, under Node's own test runner: when the observer may start
// without Python, the buffer's bound, and that a "no" or a stop discards the buffer unsent.
import { fakeWorker, tick } from "./setup.mjs";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { createEarlyBuffer, discardEarly, earlyBound, handOverEarly, mayObserveEarly, DEFAULT_EARLY_BYTES } from "../../shim/veil/early.mjs";
import { call, onWorkerMessage } from "../../shim/veil/rpc.mjs";
import { state } from "../../shim/veil/state.mjs";

const quiet = { doNotTrack: null, globalPrivacyControl: false, storedConsent: null };

beforeEach(() => {
  state.early = null;
  state.earlyLost = 0;
  Object.assign(state.counters, { earlyBufferBytes: 0, earlyHandedOver: 0, earlyDiscarded: 0, earlyOverflows: 0 });
});

test("consent not required: the observer starts at init; opt-in waits for start() or a remembered yes", () => {
  assert.equal(mayObserveEarly({ consent: "not-required" }, "init", quiet), true);
  assert.equal(mayObserveEarly({}, "init", quiet), false, "opt-in is the default");
  assert.equal(mayObserveEarly({ consent: "opt-in" }, "start", quiet), true);
  const remembered = { ...quiet, storedConsent: "granted" };
  assert.equal(mayObserveEarly({ persistConsent: true }, "init", remembered), true);
  assert.equal(mayObserveEarly({ persistConsent: false }, "init", remembered), false, "a yes is remembered only with persistConsent");
});

test("Do-Not-Track and GPC keep the observer from starting, unless the site ignores them", () => {
  for (const signal of [{ doNotTrack: "1" }, { doNotTrack: "yes" }, { globalPrivacyControl: true }]) {
    const s = { ...quiet, ...signal };
    assert.equal(mayObserveEarly({ consent: "not-required" }, "init", s), false);
    assert.equal(mayObserveEarly({ consent: "opt-in" }, "start", s), false);
    assert.equal(mayObserveEarly({ consent: "not-required", respectDoNotTrack: false }, "init", s), true);
  }
  assert.equal(mayObserveEarly({ consent: "not-required" }, "init", { ...quiet, doNotTrack: "0" }), true);
});

test("under tcf, or with a consent mode the core will reject, nothing starts before the Python gate", () => {
  assert.equal(mayObserveEarly({ consent: "tcf" }, "init", quiet), false);
  assert.equal(mayObserveEarly({ consent: "tcf" }, "start", quiet), false);
  assert.equal(mayObserveEarly({ consent: "always" }, "start", quiet), false);
  assert.equal(mayObserveEarly(null, "init", quiet), false);
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
  state.worker = /** @type {any} */ (worker);
  const early = fakeEarly(['[{"n":1}]', '[{"n":2}]'], { buffered: true, snapshots: 0 });
  state.early = /** @type {any} */ (early);
  const send = (json) => call("observe", { events: json });
  const handed = await handOverEarly(send);
  assert.ok(handed && handed.observer === early.observer);
  early.open('[{"n":3}]', 3); // the observer's next hand-over, after the switch
  assert.deepEqual((await handed.result), { snapshots: 2 });
  assert.deepEqual(worker.sent.map((m) => m.payload.events), ['[{"n":1}]', '[{"n":2}]', '[{"n":3}]']);
  assert.equal(state.early, null);
  assert.equal(state.counters.earlyHandedOver, 2);
  state.worker = null;
});

test("a no from the gate (or Veil.stop()) discards the buffer unsent and stops the observer", async () => {
  const worker = fakeWorker({}, onWorkerMessage);
  state.worker = /** @type {any} */ (worker);
  const early = fakeEarly(['[{"n":1}]'], { buffered: true });
  const observer = early.observer;
  state.early = /** @type {any} */ (early);
  discardEarly();
  await tick();
  assert.equal(observer.stopped, true);
  assert.equal(state.early, null);
  assert.deepEqual(worker.sent, []);
  assert.equal(state.counters.earlyDiscarded, 1);
  assert.equal(await handOverEarly(() => Promise.resolve(null)), null, "nothing left to hand over");
  state.worker = null;
});

test("a lost buffer hands nothing over: the caller starts afresh and the loss is reported", async () => {
  const early = fakeEarly([], null);
  early.lost = true;
  early.observer = null;
  state.early = /** @type {any} */ (early);
  assert.equal(await handOverEarly(() => Promise.reject(new Error("nothing may be sent"))), null);
  assert.equal(state.earlyLost, 1);
});
