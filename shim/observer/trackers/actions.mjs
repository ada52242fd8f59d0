/*
 * trackers/actions.mjs: what was clicked, named as a person would (a veil:action custom event).
 *
 * Rules: only actionable elements (buttons, links, labels, form controls, ARIA roles) are named,
 * by their aria-label, a button input's value or their text, cut to the contract's limit; the
 * raw name goes only to the worker, where the core masks it by the element's level. The name is
 * read at the click; the element's id when the event joins a hand-over (queue.mjs), and an element
 * the recording does not have is skipped then. Returns its teardown.
 */
import { ACTION_NAME_MAX, ACTION_TAG, EventType } from "../../generated/contract.mjs";
import { listen, targetOf } from "../listen.mjs";

const ACTIONABLE =
  "button, a, summary, label, select, [role=button], [role=link], [role=menuitem], [role=tab], input[type=submit], input[type=button], input[type=reset], input[type=checkbox], input[type=radio]";

/** @param {import("../types.js").Context} ctx */
export function trackActions(ctx) {
  return listen(ctx, document, "click", (/** @type {MouseEvent} */ e) => {
    const target = /** @type {Element | null} */ (targetOf(e));
    const el = /** @type {HTMLInputElement | null} */ (target && target.closest ? target.closest(ACTIONABLE) : null);
    if (!el) return;
    const inputName = el.localName === "input" && /^(submit|button|reset)$/.test(el.type) ? el.value : "";
    const name = (el.getAttribute("aria-label") || inputName || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, ACTION_NAME_MAX);
    const timestamp = Date.now();
    ctx.queue.emit(() => {
      const id = ctx.nodeId(el);
      return id > 0 ? { type: EventType.Custom, data: { tag: ACTION_TAG, payload: { id, name } }, timestamp } : null;
    });
  });
}
