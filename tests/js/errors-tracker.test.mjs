// The error tracker's pure pieces under Node's own test runner: what is read of a thrown value
// (never the page's toString, a throwing getter skipped), and the flood bound.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ERROR_TAG } from "../../shim/generated/contract.mjs";
import { captureReason, describeThrown, emitError } from "../../shim/observer/trackers/errors.mjs";

test("an error gives its name, message and stack as strings; other values only their type", () => {
  const err = new TypeError("Invalid date provided: 1985");
  const d = describeThrown("error", err);
  assert.equal(d.type, "TypeError");
  assert.equal(d.message, "Invalid date provided: 1985");
  assert.match(d.stack, /errors-tracker\.test\.mjs/);
  let called = false;
  const sneaky = {
    toString() {
      called = true;
      return "secret";
    },
  };
  assert.deepEqual(describeThrown("unhandledrejection", sneaky), { kind: "unhandledrejection", type: "object", message: "", stack: "" });
  assert.equal(called, false, "the page's toString is never called");
  assert.equal(describeThrown("unhandledrejection", "plain text").message, "plain text");
  const hostile = {
    get message() {
      throw new Error("no");
    },
    stack: "at x (y.js:1:1)",
  };
  assert.equal(describeThrown("error", hostile).message, "");
  assert.equal(describeThrown("error", new Error("x".repeat(5000))).message.length, 1000);
});

test("a page that throws in a loop is bounded, and the rest is counted in the next one", () => {
  const emitted = [];
  const ctx = {
    queue: {
      emit: (event) => {
        emitted.push(event);
        return Promise.resolve({});
      },
    },
  };
  const realNow = Date.now;
  let now = 1_000_000;
  Date.now = () => now;
  try {
    for (let i = 0; i < 25; i++) emitError(ctx, { kind: "error", type: "Error", message: "", stack: "" });
    assert.equal(emitted.length, 20);
    now += 10_000; // a new window: the next one reports the 5 left out
    emitError(ctx, { kind: "error", type: "Error", message: "", stack: "" });
    assert.equal(emitted.length, 21);
    assert.equal(emitted[20].data.payload.suppressed, 5);
    for (let i = 0; i < 25; i++) emitError(ctx, { kind: "error", type: "Error", message: "", stack: "" });
    captureReason(ctx, "still recorded"); // a capture is never bounded, and carries the count
    assert.equal(emitted.length, 41);
    assert.equal(emitted[40].data.payload.kind, "capture");
    assert.equal(emitted[40].data.payload.suppressed, 6);
    assert.ok(emitted.every((e) => e.data.tag === ERROR_TAG));
  } finally {
    Date.now = realNow;
  }
});
