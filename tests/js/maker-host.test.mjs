// The runtime snapshot's maker, started by the page on its worker's word (shim/worker/maker.mjs
// makerThroughPage, shim/veil/maker-host.mjs), under Node's test runner with stand-in workers: the
// worker asks, the page starts one maker at a time, relays its one outcome (bytes transferred)
// and ends it; "end", the worker's end or a refused start leave nothing running or waiting.
import assert from "node:assert/strict";
import { test } from "node:test";
import { hostMaker } from "../../shim/veil/maker-host.mjs";
import { makerThroughPage, runMaker } from "../../shim/worker/maker.mjs";

/** Stand-in Worker constructor: records every maker the page starts. */
function fakeWorkers({ refuse = false } = {}) {
  const started = [];
  globalThis.Worker = class {
    constructor(url, options) {
      if (refuse) throw new DOMException("refused by worker-src", "SecurityError");
      Object.assign(this, { url, options, terminated: false, onmessage: null, onerror: null });
      started.push(this);
    }
    terminate() {
      this.terminated = true;
    }
  };
  return started;
}

/** The page's worker as the page sees it: what the page posts to it. */
function pageWorker() {
  const got = [];
  return { got, postMessage: (message, transfer) => got.push({ message, transfer }) };
}

test("the worker's stand-in asks the page to start and end the maker, and hands on the outcome the page relays", () => {
  const notices = [];
  const pageMaker = makerThroughPage({ postMessage: (m) => notices.push(m) });
  const standIn = pageMaker.spawn();
  const outcomes = [];
  standIn.onmessage = (e) => outcomes.push(e.data);
  assert.deepEqual(notices, [{ maker: "start" }]);
  assert.equal(pageMaker.takes({ id: 3, ok: true }), false, "an answer to a call is not the maker's");
  assert.equal(pageMaker.takes({ makerOutcome: { ok: true, ms: 5 } }), true);
  assert.deepEqual(outcomes, [{ ok: true, ms: 5 }]);
  standIn.terminate();
  standIn.terminate();
  assert.deepEqual(notices, [{ maker: "start" }, { maker: "end" }], "ended once");
  assert.equal(pageMaker.takes({ makerOutcome: { ok: true } }), true, "a late outcome is taken, and goes nowhere");
  assert.equal(outcomes.length, 1);
});

test("the page starts the snapshot worker it was asked for, relays its outcome with the bytes transferred, and ends it", () => {
  const started = fakeWorkers();
  const worker = pageWorker();
  const host = hostMaker(worker, "https://site.example/veil/runtime-x/veil-snapshot-worker.mjs");
  assert.equal(host.takes({ stats: {} }), false);
  assert.equal(host.takes({ maker: "start" }), true);
  assert.equal(started.length, 1);
  assert.equal(started[0].url, "https://site.example/veil/runtime-x/veil-snapshot-worker.mjs");
  assert.deepEqual(started[0].options, { type: "module", name: "veil-snapshot" });
  const body = new Uint8Array([1, 2, 3]);
  const outcome = { ok: true, packed: { body }, ms: 9 };
  started[0].onmessage({ data: outcome });
  assert.equal(started[0].terminated, true, "one outcome, then it is ended");
  assert.deepEqual(worker.got, [{ message: { makerOutcome: outcome }, transfer: [body.buffer] }]);
});

test("a second start ends the first; 'end' and the worker's end terminate the one running; a refused start is a failure told", () => {
  const started = fakeWorkers();
  const worker = pageWorker();
  const host = hostMaker(worker, "maker.mjs");
  host.takes({ maker: "start" });
  host.takes({ maker: "start" });
  assert.deepEqual(
    started.map((w) => w.terminated),
    [true, false],
  );
  started[0].onmessage({ data: { ok: true } }); // the ended one's late outcome: ignored
  assert.deepEqual(worker.got, []);
  host.takes({ maker: "end" });
  assert.equal(started[1].terminated, true);
  host.takes({ maker: "start" });
  host.end();
  assert.equal(started[2].terminated, true);
  started[2].onerror();
  assert.deepEqual(worker.got, [], "nothing is told of a maker already ended");

  fakeWorkers({ refuse: true });
  const refused = pageWorker();
  hostMaker(refused, "maker.mjs").takes({ maker: "start" });
  assert.deepEqual(
    refused.got.map((g) => g.message),
    [{ makerOutcome: { ok: false, reason: "refused" } }],
    "a maker the page cannot start is refused, as runMaker says of a Worker it cannot start",
  );
});

test("end to end: runMaker in the worker, the maker started by the page, the outcome back to the worker", async () => {
  const started = fakeWorkers();
  /** @type {any} */
  let pageMaker;
  const worker = { postMessage: (message) => queueMicrotask(() => pageMaker.takes(message)) }; // page -> worker
  const host = hostMaker(worker, "maker.mjs");
  pageMaker = makerThroughPage({ postMessage: (m) => queueMicrotask(() => host.takes(m)) }); // worker -> page
  const run = runMaker({ spawn: pageMaker.spawn, timeoutMs: 1000 });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(started.length, 1);
  started[0].onmessage({ data: { ok: true, ms: 3 } });
  assert.deepEqual(await run.done, { ok: true, ms: 3 });

  const failing = runMaker({ spawn: pageMaker.spawn, timeoutMs: 1000 });
  await new Promise((resolve) => setTimeout(resolve, 0));
  started[1].onerror();
  assert.deepEqual(await failing.done, { ok: false, reason: "failed" });
});
