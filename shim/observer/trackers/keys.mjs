/*
 * trackers/keys.mjs: keystrokes (a veil:key custom event).
 *
 * Rules: the raw key goes only to the worker; the core decides what of it is recorded (named keys
 * keep their identity, character keys in fields are not recorded at all). The shim adds one fact
 * the core cannot see, "hidden": the target takes typing that the page shows elsewhere. That is a
 * textarea the visitor cannot see or read (a box of a pixel or two, clipped by its parent,
 * transparent, or invisible text), which is how code editors that are not contenteditable take
 * typing (Monaco's textarea.inputarea, CodeMirror 5, Ace, xterm.js, and editors that draw a
 * highlighted copy under a transparent textarea); or an element the page attached an EditContext
 * to and that is not contenteditable (Monaco's div.native-edit-context on Chromium): its text is
 * empty, typing fires no input event, and the editor's lines render it. The target is named by
 * the id it has when the event joins a hand-over (queue.mjs). Returns its teardown.
 */
import { EventType, KEY_TAG } from "../../generated/contract.mjs";
import { listen, recordedIdOf, targetOf } from "../listen.mjs";

const TINY_PX = 2;

/** @param {string} color */
function isTransparent(color) {
  return color === "transparent" || /^rgba\(.*,\s*0\)$/.test(color);
}

// True for a textarea whose text the visitor cannot read where it is: the page shows it elsewhere.
/** @param {Element | null} el */
function isHiddenTextarea(el) {
  if (!el || el.localName !== "textarea") return false;
  const rect = el.getBoundingClientRect();
  if (rect.width <= TINY_PX || rect.height <= TINY_PX) return true;
  const style = getComputedStyle(el);
  if (style.opacity === "0" || parseFloat(style.fontSize) <= 1) return true;
  if (isTransparent(style.color) || isTransparent(style.getPropertyValue("-webkit-text-fill-color"))) return true;
  const parent = el.parentElement;
  if (parent) {
    const box = parent.getBoundingClientRect();
    if ((box.width <= TINY_PX || box.height <= TINY_PX) && getComputedStyle(parent).overflow !== "visible") return true;
  }
  return false;
}

// True for an element fed through the EditContext API that does not show its own text.
/** @param {Element | null} el */
function takesTypingElsewhere(el) {
  return !!el && el.nodeType === 1 && Reflect.get(el, "editContext") != null && !(/** @type {HTMLElement} */ (el).isContentEditable);
}

/** @param {import("../types.js").Context} ctx */
export function trackKeys(ctx) {
  return listen(ctx, document, "keydown", (/** @type {KeyboardEvent} */ e) => {
    const target = /** @type {Element | null} */ (targetOf(e));
    /** @type {Record<string, unknown>} */
    const payload = { key: e.key, id: -1, alt: e.altKey, ctrl: e.ctrlKey, meta: e.metaKey, shift: e.shiftKey };
    if (isHiddenTextarea(target) || takesTypingElsewhere(target)) payload.hidden = true;
    const timestamp = Date.now();
    ctx.queue.emit(() => {
      payload.id = recordedIdOf(ctx, target);
      return { type: EventType.Custom, data: { tag: KEY_TAG, payload }, timestamp };
    });
  });
}
