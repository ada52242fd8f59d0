// The observer's hand-over queue under Node's own test runner (no browser): events held during a
// snapshot walk follow in order, and an event that names page nodes reads their ids when it joins
// a hand-over (after the walk numbered them), not when it happened.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createQueue } from "../../shim/observer/queue.mjs";

function fakeObserver() {
  const ids = new Map(); // node -> id, as the walk numbers them
  const posted = [];
  const errors = [];
  const ctx = /** @type {any} */ ({
    walk: null,
    takeRecords: () => [],
    timed: (_name, fn) => fn(),
    guard:
      (fn) =>
      (...args) => {
        try {
          return fn(...args);
        } catch (err) {
          errors.push(err);
        }
      },
    onError: (err) => errors.push(err),
  });
  const post = (json) => {
    posted.push(...JSON.parse(json));
    return Promise.resolve(null);
  };
  ctx.queue = createQueue(ctx, post, 10_000);
  const clickOn = (node, timestamp) => () => ({ type: 3, data: { source: 2, type: 2, id: ids.has(node) ? ids.get(node) : -1 }, timestamp });
  return { ctx, ids, posted, errors, clickOn };
}

test("an event built late reads its node's id when it joins the hand-over", async () => {
  const { ctx, ids, posted, clickOn } = fakeObserver();
  const button = { name: "button" };
  ids.set(button, 7);
  ctx.queue.emit(clickOn(button, 1));
  ids.set(button, 8); // what a later change would do: too late for an event already handed in
  await ctx.queue.drain();
  assert.deepEqual(
    posted.map((e) => e.data.id),
    [7],
  );
});

test("during a walk every event is held, and one naming a node the walk had not reached names it as the walk numbered it", async () => {
  const { ctx, ids, posted, clickOn } = fakeObserver();
  const body = { name: "body" };
  const button = { name: "button" };
  ids.set(body, 5); // walked; the button is not yet
  const walk = { held: [], finished: Promise.resolve(null) };
  ctx.walk = walk;
  ctx.queue.emit({ type: 5, data: { tag: "plain" }, timestamp: 1 });
  ctx.queue.emit(clickOn(button, 2));
  assert.equal(walk.held.length, 2);
  assert.equal(ctx.queue.size(), 0, "nothing joined a hand-over during the walk");
  ids.set(button, 9); // the walk reaches the button
  ctx.walk = null;
  ctx.queue.append({ type: 3, data: { source: 0, fixup: true }, timestamp: 3 });
  ctx.queue.release(walk.held);
  await ctx.queue.drain();
  assert.deepEqual(
    posted.map((e) => [e.timestamp, e.data.id === undefined ? e.data.tag || "fix-up" : e.data.id]),
    [
      [3, "fix-up"],
      [1, "plain"],
      [2, 9],
    ],
  );
});

test("a builder answering null drops its event; one that throws is reported and dropped, the rest follow", async () => {
  const { ctx, posted, errors } = fakeObserver();
  const walk = { held: [], finished: Promise.resolve(null) };
  ctx.walk = walk;
  ctx.queue.emit(() => null);
  ctx.queue.emit(() => {
    throw new Error("builder failed");
  });
  ctx.queue.emit(() => ({ type: 5, data: { tag: "kept" }, timestamp: 4 }));
  ctx.walk = null;
  ctx.queue.release(walk.held);
  ctx.queue.emit(() => null, true);
  await ctx.queue.drain();
  assert.deepEqual(
    posted.map((e) => e.data.tag),
    ["kept"],
  );
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /builder failed/);
});
