// The observer's pure pieces under Node's own test runner (no browser): the one mutation-record
// classifier, the one mutation-event builder, the fix-up's "which children stay" rule, and the
// teardown runner every tracker's stop goes through.
import assert from "node:assert/strict";
import { test } from "node:test";

import { EventType, Source } from "../../shim/generated/contract.mjs";
import { runAll } from "../../shim/observer/listen.mjs";
import { classifyRecords, mutationEvent } from "../../shim/observer/records.mjs";
import { keptInOrder } from "../../shim/observer/reconcile.mjs";

const childList = (target, added = [], removed = []) => ({ type: "childList", target, addedNodes: added, removedNodes: removed });

test("records are classified by what changed, each node and name once", () => {
  const [p, q, a, b, t, el] = ["p", "q", "a", "b", "t", "el"].map((name) => ({ name }));
  const c = classifyRecords([
    childList(p, [a, b], [q]),
    childList(p, [a]),
    { type: "characterData", target: t },
    { type: "characterData", target: t },
    { type: "attributes", target: el, attributeName: "class" },
    { type: "attributes", target: el, attributeName: "class" },
    { type: "attributes", target: el, attributeName: "data-veil" },
  ]);
  assert.deepEqual([...c.added], [a, b]);
  assert.deepEqual(c.removed, [[p, q]]);
  assert.deepEqual([...c.containers], [p]);
  assert.deepEqual([...c.texts], [t]);
  assert.deepEqual([...c.attributes.get(el)], ["class", "data-veil"]);
});

test("the mutation event carries every kind of change, and nothing when there is none", () => {
  assert.equal(mutationEvent({}, 5), null);
  assert.equal(mutationEvent({ texts: [], attributes: [], removes: [], adds: [] }, 5), null);
  const event = mutationEvent({ removes: [{ parentId: 1, id: 2 }] }, 7);
  assert.deepEqual(event, {
    type: EventType.IncrementalSnapshot,
    data: { source: Source.Mutation, texts: [], attributes: [], removes: [{ parentId: 1, id: 2 }], adds: [] },
    timestamp: 7,
  });
  assert.equal("isAttachIframe" in event.data, false);
  const attach = mutationEvent({ adds: [{ parentId: 3, nextId: null, node: {} }], isAttachIframe: true }, 8);
  assert.equal(attach.data.isAttachIframe, true);
});

test("the fix-up keeps the longest run of children still in the walk's order", () => {
  const [a, b, c, d, e] = "abcde".split("").map((name) => ({ name }));
  assert.deepEqual(keptInOrder([a, b, c, d], [a, b, c, d]), new Set([a, b, c, d]));
  // Moving one child re-adds that child only.
  assert.deepEqual(keptInOrder([a, b, c, d], [b, c, d, a]), new Set([b, c, d]));
  assert.deepEqual(keptInOrder([a, b, c, d], [a, d, b, c]), new Set([a, b, c]));
  // New children are never "kept"; removed ones are simply absent.
  assert.deepEqual(keptInOrder([a, b, c], [e, a, c]), new Set([a, c]));
  assert.deepEqual(keptInOrder([], [a]), new Set());
});

test("stop runs every teardown once, in reverse order, even when one throws", () => {
  const ran = [];
  const errors = [];
  const ctx = {
    guard:
      (fn) =>
      (...args) => {
        try {
          return fn(...args);
        } catch (err) {
          errors.push(err.message);
        }
      },
  };
  const teardowns = [
    () => ran.push(1),
    () => {
      throw new Error("boom");
    },
    () => ran.push(3),
  ];
  runAll(ctx, teardowns);
  assert.deepEqual(ran, [3, 1]);
  assert.deepEqual(errors, ["boom"]);
  assert.equal(teardowns.length, 0);
  runAll(ctx, teardowns);
  assert.deepEqual(ran, [3, 1]);
});
