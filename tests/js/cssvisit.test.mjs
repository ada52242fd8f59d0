// The visit's masked stylesheets in Cache Storage (shim/worker/cssvisit.mjs) under Node's own
// test runner, with a stand-in for Cache Storage: what a page view reads back (its visit's, fresh
// enough, whole), what is kept (bounded), and that nothing throws. The browser tests run the real thing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CACHE_NAME, MAX_AGE_MS, MAX_CHARS, MAX_ENTRIES, baseOf, clearVisit, readVisit, scopeOf, storeVisit } from "../../shim/worker/cssvisit.mjs";
import { fakeCaches as sharedFakeCaches } from "./fake-caches.mjs";

const BASE = baseOf("https://shop.example/static/veil/runtime-0123456789ab/veil-worker.mjs");
const digest = (i) => i.toString(16).padStart(32, "0");
const NOW = 1_700_000_000_000;

const fakeCaches = (faults = {}) => sharedFakeCaches({ name: CACHE_NAME, text: true, faults });

test("a visit's scope is a digest of its session, never the session itself", async () => {
  const scope = await scopeOf("0123456789abcdef0123456789abcdef");
  assert.match(scope, /^[0-9a-f]{16}$/);
  assert.notEqual(scope, await scopeOf("0123456789abcdef0123456789abcdee"));
  assert.equal(scope, await scopeOf("0123456789abcdef0123456789abcdef"));
});

test("what a page view stores, the next page view of the same visit reads back; another visit reads nothing", async () => {
  const caches = fakeCaches();
  const entries = [
    [digest(1), "a{b:c}"],
    [digest(2), 'p::before{content:"***"}'],
  ];
  assert.equal(await storeVisit({ caches, base: BASE, scope: "aaaa", entries, now: NOW }), 2);
  const back = await readVisit({ caches, base: BASE, scope: "aaaa", now: NOW + 1000 });
  assert.deepEqual(back.sort(), entries.sort());
  assert.deepEqual(await readVisit({ caches, base: BASE, scope: "bbbb", now: NOW + 1000 }), []);
  assert.equal(caches.cache.entries.size, 2); // another tab's visit is left alone
  for (const url of caches.cache.entries.keys()) assert.ok(url.startsWith(BASE + "aaaa/"), url);
});

test("entries too old, not of this form, or cut short are deleted and not read", async () => {
  const caches = fakeCaches();
  await storeVisit({
    caches,
    base: BASE,
    scope: "aaaa",
    entries: [
      [digest(1), "a{b:c}"],
      [digest(2), "d{e:f}"],
    ],
    now: NOW,
  });
  caches.cache.entries.get(BASE + "aaaa/" + digest(2)).body = "d{e:"; // shorter than stored
  await caches.cache.put(BASE + "aaaa/not-a-digest", new Response("x", { headers: { "X-Veil-Stored": String(NOW), "X-Veil-Chars": "1" } }));
  assert.deepEqual(await readVisit({ caches, base: BASE, scope: "aaaa", now: NOW + 1 }), [[digest(1), "a{b:c}"]]);
  assert.deepEqual([...caches.cache.entries.keys()], [BASE + "aaaa/" + digest(1)]);
  assert.deepEqual(await readVisit({ caches, base: BASE, scope: "aaaa", now: NOW + MAX_AGE_MS + 1 }), []);
  assert.equal(caches.cache.entries.size, 0);
});

test("what is stored stays bounded: the oldest entries go first", async () => {
  const caches = fakeCaches();
  for (let i = 0; i < MAX_ENTRIES + 5; i++) {
    await storeVisit({ caches, base: BASE, scope: i % 2 ? "aaaa" : "bbbb", entries: [[digest(i), "x"]], now: NOW + i });
  }
  assert.equal(caches.cache.entries.size, MAX_ENTRIES);
  assert.ok(!caches.cache.entries.has(BASE + "bbbb/" + digest(0)));
  const big = "y".repeat(MAX_CHARS / 2);
  await storeVisit({
    caches,
    base: BASE,
    scope: "aaaa",
    entries: [
      [digest(900), big],
      [digest(901), big],
    ],
    now: NOW + 1000,
  });
  const chars = [...caches.cache.entries.values()].reduce((n, e) => n + e.body.length, 0);
  assert.ok(chars <= MAX_CHARS, String(chars));
  // Larger than the whole bound, or not a digest: not stored.
  assert.equal(
    await storeVisit({
      caches,
      base: BASE,
      scope: "aaaa",
      entries: [
        [digest(902), "z".repeat(MAX_CHARS + 1)],
        ["../x", "a"],
      ],
      now: NOW,
    }),
    0,
  );
});

test("Veil.stop() deletes everything; a failing or missing Cache Storage never throws", async () => {
  const caches = fakeCaches();
  await storeVisit({ caches, base: BASE, scope: "aaaa", entries: [[digest(1), "a{b:c}"]], now: NOW });
  assert.equal(await clearVisit({ caches }), true);
  assert.equal(caches.cache.entries.size, 0);
  const broken = fakeCaches({
    open: async () => {
      throw new Error("refused");
    },
  });
  assert.deepEqual(await readVisit({ caches: broken, base: BASE, scope: "aaaa" }), []);
  assert.equal(await storeVisit({ caches: broken, base: BASE, scope: "aaaa", entries: [[digest(1), "a"]] }), 0);
  assert.deepEqual(await readVisit({ caches: null, base: BASE, scope: "aaaa" }), []);
  assert.equal(await clearVisit({ caches: null }), false);
  const full = fakeCaches({
    put: async () => {
      const e = new Error("full");
      e.name = "QuotaExceededError";
      throw e;
    },
  });
  assert.equal(await storeVisit({ caches: full, base: BASE, scope: "aaaa", entries: [[digest(1), "a"]] }), 0);
});
