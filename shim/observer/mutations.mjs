/*
 * mutations.mjs: mutation serialization: what the page changed, as one rrweb mutation event.
 *
 * Rules: added subtrees are serialized whole by rrweb-snapshot (nothing is read inside a blocked
 * element), topmost nodes only, in reverse document order so each node's next sibling is known;
 * a text or attribute change of a node serialized in the same batch is already in its add. An
 * attribute change carries the current values of the attributes the core's reduce reads and the
 * element's selector flags, and the flag changes it caused below it. Removed nodes leave the mirror.
 */
import { LEVEL_ATTRIBUTES, MATCH_FLAGS_KEY } from "../generated/contract.mjs";
import { isIgnored } from "./ignore.mjs";
import { classifyRecords, mutationEvent } from "./records.mjs";

// Serialize ``records`` into the next hand-over (a veil:mutations measure under debug).
export function processMutations(ctx, records) {
  if (!records.length) return;
  ctx.timed("veil:mutations", () => serializeMutations(ctx, records));
}

export function hostOf(container) {
  return container instanceof ShadowRoot ? container.host : container;
}

export function nextIdOf(ctx, n) {
  for (let s = n.nextSibling; s; s = s.nextSibling) {
    const id = ctx.nodeId(s);
    if (id > 0) return id;
  }
  return null;
}

function isTopmost(n, added) {
  for (let p = n.parentNode; p; p = p.parentNode) if (added.has(p)) return false;
  return true;
}

function parentIdOf(ctx, n) {
  const parent = n.parentNode;
  if (!parent) return -1;
  return ctx.nodeId(hostOf(parent));
}

function serializeMutations(ctx, records) {
  const { mirror } = ctx;
  const { added, removed, texts, attributes } = classifyRecords(records);
  const removes = [];
  const seenRemoves = new Set();
  for (const [parent, n] of removed) {
    const id = ctx.nodeId(n);
    const parentId = ctx.nodeId(hostOf(parent));
    if (id > 0 && parentId > 0 && !seenRemoves.has(id)) {
      seenRemoves.add(id);
      removes.push({ parentId, id });
    }
  }
  const fresh = new Set();
  ctx.freshlySerialized = fresh;
  const candidates = [...added].filter((n) => n.isConnected && !isIgnored(n));
  const addedSet = new Set(candidates);
  const topmost = candidates.filter((n) => isTopmost(n, addedSet));
  // Reverse document order: each node's next sibling is serialized before it.
  topmost.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1));
  const adds = [];
  for (const n of topmost) {
    const parentId = parentIdOf(ctx, n);
    if (parentId <= 0) continue;
    const parentEl = hostOf(n.parentNode);
    if (parentEl.nodeType === Node.ELEMENT_NODE && parentEl.closest(ctx.blockSelector)) continue;
    const node = ctx.serialize(n);
    if (node && n.parentNode instanceof ShadowRoot) node.isShadow = true; // a closed root's too (closed.mjs)
    if (node) adds.push({ parentId, nextId: nextIdOf(ctx, n), node });
  }
  const unchanged = (n) => ctx.nodeId(n) > 0 && n.isConnected && !fresh.has(n);
  const textChanges = changedTexts(ctx, texts, unchanged);
  const attributeChanges = changedAttributes(ctx, attributes, unchanged);
  for (const [, n] of removed) {
    if (!n.isConnected && mirror.hasNode(n)) {
      mirror.removeNodeFromMap(n);
      ctx.flagged.forEach((d) => {
        if (!d.isConnected) ctx.flagged.delete(d);
      });
    }
  }
  ctx.freshlySerialized = null;
  const event = mutationEvent({ texts: textChanges, attributes: attributeChanges, removes, adds }, Date.now());
  if (event) ctx.queue.append(event);
}

// The current text of each node in ``texts`` that ``include`` accepts.
export function changedTexts(ctx, texts, include) {
  const changes = [];
  for (const n of texts) if (include(n)) changes.push({ id: ctx.nodeId(n), value: n.textContent });
  return changes;
}

// The attribute changes of each element in ``attributes`` (element -> changed names) that
// ``include`` accepts, with the flag changes they caused below.
export function changedAttributes(ctx, attributes, include) {
  const changes = [];
  for (const [el, names] of attributes) if (include(el)) changes.push(...attributeChange(ctx, el, names));
  return changes;
}

function levelAttributes(el) {
  const current = {};
  for (const name of LEVEL_ATTRIBUTES) current[name] = el.getAttribute(name);
  return current;
}

// An element's changed attributes with their current values, the attributes the core's reduce
// reads, its selector flags, and the flag changes this caused below it.
function attributeChange(ctx, el, names) {
  const tagName = el.tagName.toLowerCase();
  const attributes = {};
  for (const name of names) {
    const value = el.getAttribute(name);
    attributes[name] = value === null ? null : ctx.lib.transformAttribute(document, tagName, name.toLowerCase(), value);
  }
  const current = levelAttributes(el);
  const flags = ctx.matchFlags(el);
  ctx.rememberFlags(el, flags);
  const changes = [{ id: ctx.nodeId(el), attributes, current, [MATCH_FLAGS_KEY]: flags }];
  if (ctx.userSelectors) changes.push(...descendantFlagChanges(ctx, el));
  return changes;
}

// A selector such as ".private p" can start or stop matching a descendant when an ancestor's
// attributes change: ship the new flags of every recorded descendant whose match changed.
function descendantFlagChanges(ctx, el) {
  const candidates = new Set(el.querySelectorAll(ctx.userSelectors));
  ctx.flagged.forEach((d) => {
    if (d !== el && el.contains(d)) candidates.add(d);
  });
  const changes = [];
  for (const d of candidates) {
    const id = ctx.nodeId(d);
    if (id <= 0 || d === el) continue;
    const before = (ctx.mirror.getMeta(d)[MATCH_FLAGS_KEY] || []).join();
    const flags = ctx.matchFlags(d);
    if (flags.join() === before) continue;
    ctx.rememberFlags(d, flags);
    changes.push({ id, attributes: {}, current: levelAttributes(d), [MATCH_FLAGS_KEY]: flags });
  }
  return changes;
}
