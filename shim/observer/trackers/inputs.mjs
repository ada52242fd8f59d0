/*
 * trackers/inputs.mjs: form field values: input and change events (also inside shadow roots and
 * iframe documents), and the value setters that change a field without an event.
 *
 * Rules: the raw value goes only to the worker, which masks it by the field's level. The value is
 * the one at the event; the field's id the one it has when the event joins a hand-over (queue.mjs),
 * and a field the recording does not have is skipped then. Every prototype setter wrapped here is
 * restored by the teardown it returns.
 */
import { EventType, FORM_FIELD_TAGS, Source } from "../../generated/contract.mjs";
import { listen, runAll, targetOf } from "../listen.mjs";

// Setters that change what a field shows without an input event (React controlled inputs, scripts).
const VALUE_SETTERS = [
  ["HTMLInputElement", "value"],
  ["HTMLInputElement", "checked"],
  ["HTMLTextAreaElement", "value"],
  ["HTMLSelectElement", "value"],
  ["HTMLSelectElement", "selectedIndex"],
  ["HTMLOptionElement", "selected"],
];

/** @param {import("../types.js").Context} ctx */
export function trackInputs(ctx) {
  /** @type {Array<() => void>} */
  const teardowns = [];

  /** @param {EventTarget | null} target @param {boolean} userTriggered */
  function emitInput(target, userTriggered) {
    let el = /** @type {HTMLInputElement | null} */ (target);
    if (!el || !el.localName) return;
    if (el.localName === "option") el = /** @type {HTMLInputElement | null} */ (/** @type {unknown} */ (el.closest("select")));
    if (!el || !FORM_FIELD_TAGS.includes(el.localName)) return;
    const field = el;
    // A detached field is not recorded, nor outside a walk one without an id (blocked, or its add
    // not serialized yet, which carries its value): the value setters are hot, so nothing more is done.
    if (!field.isConnected || (!ctx.walk && ctx.nodeId(field) <= 0)) return;
    const text = field.value;
    const isChecked = !!field.checked;
    const timestamp = Date.now();
    ctx.queue.emit(() => {
      const id = ctx.nodeId(field);
      return id > 0 ? { type: EventType.IncrementalSnapshot, data: { source: Source.Input, id, text, isChecked, userTriggered }, timestamp } : null;
    });
  }

  const onInput = (/** @type {Event} */ e) => emitInput(targetOf(e), e.isTrusted);

  // "input" is composed and reaches the document from inside a shadow root; "change" is not.
  /** @param {ShadowRoot | Document} root */
  function listenRoot(root) {
    if (!(root instanceof ShadowRoot)) teardowns.push(listen(ctx, root, "input", onInput));
    teardowns.push(listen(ctx, root, "change", onInput));
  }

  listenRoot(document);
  teardowns.push(ctx.onRoot(listenRoot));
  for (const [className, prop] of VALUE_SETTERS) {
    const found = /** @type {Record<string, { prototype: object } | undefined>} */ (/** @type {unknown} */ (window))[className];
    const proto = found && found.prototype;
    const descriptor = proto && Object.getOwnPropertyDescriptor(proto, prop);
    const setter = descriptor && descriptor.set;
    if (!proto || !descriptor || !setter) continue;
    const wrapped = Object.assign({}, descriptor, {
      /** @this {HTMLInputElement} @param {unknown} value */
      set(value) {
        setter.call(this, value);
        if (ctx.running) ctx.guard(emitInput)(this, false);
      },
    });
    Object.defineProperty(proto, prop, wrapped);
    teardowns.push(() => Object.defineProperty(proto, prop, descriptor));
  }
  return () => runAll(ctx, teardowns);
}
