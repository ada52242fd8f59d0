// The memory snapshot's rules under Node's own test runner, with a stand-in for Cache Storage and
// for Pyodide: what is read back, what is deleted, and that every failure is a plain boot with its
// reason (never a throw), within its timeout. The browser tests run the real thing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bootRuntime } from "../../shim/worker/boot.mjs";
import { runMaker } from "../../shim/worker/maker.mjs";
import { CACHE_NAME, readSnapshot, snapshotKey, storeSnapshot } from "../../shim/worker/store.mjs";
import { fakeCaches as sharedFakeCaches } from "./fake-caches.mjs";

const KEY = snapshotKey("https://shop.example/static/veil/runtime-0123456789ab/veil-worker.mjs");
const OTHER = snapshotKey("https://shop.example/static/veil/runtime-ba9876543210/veil-worker.mjs");
// Four pages and a part: the second and the fourth all zeros (a runtime's memory is mostly zeros).
const SNAPSHOT = new Uint8Array(4 * 4096 + 1000).map((_, i) => (Math.floor(i / 4096) % 2 === 1 ? 0 : 1 + ((i * 7) % 251)));
const never = () => new Promise(() => {});

/** Cache Storage in memory; ``faults`` replace its methods (open, match, put) to fail or hang. */
const fakeCaches = (faults = {}) => sharedFakeCaches({ name: CACHE_NAME, faults });

async function stored(bytes = SNAPSHOT) {
  const caches = fakeCaches();
  assert.deepEqual(await storeSnapshot({ caches, key: KEY, bytes, timeoutMs: 1000 }), { ok: true, storedBytes: caches.cache.entries.get(KEY).body.byteLength });
  return caches;
}

test("a stored snapshot is read back byte for byte, stored without its zero pages; none stored is missing", async () => {
  const caches = await stored();
  // three pages kept (the last one padded), two left out, 8 + 3 * 4 bytes of header
  assert.equal(caches.cache.entries.get(KEY).body.byteLength, 8 + 3 * 4 + 3 * 4096);
  assert.deepEqual((await readSnapshot({ caches, key: KEY, timeoutMs: 1000 })).bytes, SNAPSHOT);
  assert.equal((await readSnapshot({ caches: fakeCaches(), key: KEY, timeoutMs: 1000 })).reason, "missing");
});

test("storing a snapshot deletes those of other runtimes", async () => {
  const caches = await stored();
  await storeSnapshot({ caches, key: OTHER, bytes: SNAPSHOT, timeoutMs: 1000 });
  assert.deepEqual([...caches.cache.entries.keys()], [OTHER]);
});

test("a corrupt, truncated or wrongly sized entry is corrupt, and deleted", async () => {
  for (const spoil of [(b) => b.map((x) => x ^ 0xff), (b) => b.subarray(0, b.length >> 1), (b) => b.subarray(0, 0)]) {
    const caches = await stored();
    const entry = caches.cache.entries.get(KEY);
    entry.body = spoil(entry.body);
    assert.equal((await readSnapshot({ caches, key: KEY, timeoutMs: 1000 })).reason, "corrupt");
    assert.equal(caches.cache.entries.size, 0);
  }
  const _caches = await stored();
  for (const size of ["4100", String(SNAPSHOT.byteLength + 4), "0", "x"]) {
    const caches = await stored();
    caches.cache.entries.get(KEY).headers.set("X-Veil-Snapshot-Bytes", size);
    assert.equal((await readSnapshot({ caches, key: KEY, timeoutMs: 1000 })).reason, "corrupt", size);
  }
  const flipped = await stored(); // one byte of a kept page: the digest catches it
  flipped.cache.entries.get(KEY).body[9000] ^= 1;
  assert.equal((await readSnapshot({ caches: flipped, key: KEY, timeoutMs: 1000 })).reason, "corrupt");
});

