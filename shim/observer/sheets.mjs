/*
 * sheets.mjs: large stylesheets, read after the snapshot's structure.
 *
 * Rules: a <link>'s sheet of more than DEFERRED_SHEET_RULES rules is not inlined in its snapshot
 * node (walk.mjs; the node then keeps neither href nor rel: a replay loads nothing meanwhile); once
 * the walk is over it is read rule by rule in slices of its own (pace.mjs) and handed over as that
 * node's _cssText (an attribute mutation, as rrweb records a sheet that loads late), so the
 * document's structure leaves first and no slice reads a whole large sheet. A new walk or the
 * observer's stop ends the reading (ctx.sheetReader = null; the next snapshot reads anew).
 */
import { SLICE_MS, yieldToPage } from "./pace.mjs";
import { mutationEvent } from "./records.mjs";

/** @typedef {import("./types.js").Context} Context */

// A <link>'s sheet with more rules than this is read after the structure (see above).
export const DEFERRED_SHEET_RULES = 300;

// A <link>'s stylesheet large enough to be read after the walk (one that can be read at all).
/** @param {Node} n @returns {CSSStyleSheet | null} */
export function largeLinkSheet(n) {
  const link = /** @type {HTMLLinkElement} */ (n);
  if (n.nodeType !== Node.ELEMENT_NODE || link.localName !== "link" || !link.sheet) return null;
  try {
    return link.sheet.cssRules.length > DEFERRED_SHEET_RULES ? link.sheet : null;
  } catch (_err) {
    return null; // cross-origin: rrweb-snapshot keeps its href, as it always has
  }
}

// The large sheets of a finished walk, read rule by rule in slices of their own (rrweb-snapshot's
// stringifyRule, then its whole-text fixes through stringifyStylesheet) and handed over each as
// its node's _cssText. A new walk or the observer's stop ends it (the next snapshot reads anew).
/** @param {Context} ctx @param {Array<[number, CSSStyleSheet]>} sheets [node id, sheet] */
export function readSheetsAfter(ctx, sheets) {
  if (!sheets.length) return;
  const token = {};
  ctx.sheetReader = token;
  let i = 0;
  /** @type {CSSRuleList | CSSRule[] | null} the rules of the sheet being read */
  let rules = null;
  let index = 0;
  /** @type {string[]} */
  let parts = [];
  const step = ctx.guard(() => {
    if (ctx.sheetReader !== token || !ctx.running) return;
    const done = ctx.timed("veil:sheets", () => {
      const started = performance.now();
      while (i < sheets.length) {
        const [id, sheet] = sheets[i];
        if (rules === null) {
          try {
            rules = sheet.cssRules;
          } catch (_err) {
            rules = [];
          }
          index = 0;
          parts = [];
        }
        while (index < rules.length) {
          if (performance.now() - started > SLICE_MS) return false;
          parts.push(ctx.lib.stringifyRule(rules[index], sheet.href));
          index += 1;
        }
        // The rules' text as one rule of a sheet without href: stringifyStylesheet's fixes apply to it whole.
        const joined = /** @type {CSSStyleSheet} */ (/** @type {unknown} */ ({ cssRules: [{ cssText: parts.join("") }], href: null }));
        const text = ctx.lib.stringifyStylesheet(joined);
        const event = text ? mutationEvent({ attributes: [{ id, attributes: { _cssText: text } }] }, Date.now()) : null;
        if (event) ctx.queue.push(event);
        rules = null;
        parts = [];
        i += 1;
      }
      return true;
    });
    if (done) {
      ctx.sheetReader = null;
      ctx.queue.drain();
    } else {
      yieldToPage(ctx, step);
    }
  });
  yieldToPage(ctx, step);
}
