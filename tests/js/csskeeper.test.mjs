// The worker's side of the visit's stylesheets (shim/worker/csskeeper.mjs) under Node's test
// runner, with stand-ins for Cache Storage and the core: what a recording's core is given, what is
// stored and counted after a hand-over, that Veil.stop() leaves nothing stored (a store queued
// before it included), and that a cache that hangs holds a hand-over up for WAIT_MS at most.
import assert from "node:assert/strict";
import { test } from "node:test";
import { WAIT_MS, cssKeeper } from "../../shim/worker/csskeeper.mjs";
import { CACHE_NAME } from "../../shim/worker/cssvisit.mjs";
import { fakeCaches as sharedFakeCaches } from "./fake-caches.mjs";

const WORKER_URL = "https://shop.example/static/veil/runtime-0123456789ab/veil-worker.mjs";
const SESSION = "0123456789abcdef0123456789abcdef";
const digest = (i) => i.toString(16).padStart(32, "0");

const fakeCaches = () => sharedFakeCaches({ name: CACHE_NAME, text: true });

function fakeCore(fresh = [], counts = { masked: 0, reused: 0 }) {
  const core = {
    preloaded: [],
    fresh,
    counts,
    css_preload: (json) => {
      core.preloaded.push(...JSON.parse(json));
      return 0;
    },
    css_fresh: () => {
      const out = JSON.stringify(core.fresh);
      core.fresh = [];
      return out;
    },
    css_stats: () => {
      const out = JSON.stringify(core.counts);
      core.counts = { masked: 0, reused: 0 };
      return out;
    },
  };
  return core;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

test("what one page view masked anew, the next view of the visit is given before its first hand-over", async () => {
  const caches = fakeCaches();
  const counted = [];
  const first = fakeCore([[digest(1), "a{b:c}"]], { masked: 1, reused: 0 });
  const one = cssKeeper({ caches: () => caches, workerUrl: WORKER_URL, core: () => first, onCounts: (c) => counted.push(c) });
  one.begin(SESSION);
  await one.loaded();
  one.masked();
  await settle();
  assert.deepEqual(counted, [{ masked: 1, reused: 0 }]);
  assert.equal(caches.cache.entries.size, 1);

  const second = fakeCore();
  const two = cssKeeper({ caches: () => caches, workerUrl: WORKER_URL, core: () => second, onCounts: () => {} });
  two.begin(SESSION);
  await two.loaded();
  assert.deepEqual(second.preloaded, [[digest(1), "a{b:c}"]]);
  assert.equal(two.loaded(), null); // waited for once per recording

  const other = fakeCore();
  const three = cssKeeper({ caches: () => caches, workerUrl: WORKER_URL, core: () => other, onCounts: () => {} });
  three.begin("fedcba9876543210fedcba9876543210");
  await three.loaded();
  assert.deepEqual(other.preloaded, []); // another visit's stylesheets are not its own
});

test("Veil.stop() deletes every stored stylesheet, and a store queued just before it never happens", async () => {
  const caches = fakeCaches();
  const core = fakeCore([[digest(1), "a{b:c}"]]);
  const keeper = cssKeeper({ caches: () => caches, workerUrl: WORKER_URL, core: () => core, onCounts: () => {} });
  keeper.begin(SESSION);
  await keeper.loaded();
  keeper.masked();
  await settle();
  assert.equal(caches.cache.entries.size, 1);
  core.fresh = [[digest(2), "d{e:f}"]];
  keeper.masked(); // queued, not yet begun when the stop comes
  keeper.clear();
  await settle();
  assert.equal(caches.cache.entries.size, 0);
  assert.equal(caches.cache.puts, 1); // the queued store was skipped, not written then deleted
  core.fresh = [[digest(3), "g{h:i}"]];
  keeper.masked(); // after stop: no visit, nothing stored
  await settle();
  assert.equal(caches.cache.entries.size, 0);
});

test("a cache that never answers holds the first hand-over up for WAIT_MS at most", async () => {
  const hanging = { open: () => new Promise(() => {}), delete: () => new Promise(() => {}) };
  const core = fakeCore();
  const keeper = cssKeeper({ caches: () => hanging, workerUrl: WORKER_URL, core: () => core, onCounts: () => {} });
  keeper.begin(SESSION);
  const started = Date.now();
  await keeper.loaded();
  const waited = Date.now() - started;
  assert.ok(waited >= WAIT_MS - 20 && waited < WAIT_MS + 1500, String(waited));
  assert.deepEqual(core.preloaded, []);
});
