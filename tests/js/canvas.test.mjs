// canvasMaskRegions' answer (shim/observer/trackers/canvas.mjs): only an array of finite
// {x, y, width, height} is a list of regions; anything else skips the frame (fail closed).
import assert from "node:assert/strict";
import { test } from "node:test";
import { regionsOf } from "../../shim/observer/trackers/canvas.mjs";

test("an array of finite rectangles is taken as it is (extra keys left out)", () => {
  assert.deepEqual(regionsOf([]), []);
  assert.deepEqual(regionsOf([{ x: 0, y: 1.5, width: 10, height: 0, label: "card" }]), [{ x: 0, y: 1.5, width: 10, height: 0 }]);
  assert.deepEqual(regionsOf([{ x: -5, y: -5, width: 1e6, height: 1e6 }]), [{ x: -5, y: -5, width: 1e6, height: 1e6 }]);
});

test("anything else skips the frame", () => {
  for (const answer of [null, undefined, {}, "all", 0, { x: 0, y: 0, width: 1, height: 1 }, [null], [{ x: 0, y: 0, width: 1 }],
    [{ x: "0", y: 0, width: 1, height: 1 }], [{ x: NaN, y: 0, width: 1, height: 1 }], [{ x: 0, y: 0, width: Infinity, height: 1 }],
    [{ x: 0, y: 0, width: -1, height: 1 }], [{ x: 0, y: 0, width: 1, height: 1 }, 7]]) {
    assert.equal(regionsOf(answer), null, JSON.stringify(answer));
  }
});
