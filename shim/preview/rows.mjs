/*
 * preview/rows.mjs: the page as the rows of a full snapshot, for the core to judge (Veil.preview).
 *
 * Rules: it reads what recording reads and nothing more: elements with their attributes (a
 * field's current value, as rrweb-snapshot reads it), text nodes, open shadow roots, and each
 * element's selector matches as flags; it never enters an element that matches a block selector
 * (recording does not either), a script's or style's text, an iframe's document or an ignored
 * subtree (the overlay). It decides nothing: the rows go to the worker, where the core masks them
 * as it masks a recording's snapshot. It works in slices of at most SLICE_MS, yielding to the page
 * in between, and stops at MAX_ROWS (truncated). The rows are written as JSON as they are read,
 * so the hand-over costs one join.
 */
import { MATCH_FLAGS_KEY, NodeType } from "../generated/contract.mjs";

export const SLICE_MS = 6;
export const MAX_ROWS = 20000;
const NO_TEXT = new Set(["script", "style", "noscript", "template"]);
const FIELDS = new Set(["input", "textarea", "select"]);

/**
 * @typedef {{ allowSelectors?: string[], maskSelectors?: string[], blockSelectors?: string[] }} Selectors
 * @typedef {{ json: string, elements: Map<number, Element>, truncated: boolean }} Rows
 */

/** Yield to the page: a background task where the Scheduler API exists. @returns {Promise<void>} */
export function yieldToPage() {
  const scheduler = /** @type {any} */ (globalThis).scheduler;
  if (scheduler && typeof scheduler.postTask === "function") return scheduler.postTask(() => {}, { priority: "background" });
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** @param {string[] | undefined} list */
function joined(list) {
  return list && list.length ? list.join(", ") : "";
}

/**
 * The attributes recording reads of ``el``: all but style (CSS, never words), with a field's
 * current value as rrweb-snapshot takes it.
 * @param {Element} el
 * @param {string} tag
 */
function attributesOf(el, tag) {
  /** @type {Record<string, string | boolean>} */
  const out = {};
  for (const attr of Array.from(el.attributes)) {
    if (attr.name !== "style") out[attr.name] = attr.value;
  }
  if (FIELDS.has(tag)) {
    const field = /** @type {HTMLInputElement} */ (el);
    if (typeof field.value === "string" && field.value) out.value = field.value;
    else delete out.value;
    if (tag === "input" && (field.type === "checkbox" || field.type === "radio")) out.checked = field.checked;
  } else if (tag === "option" && /** @type {HTMLOptionElement} */ (el).selected) {
    out.selected = true;
  }
  return out;
}

/**
 * Read the page into rows, slice by slice.
 * @param {Selectors} config
 * @param {{ isIgnored: (n: Node) => boolean, cancelled: () => boolean, maxRows?: number }} options
 * @returns {Promise<Rows | null>} null when cancelled
 */
export async function readRows(config, options) {
  const maxRows = options.maxRows || MAX_ROWS;
  const allow = joined(config.allowSelectors);
  const mask = joined(config.maskSelectors);
  const block = ['[data-veil="block" i]', ".veil-block", ".rr-block"].concat(config.blockSelectors || []).join(", ");
  const userBlock = joined(config.blockSelectors);
  /** @type {Map<number, Element>} */
  const elements = new Map();
  const pieces = [JSON.stringify([NodeType.Document, 1, null, document.compatMode])];
  let nextId = 2;
  /** @type {Array<[Node, number]>} */
  const stack = [];
  for (let c = document.lastChild; c; c = c.previousSibling) stack.push([c, 1]);
  let truncated = false;
  while (stack.length) {
    if (options.cancelled()) return null;
    const started = performance.now();
    while (stack.length && performance.now() - started < SLICE_MS) {
      if (pieces.length >= maxRows) {
        truncated = true;
        stack.length = 0;
        break;
      }
      const [n, parentId] = /** @type {[Node, number]} */ (stack.pop());
      if (options.isIgnored(n)) continue;
      if (n.nodeType === Node.TEXT_NODE) {
        const text = n.textContent || "";
        if (text.trim()) pieces.push(JSON.stringify([NodeType.Text, nextId++, parentId, text]));
        continue;
      }
      if (n.nodeType !== Node.ELEMENT_NODE) continue;
      const el = /** @type {Element} */ (n);
      const tag = el.localName;
      const id = nextId++;
      elements.set(id, el);
      const flags = [];
      if (allow && el.matches(allow)) flags.push("allow");
      if (mask && el.matches(mask)) flags.push("mask");
      const blocked = el.matches(block);
      if (blocked && userBlock && el.matches(userBlock)) flags.push("block");
      /** @type {unknown[]} */
      const row = [NodeType.Element, id, parentId, tag, attributesOf(el, tag)];
      if (flags.length) row.push({ [MATCH_FLAGS_KEY]: flags });
      pieces.push(JSON.stringify(row));
      if (blocked || tag === "textarea" || tag === "iframe") continue; // never read inside (a textarea's text is its value)
      const shadow = el.shadowRoot;
      if (shadow) for (let c = shadow.lastChild; c; c = c.previousSibling) stack.push([c, id]);
      if (NO_TEXT.has(tag)) continue;
      for (let c = el.lastChild; c; c = c.previousSibling) stack.push([c, id]);
    }
    if (stack.length) await yieldToPage();
  }
  return { json: "[" + pieces.join(",") + "]", elements, truncated };
}
