/*
 * trackers/keys.mjs: keystrokes (a veil:key custom event).
 *
 * Rules: the raw key goes only to the worker; the core keeps named keys (Enter, Tab, arrows...)
 * and turns the rest into "*". Returns its teardown.
 */
import { EventType, KEY_TAG } from "../../generated/contract.mjs";
import { listen, recordedIdOf, targetOf } from "../listen.mjs";

export function trackKeys(ctx) {
  return listen(ctx, document, "keydown", (e) => {
    ctx.queue.emit({
      type: EventType.Custom,
      data: {
        tag: KEY_TAG,
        payload: { key: e.key, id: recordedIdOf(ctx, targetOf(e)), alt: e.altKey, ctrl: e.ctrlKey, meta: e.metaKey, shift: e.shiftKey },
      },
      timestamp: Date.now(),
    });
  });
}