test("an entry made by another runtime or in another format is a mismatch, and deleted", async () => {
  const caches = await stored();
  caches.cache.entries.get(KEY).headers.set("X-Veil-Snapshot-Of", "runtime-ba9876543210");
  assert.equal((await readSnapshot({ caches, key: KEY, timeoutMs: 1000 })).reason, "mismatch");
  assert.equal(caches.cache.entries.size, 0);
  const gzipped = await stored(); // stored by an older Veil, in another format
  gzipped.cache.entries.get(KEY).headers.set("X-Veil-Snapshot-Format", "gzip");
  assert.equal((await readSnapshot({ caches: gzipped, key: KEY, timeoutMs: 1000 })).reason, "mismatch");
});

test("storage that is missing, throws or hangs: refused or timeout, never a throw", async () => {
  const refused = {
    open: async () => {
      throw new DOMException("denied", "SecurityError");
    },
  };
  for (const [caches, reason] of [
    [undefined, "refused"],
    [null, "refused"],
    [fakeCaches(refused), "refused"],
    [fakeCaches({ open: never }), "timeout"],
    [fakeCaches({ match: never }), "timeout"],
  ]) {
    assert.equal((await readSnapshot({ caches, key: KEY, timeoutMs: 20 })).reason, reason);
  }
  const quota = fakeCaches({
    put: async () => {
      throw new DOMException("full", "QuotaExceededError");
    },
  });
  assert.deepEqual(await storeSnapshot({ caches: quota, key: KEY, bytes: SNAPSHOT, timeoutMs: 1000 }), { ok: false, reason: "quota" });
  assert.deepEqual(await storeSnapshot({ caches: undefined, key: KEY, bytes: SNAPSHOT, timeoutMs: 1000 }), { ok: false, reason: "refused" });
  assert.deepEqual(await storeSnapshot({ caches: fakeCaches({ put: never }), key: KEY, bytes: SNAPSHOT, timeoutMs: 20 }), { ok: false, reason: "timeout" });
});

/** A Pyodide stand-in: loadPyodide(options) answers a runtime, or what ``fromSnapshot`` says. */
function fakePyodide(fromSnapshot) {
  const calls = [];
  const given = []; // the snapshot arrays, as Pyodide has them when it restores one
  const runtime = (kind) => ({ kind, pyimport: (name) => ({ name, kind }) });
  const loadPyodide = async (options) => {
    calls.push(options);
    if (!options._loadSnapshot) return runtime("plain");
    const bytes = await options._loadSnapshot; // sizes the memory; filled in once fsInit is done
    if (options.fsInit) await options.fsInit();
    given.push(bytes);
    if (!bytes[0]) throw new Error("Snapshot has invalid magic number"); // as Pyodide checks
    return fromSnapshot(bytes);
  };
  const env = (caches) => ({
    loadPyodide: async () => loadPyodide,
    options: (extra) => ({ indexURL: "x/", ...extra }),
    installWheel: async (py) => (py.wheel = true),
    caches,
    key: KEY,
    readTimeoutMs: 50,
    snapshotBootTimeoutMs: 50,
  });
  return { calls, given, env, runtime };
}

test("a usable snapshot boots the runtime from it, with the same options as a plain boot", async () => {
  const py = fakePyodide((bytes) => ({ ...py.runtime("snapshot"), bytes }));
  const booted = await bootRuntime(py.env(await stored()));
  assert.equal(booted.kind, "snapshot");
  assert.equal(booted.fallback, null);
  assert.deepEqual(booted.pyodide.bytes, SNAPSHOT);
  assert.deepEqual(
    py.calls.map((o) => o.indexURL),
    ["x/"],
  );
  assert.equal(booted.bridge.name, "veil.bridge");
});

