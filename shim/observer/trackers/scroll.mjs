/*
 * trackers/scroll.mjs: scroll positions of the document and of scrolled elements.
 *
 * Rules: at most one position per SCROLL_THROTTLE_MS for each scrolled node, always the last;
 * the node is named by the id it has when the event joins a hand-over (queue.mjs), and one the
 * recording does not have is skipped then. Returns its teardown.
 */
import { EventType, Source } from "../../generated/contract.mjs";
import { createThrottle, listen, runAll } from "../listen.mjs";

const SCROLL_THROTTLE_MS = 100;

/** @param {import("../types.js").Context} ctx */
export function trackScroll(ctx) {
  const throttled = createThrottle(ctx);
  const teardowns = [
    listen(ctx, document, "scroll", (/** @type {Event} */ e) => {
      const target = /** @type {Element | Document} */ (e.target);
      throttled(target, SCROLL_THROTTLE_MS, () => {
        const isDoc = target === document || target === document.documentElement;
        const el = /** @type {Element} */ (isDoc ? document.scrollingElement || document.documentElement : target);
        const x = el.scrollLeft;
        const y = el.scrollTop;
        const timestamp = Date.now();
        ctx.queue.emit(() => {
          const id = ctx.nodeId(isDoc ? document : target);
          return id > 0 ? { type: EventType.IncrementalSnapshot, data: { source: Source.Scroll, id, x, y }, timestamp } : null;
        });
      });
    }),
    throttled.teardown,
  ];
  return () => runAll(ctx, teardowns);
}
