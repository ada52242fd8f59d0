/*
 * trackers/scroll.mjs: scroll positions of the document and of scrolled elements.
 *
 * Rules: at most one position per SCROLL_THROTTLE_MS for each scrolled node, always the last;
 * nodes the recording does not have are skipped. Returns its teardown.
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
        const id = ctx.nodeId(isDoc ? document : target);
        if (id <= 0) return;
        ctx.queue.emit({
          type: EventType.IncrementalSnapshot,
          data: { source: Source.Scroll, id, x: el.scrollLeft, y: el.scrollTop },
          timestamp: Date.now(),
        });
      });
    }),
    throttled.teardown,
  ];
  return () => runAll(ctx, teardowns);
}
