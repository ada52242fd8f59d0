/*
 * trackers/mutations.mjs: DOM changes, through one MutationObserver on the document and on every
 * watched root (shadow roots, iframe documents).
 *
 * Rules: during a snapshot walk the records are kept for the walk's fix-up; otherwise they are
 * serialized (mutations.mjs) into the next hand-over. Returns its teardown.
 */
import { processMutations } from "../mutations.mjs";

const OBSERVE_OPTIONS = { childList: true, subtree: true, attributes: true, characterData: true };

/** @param {import("../types.js").Context} ctx */
export function trackMutations(ctx) {
  const observer = new MutationObserver(
    ctx.guard((/** @type {MutationRecord[]} */ records) => {
      if (ctx.walk) {
        ctx.walk.records.push(...records);
        return;
      }
      processMutations(ctx, records);
      ctx.queue.schedule();
    }),
  );
  observer.observe(document, OBSERVE_OPTIONS);
  const unwatch = ctx.onRoot((root) => observer.observe(root, OBSERVE_OPTIONS));
  ctx.takeRecords = () => observer.takeRecords();
  return () => {
    unwatch();
    ctx.takeRecords = () => [];
    observer.disconnect();
  };
}
