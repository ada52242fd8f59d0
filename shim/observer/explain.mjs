/*
 * explain.mjs: what Veil.explain() may learn of an element.
 *
 * Rules: an element's tag, the attributes the core's reduce reads (class reduced to Veil's and
 * rrweb's own markers), and its selector matches. No text, no other attribute.
 */
import { LEVEL_ATTRIBUTES, MATCH_FLAGS_KEY } from "../generated/contract.mjs";

/**
 * @param {Element} el
 * @param {{ allowSelectors?: string[], maskSelectors?: string[], blockSelectors?: string[] }} config
 * @returns {import("../generated/contract.mjs").ExplainEntry}
 */
export function describeForExplain(el, config) {
  /** @type {Record<string, string>} */
  const attributes = {};
  for (const name of LEVEL_ATTRIBUTES) {
    let value = el.getAttribute(name);
    if (name === "class" && value)
      value = value
        .split(/\s+/)
        .filter((c) => /^(veil|rr)-/.test(c))
        .join(" ");
    if (value !== null) attributes[name] = value;
  }
  /** @type {string[]} */
  const flags = [];
  const match = (/** @type {string[] | undefined} */ list) => list && list.length && el.matches(list.join(", "));
  if (match(config.allowSelectors)) flags.push("allow");
  if (match(config.maskSelectors)) flags.push("mask");
  if (match(config.blockSelectors)) flags.push("block");
  return { tag: el.localName, attributes, [MATCH_FLAGS_KEY]: flags };
}
