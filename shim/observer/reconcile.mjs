/*
 * reconcile.mjs: the snapshot's fix-up: one mutation that turns "the walk's snapshot" into "the
 * page now".
 *
 * Rules: for every parent whose children changed during the walk, the children that are no longer
 * where the walk saw them are removed and the ones now there are added afresh (same ids); texts
 * and attributes that changed are sent with their current values. Every step is idempotent, so it
 * does not matter whether a change happened before or after the walk read the node. Records are
 * classified and the event is built by records.mjs, as for live mutations.
 */
import { isIgnoredRoot } from "./ignore.mjs";
import { changedAttributes, changedTexts, hostOf, nextIdOf } from "./mutations.mjs";
import { classifyRecords, mutationEvent } from "./records.mjs";

// Whether a node lies in a subtree that the fix-up serializes afresh.
function insideAny(set, n) {
  for (let node = n; node; node = node.parentNode || node.host) if (set.has(node)) return true;
  return false;
}

// The most children that can stay put: the longest run of ``current`` that appears in ``seen``
// in the same order (a longest increasing subsequence of their positions in ``seen``), so moving
// one child re-adds that child only.
export function keptInOrder(seen, current) {
  const position = new Map(seen.map((n, i) => [n, i]));
  const candidates = current.filter((c) => position.has(c));
  const tails = []; // tails[k]: index in candidates of the smallest tail of a run of length k+1
  const previous = new Array(candidates.length);
  candidates.forEach((c, i) => {
    const p = position.get(c);
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (position.get(candidates[tails[mid]]) < p) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  });
  const kept = new Set();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) kept.add(candidates[i]);
  return kept;
}

// The fix-up event for walk ``w`` given the records taken during it, or null when nothing changed.
export function reconcile(ctx, w, records) {
  const { containers, texts, attributes } = classifyRecords(records);
  const ordered = [...containers].filter((c) => {
    const host = hostOf(c);
    return w.serialized.has(host) && !w.childless.has(host) && host.isConnected;
  });
  // First which children stay where the walk saw them (in order) and which are re-added whole;
  // then a parent that lies inside a re-added subtree needs nothing of its own.
  const plans = [];
  const fresh = new Set(); // roots of the subtrees added afresh
  for (const container of ordered) {
    const seen = w.children.get(container) || [];
    const current = Array.from(container.childNodes).filter((c) => !isIgnoredRoot(c));
    const kept = keptInOrder(seen, current);
    current.forEach((c) => kept.has(c) || fresh.add(c));
    plans.push({ container, seen, current, kept });
  }
  const removes = [];
  const adds = [];
  for (const { container, seen, current, kept } of plans) {
    if (insideAny(fresh, container)) continue;
    const parentId = ctx.nodeId(hostOf(container));
    for (const n of seen) {
      const id = ctx.nodeId(n);
      if (!kept.has(n) && id > 0) removes.push({ parentId, id });
    }
    // Last-first: each added node's next sibling is already in place when it is inserted.
    for (let k = current.length - 1; k >= 0; k--) {
      const c = current[k];
      if (kept.has(c)) continue;
      const node = ctx.serialize(c);
      if (!node) continue;
      if (container instanceof ShadowRoot) node.isShadow = true;
      adds.push({ parentId, nextId: nextIdOf(ctx, c), node });
    }
  }
  const walkedAndStill = (n) => w.serialized.has(n) && n.isConnected && !insideAny(fresh, n);
  const textChanges = changedTexts(ctx, texts, walkedAndStill);
  const attributeChanges = changedAttributes(ctx, attributes, walkedAndStill);
  for (const { id } of removes) {
    const n = ctx.mirror.getNode(id);
    if (n && !n.isConnected) ctx.mirror.removeNodeFromMap(n);
  }
  return mutationEvent({ texts: textChanges, attributes: attributeChanges, removes, adds }, w.startedAt);
}
