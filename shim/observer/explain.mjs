/*
 * explain.mjs: what Veil.explain() may learn of an element.
 *
 * Rules: an element's tag, the attributes the core's reduce reads (class reduced to Veil's and
 * rrweb's own markers), and its selector matches. For the element explained itself (not its
 * ancestors), also its own text nodes and the content attributes the site-text list may show, so
 * that the core can name the rule that decides them ("site text"); they go to the worker only,
 * and the answer names rules, never text. No other attribute.
 */
import { LEVEL_ATTRIBUTES, MATCH_FLAGS_KEY } from "../generated/contract.mjs";

const SITE_TEXT_ATTRIBUTES = ["placeholder", "title", "alt", "aria-label", "aria-description", "label"];

/** The element's own text nodes and site-text attributes, for the core's explanation. @param {Element} el */
export function contentForExplain(el) {
  /** @type {string[]} */
  const text = [];
  el.childNodes.forEach(function (node) {
    if (node.nodeType === 3 && node.nodeValue && node.nodeValue.trim()) text.push(node.nodeValue);
  });
  /** @type {Record<string, string>} */
  const content = {};
  SITE_TEXT_ATTRIBUTES.forEach(function (name) {
    const value = el.getAttribute(name);
    if (value) content[name] = value;
  });
  return { text: text, content: content };
}

export function describeForExplain(el, config) {
  const attributes = {};
  for (const name of LEVEL_ATTRIBUTES) {
    let value = el.getAttribute(name);
    if (name === "class" && value) value = value.split(/\s+/).filter((c) => /^(veil|rr)-/.test(c)).join(" ");
    if (value !== null) attributes[name] = value;
  }
  const flags = [];
  const match = (list) => list && list.length && el.matches(list.join(", "));
  if (match(config.allowSelectors)) flags.push("allow");
  if (match(config.maskSelectors)) flags.push("mask");
  if (match(config.blockSelectors)) flags.push("block");
  return { tag: el.localName, attributes, [MATCH_FLAGS_KEY]: flags };
}
