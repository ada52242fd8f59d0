/*
 * records.mjs: MutationObserver records in, rrweb mutation events out.
 *
 * Rules: the one classifier of mutation records (used by live mutation serialization and by the
 * snapshot's reconcile step) and the one builder of the mutation event (live mutations, the
 * reconcile fix-up, iframe attaches). Neither reads the page beyond the records themselves.
 */
import { EventType, Source } from "../generated/contract.mjs";

/**
 * Records grouped by what changed: nodes added (in record order), [parent, node] pairs removed,
 * parents whose children changed, text nodes whose data changed, and each element's changed
 * attribute names.
 */
export function classifyRecords(/** @type {Iterable<MutationRecord>} */ records) {
  /** @type {Set<Node>} */
  const added = new Set();
  /** @type {Array<[Node, Node]>} */
  const removed = [];
  /** @type {Set<Node>} */
  const containers = new Set();
  /** @type {Set<Node>} */
  const texts = new Set();
  /** @type {Map<Node, Set<string>>} */
  const attributes = new Map();
  for (const r of records) {
    if (r.type === "childList") {
      containers.add(r.target);
      r.addedNodes.forEach((n) => {
        added.add(n);
      });
      r.removedNodes.forEach((n) => {
        removed.push([r.target, n]);
      });
    } else if (r.type === "characterData") {
      texts.add(r.target);
    } else if (r.type === "attributes") {
      let names = attributes.get(r.target);
      if (!names) {
        names = new Set();
        attributes.set(r.target, names);
      }
      if (r.attributeName) names.add(r.attributeName);
    }
  }
  return { added, removed, containers, texts, attributes };
}

/**
 * The rrweb mutation event for these changes, or null when there are none.
 * @param {{ texts?: unknown[], attributes?: unknown[], removes?: unknown[], adds?: unknown[], isAttachIframe?: boolean }} changes
 * @param {number} timestamp
 * @returns {import("./types.js").RawEvent | null}
 */
export function mutationEvent({ texts = [], attributes = [], removes = [], adds = [], isAttachIframe = false }, timestamp) {
  if (!(adds.length || removes.length || texts.length || attributes.length)) return null;
  /** @type {Record<string, unknown>} */
  const data = { source: Source.Mutation, texts, attributes, removes, adds };
  if (isAttachIframe) data.isAttachIframe = true;
  return { type: EventType.IncrementalSnapshot, data, timestamp };
}
