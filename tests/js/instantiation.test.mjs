// A Pyodide start whose WebAssembly cannot be instantiated: Pyodide 314 only prints it (console.warn)
// and never settles; the worker's start rejects with the browser's error instead of never ending.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FAILED_LINE, InstantiationError, failingFast } from "../../shim/worker/instantiation.mjs";

function fakeConsole() {
  const printed = [];
  return { printed, warn: (...args) => printed.push(args) };
}

// What Pyodide 314 does when WebAssembly.instantiate(Streaming) throws: two warnings, and a promise that never settles.
function pyodideThatCannotInstantiate(console, error) {
  return () =>
    new Promise(() => {
      setTimeout(() => {
        console.warn(FAILED_LINE);
        console.warn(error);
      }, 5);
    });
}

test("a start whose instantiation fails rejects with the browser's error, and the console is given back", async () => {
  const console = fakeConsole();
  const original = console.warn;
  const error = Object.assign(new Error("out of memory"), { name: "InternalError" });
  await assert.rejects(failingFast(pyodideThatCannotInstantiate(console, error), console), (err) => {
    assert.ok(err instanceof InstantiationError);
    assert.equal(err.name, "InstantiationError");
    assert.equal(err.message, "Pyodide could not instantiate its WebAssembly: InternalError: out of memory");
    return true;
  });
  assert.equal(console.warn, original, "the watch is undone");
  assert.deepEqual(console.printed, [[FAILED_LINE], [error]], "the warnings still reach the console");
});

test("a start that succeeds answers its runtime; other warnings pass through untouched and fail nothing", async () => {
  const console = fakeConsole();
  const original = console.warn;
  const runtime = await failingFast(async () => {
    console.warn("some other warning", 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { runtime: true };
  }, console);
  assert.deepEqual(runtime, { runtime: true });
  assert.deepEqual(console.printed, [["some other warning", 1]]);
  assert.equal(console.warn, original);
});

test("a start that throws or rejects on its own rejects with its own error", async () => {
  const console = fakeConsole();
  await assert.rejects(
    failingFast(() => {
      throw new Error("no loader");
    }, console),
    /no loader/,
  );
  await assert.rejects(
    failingFast(async () => {
      throw new Error("fetch failed");
    }, console),
    /fetch failed/,
  );
  assert.equal(console.warn.name, "warn");
});
