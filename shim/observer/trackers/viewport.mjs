/*
 * trackers/viewport.mjs: the viewport's size, when the window is resized.
 *
 * Rules: at most one size per RESIZE_THROTTLE_MS, always the last. Returns its teardown.
 */
import { EventType, Source } from "../../generated/contract.mjs";
import { createThrottle, listen, runAll } from "../listen.mjs";

const RESIZE_THROTTLE_MS = 200;

/** @param {import("../types.js").Context} ctx */
export function trackViewport(ctx) {
  const throttled = createThrottle(ctx);
  const teardowns = [
    listen(
      ctx,
      window,
      "resize",
      () => {
        throttled(window, RESIZE_THROTTLE_MS, () => {
          ctx.queue.emit({
            type: EventType.IncrementalSnapshot,
            data: { source: Source.ViewportResize, width: innerWidth, height: innerHeight },
            timestamp: Date.now(),
          });
        });
      },
      { passive: true },
    ),
    throttled.teardown,
  ];
  return () => runAll(ctx, teardowns);
}
