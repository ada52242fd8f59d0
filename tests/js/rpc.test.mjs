// The page's link to the worker under Node's test runner: while a call waits the worker has a
// deadline, counted from the last thing it said, and a worker that lets it pass is ended, so nothing
// on the page waits for ever on a stuck worker (and a backlog it works through is no hang).
import "./setup.mjs";
import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { ANSWER_MS, BOOT_ANSWER_MS, call, connect, connected, disconnect, onWorkerMessage, bootStats } from "../../shim/veil/rpc.mjs";

/** A worker that reads every message and answers none (a boot that never ends, a stuck step). */
function silentWorker() {
  const link = { sent: /** @type {any[]} */ ([]), terminated: 0 };
  return Object.assign(link, {
    postMessage: (/** @type {any} */ msg) => link.sent.push(msg),
    terminate: () => {
      link.terminated += 1;
    },
  });
}

/** @param {Promise<unknown>} promise */
function settled(promise) {
  const state = { done: false, error: /** @type {Error | null} */ (null), value: /** @type {unknown} */ (undefined) };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error) => Object.assign(state, { done: true, error }),
  );
  return state;
}

const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

test("a call the worker never answers rejects at its deadline, naming the message; the worker is ended and every other call rejects", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const worker = silentWorker();
  const hung = /** @type {string[]} */ ([]);
  connect(/** @type {any} */ (worker), (reason) => hung.push(reason));
  const before = bootStats().workerTimeouts;
  const observe = settled(call("observe", { events: "[]" }));
  t.mock.timers.tick(ANSWER_MS / 2);
  const tick = settled(call("tick", { now: 0, active: false }));
  t.mock.timers.tick(ANSWER_MS / 2 - 1);
  await flushMicrotasks();
  assert.equal(observe.done, false, "still within its deadline");
  t.mock.timers.tick(1);
  await flushMicrotasks();
  assert.match(String(observe.error && observe.error.message), /said nothing for 60 s while "observe" waited/);
  assert.ok(tick.error, "a call made after it on the same stuck worker is not left waiting");
  assert.equal(worker.terminated, 1);
  assert.equal(connected(), false);
  assert.equal(bootStats().workerTimeouts - before, 1);
  assert.deepEqual(hung, [observe.error && observe.error.message], "the link's owner is told once");
  await assert.rejects(call("tick", { now: 0, active: false }), /not running/, "later calls reject at once");
});

test("the boot (configure) has the longer deadline", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const worker = silentWorker();
  connect(/** @type {any} */ (worker), () => {});
  const configure = settled(call("configure", { config: "{}", siteTextUrl: null, ahead: false }));
  t.mock.timers.tick(ANSWER_MS);
  await flushMicrotasks();
  assert.equal(configure.done, false, "a slow boot is not a stuck one");
  t.mock.timers.tick(BOOT_ANSWER_MS - ANSWER_MS);
  await flushMicrotasks();
  assert.match(String(configure.error && configure.error.message), /said nothing for 150 s while "configure" waited/);
  assert.equal(worker.terminated, 1);
});

test("an answer in time clears its deadline; a late answer finds nothing waiting", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const worker = silentWorker();
  const hung = /** @type {string[]} */ ([]);
  connect(/** @type {any} */ (worker), (reason) => hung.push(reason));
  const before = bootStats().workerTimeouts;
  const answered = settled(call("gate", { facts: /** @type {any} */ ({}) }));
  onWorkerMessage(/** @type {any} */ ({ data: { id: worker.sent[0].id, ok: true, result: { record: true } } }));
  t.mock.timers.tick(ANSWER_MS * 3);
  await flushMicrotasks();
  assert.deepEqual(answered.value, { record: true });
  assert.deepEqual(hung, [], "an answered call never counts as stuck");
  assert.equal(bootStats().workerTimeouts, before);
  assert.equal(connected(), true);
  disconnect("test over");
  const late = settled(call("tick", { now: 0, active: false }));
  await flushMicrotasks();
  assert.ok(late.error, "no worker: at once");
  onWorkerMessage(/** @type {any} */ ({ data: { id: worker.sent[0].id, ok: true, result: null } })); // ignored
  mock.timers.reset();
});

test("a worker working through a backlog is not hung: the deadline counts from the last thing it said", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const worker = silentWorker();
  const hung = /** @type {string[]} */ ([]);
  connect(/** @type {any} */ (worker), (reason) => hung.push(reason));
  const calls = [1, 2, 3, 4].map(() => settled(call("observe", { events: "[]" })));
  // Each answer comes 40 s after the one before: the last waits 160 s, yet the worker never went quiet.
  for (const sent of worker.sent) {
    t.mock.timers.tick(ANSWER_MS - 20000);
    onWorkerMessage(/** @type {any} */ ({ data: { id: sent.id, ok: true, result: null } }));
  }
  await flushMicrotasks();
  assert.deepEqual(
    calls.map((c) => c.error),
    [null, null, null, null],
  );
  assert.deepEqual(hung, []);
  t.mock.timers.tick(ANSWER_MS * 2);
  assert.equal(connected(), true, "nothing waits: no deadline");
  const quiet = settled(call("tick", { now: 0, active: false }));
  t.mock.timers.tick(ANSWER_MS);
  await flushMicrotasks();
  assert.ok(quiet.error && hung.length === 1, "silent while a call waits: hung");
  mock.timers.reset();
});