test("Pyodide starts loading once an entry is found, before it is read back; a corrupt one is abandoned for a plain boot", async () => {
  const caches = await stored();
  const order = [];
  const match = caches.cache.match;
  caches.cache.match = async (key) => {
    const response = await match(key);
    const read = response.arrayBuffer.bind(response);
    response.arrayBuffer = async () => {
      const bytes = await read();
      await new Promise((resolve) => setTimeout(resolve, 20)); // a slow disk
      order.push("read");
      return bytes;
    };
    return response;
  };
  const py = fakePyodide((bytes) => ({ ...py.runtime("snapshot"), bytes }));
  const env = py.env(caches);
  const loadPyodide = await env.loadPyodide();
  env.loadPyodide = async () => async (options) => {
    order.push(options._loadSnapshot ? "load from snapshot" : "load plain");
    return loadPyodide(options);
  };
  assert.equal((await bootRuntime(env)).kind, "snapshot");
  assert.deepEqual(order, ["load from snapshot", "read"]);

  const spoilt = await stored();
  spoilt.cache.entries.get(KEY).body[9000] ^= 1;
  const plain = fakePyodide((bytes) => ({ ...plain.runtime("snapshot"), bytes }));
  const booted = await bootRuntime(plain.env(spoilt));
  assert.deepEqual([booted.kind, booted.fallback, booted.pyodide.wheel], ["plain", "corrupt", true]);
  assert.deepEqual(
    plain.calls.map((o) => "_loadSnapshot" in o),
    [true, false],
  );
  await new Promise((resolve) => setTimeout(resolve, 10)); // the abandoned load has reached its restore
  // Nothing of the corrupt entry was put into the array Pyodide holds: it refuses all zeros.
  assert.equal(plain.given.length, 1);
  assert.ok(plain.given[0].every((b) => b === 0));
});

test("a snapshot Pyodide refuses, that hangs or that the browser cannot instantiate means a plain boot with its reason; only a refused one is deleted", async () => {
  for (const [fromSnapshot, reason, kept] of [
    [
      () => {
        throw new Error("Snapshot build id mismatch\nexpected: a\ngot: b");
      },
      "mismatch",
      false,
    ],
    [
      () => {
        throw new Error("RuntimeError: memory access out of bounds");
      },
      "failed",
      false,
    ],
    [never, "timeout", true],
    [
      () => {
        throw Object.assign(new Error("Pyodide could not instantiate its WebAssembly: InternalError: out of memory"), { name: "InstantiationError" });
      },
      "failed",
      true,
    ],
  ]) {
    const caches = await stored();
    const py = fakePyodide(fromSnapshot);
    const booted = await bootRuntime(py.env(caches));
    assert.deepEqual([booted.kind, booted.fallback, booted.pyodide.wheel], ["plain", reason, true]);
    assert.equal(caches.cache.entries.has(KEY), kept);
  }
  const booted = await bootRuntime(fakePyodide(never).env(undefined));
  assert.deepEqual([booted.kind, booted.fallback], ["plain", "refused"]);
});

test("the snapshot worker's outcome is awaited within a timeout, and the worker always ended", async () => {
  const ended = [];
  const worker = (answer) => () => {
    const w = { terminate: () => ended.push(answer) };
    if (answer) setTimeout(() => w.onmessage({ data: answer }), 5);
    return w;
  };
  assert.deepEqual(await runMaker({ spawn: worker({ ok: true, storedBytes: 9 }), timeoutMs: 1000 }).done, { ok: true, storedBytes: 9 });
  assert.deepEqual(await runMaker({ spawn: worker(null), timeoutMs: 20 }).done, { ok: false, reason: "timeout" });
  assert.deepEqual(
    await runMaker({
      spawn: () => {
        throw new Error("no nested workers");
      },
    }).done,
    { ok: false, reason: "refused" },
  );
  const cancelled = runMaker({ spawn: worker(null), timeoutMs: 1000 });
  cancelled.cancel();
  assert.deepEqual(await cancelled.done, { ok: false, reason: "cancelled" });
  assert.equal(ended.length, 3);
});
