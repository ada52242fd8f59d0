/*
 * walk.mjs: the full snapshot as a time-sliced walk.
 *
 * Rules: nodes are serialized one at a time (rrweb-snapshot's serializeNodeWithId with skipChild)
 * in slices of at most SLICE_MS, each slice handed to the worker as a part (one row of fields per
 * node, naming its parent: see row()), yielding to the page in between. What the page changes
 * meanwhile is buffered (mutation records) or held (every other event); when the walk ends, a
 * fix-up mutation (reconcile.mjs) reconciles the snapshot with the DOM as it is then, and the held
 * events follow in order, so snapshot + fix-up + held events replay exactly to the page's final
 * state. A held event names its nodes by the ids the snapshot and fix-up gave them, read when it is
 * released (queue.mjs): a click on a node the walk had not reached yet names that node. A walk
 * that throws or is cancelled resolves with null; it never leaves a half state.
 * Large stylesheets come after the structure (sheets.mjs): a <link>'s large sheet is not inlined
 * in its snapshot node, which keeps neither href nor rel, and is read once the walk is over.
 */
import { EventType, NodeType, RARE_KEYS } from "../generated/contract.mjs";
import { closedRootOf } from "./closed.mjs";
import { isIgnoredRoot } from "./ignore.mjs";
import { processMutations } from "./mutations.mjs";
import { reconcile } from "./reconcile.mjs";
import { SLICE_MS, yieldToPage } from "./pace.mjs";
import { largeLinkSheet, readSheetsAfter } from "./sheets.mjs";

/**
 * @typedef {import("./types.js").Context} Context
 * @typedef {import("./types.js").Walk} Walk
 * @typedef {import("./types.js").Serialized} Serialized
 * @typedef {import("./types.js").HandOverAnswer} HandOverAnswer
 */

/** @param {Context} ctx */
export function emitMeta(ctx) {
  ctx.queue.emit({ type: EventType.Meta, data: { href: location.href, width: innerWidth, height: innerHeight }, timestamp: Date.now() });
}

// A full snapshot, walked in slices. Resolves with the worker's answer to the last part (the one
// that completes the masked snapshot), or null if the recording stopped meanwhile.
/** @param {Context} ctx @returns {Promise<HandOverAnswer>} */
export function takeFullSnapshot(ctx) {
  if (ctx.walk) return ctx.walk.finished; // the walk in progress reads the page as it is now
  ctx.sheetReader = null; // large sheets of an earlier walk not read yet: this walk reads them anew
  processMutations(ctx, ctx.takeRecords()); // earlier changes belong before it
  emitMeta(ctx);
  /** @type {(answer: HandOverAnswer | Promise<HandOverAnswer>) => void} */
  let resolveWalk = () => {};
  /** @type {Promise<HandOverAnswer>} */
  const finished = new Promise((resolve) => {
    resolveWalk = resolve;
  });
  /** @type {Walk} */
  const w = {
    startedAt: Date.now(),
    // Four entries a node, flat (no array per node for the collector): node, parent id, the node
    // it was read under, cssCaptured; popped in reverse.
    stack: [document, null, null, false],
    serialized: new Map(), // node -> the parent node (or shadow root) it was serialized under
    children: new Map(), // parent node (or shadow root) -> nodes serialized under it, in order
    childless: new Set(), // serialized elements whose children are never recorded (blocked)
    records: [], // mutation records taken during the walk
    held: [], // every other event observed during the walk
    sheets: [], // [id, sheet] of the large <link> stylesheets read after the walk
    cancelled: false,
    finished: finished,
    resolve: (answer) => resolveWalk(answer),
  };
  ctx.walk = w;
  const options = Object.assign(ctx.serializeOptions(), { skipChild: true, newlyAddedElement: false, needsMask: false });
  const step = ctx.guard(() => {
    if (w.cancelled) return;
    try {
      const done = ctx.timed("veil:snapshot", () => {
        if (!walkSlice(ctx, w, options)) return false;
        w.resolve(finishWalk(ctx, w));
        return true;
      });
      if (!done) yieldToPage(ctx, step);
    } catch (err) {
      ctx.walk = null;
      w.cancelled = true;
      w.resolve(null);
      throw err;
    }
  });
  afterNextFrame(() => {
    if (ctx.prepared) return step();
    ctx.timed("veil:setup", () => prepare(ctx));
    afterNextFrame(step); // the probe's iframe touched the body: let the page lay out again first
  });
  return w.finished;
}

// Stop the walk in progress, if any: its promise resolves with null.
/** @param {Context} ctx */
export function cancelWalk(ctx) {
  ctx.sheetReader = null;
  const w = ctx.walk;
  if (!w) return;
  w.cancelled = true;
  w.resolve(null);
  ctx.walk = null;
}

// rrweb-snapshot looks up "untainted" DOM accessors once per page, and for Element (2.2.2 tests
// querySelector as if it were an accessor) that means creating and removing a hidden iframe:
// 10-25 ms. It is done here, on a detached element, in a task of its own (veil:setup), rather
// than inside the first slice of the walk.
/** @param {Context} ctx */
function prepare(ctx) {
  ctx.prepared = true;
  // Known to its own mirror already, the probe takes no id from rrweb-snapshot's counter: the
  // document stays id 1, which rrweb-snapshot serializes without a rootId on every node.
  const probe = document.createElement("span");
  const probeMirror = new ctx.lib.Mirror();
  probeMirror.add(probe, { type: NodeType.Element, tagName: "span", attributes: {}, childNodes: [], id: -3 });
  ctx.serialize(probe, { mirror: probeMirror, skipChild: true, onSerialize: null, onIframeLoad: null });
}

// The walk reads layout (scroll offsets, sizes): starting just after a frame finds it clean,
// instead of forcing the page's pending style and layout work into Veil's first slice. A hidden
// page paints no frame, hence the timeout.
/** @param {() => void} fn */
function afterNextFrame(fn) {
  let started = false;
  const go = () => {
    if (started) return;
    started = true;
    setTimeout(fn, 0);
  };
  requestAnimationFrame(go);
  setTimeout(go, 100);
}

// Serialize nodes for up to SLICE_MS and hand them over as one part; true when the walk is done.
/** @param {Context} ctx @param {Walk} w @param {Record<string, any>} options */
function walkSlice(ctx, w, options) {
  const started = performance.now();
  /** @type {unknown[][]} */
  const part = [];
  while (w.stack.length) {
    if (performance.now() - started > SLICE_MS) break;
    const cssCaptured = /** @type {boolean} */ (w.stack.pop());
    const container = /** @type {Node | null} */ (w.stack.pop());
    const parentId = /** @type {number | null} */ (w.stack.pop());
    const n = /** @type {Node} */ (w.stack.pop());
    // Moved or removed since its parent was read, or already walked: the fix-up reconciles it.
    if ((container && n.parentNode !== container) || w.serialized.has(n) || isIgnoredRoot(n)) continue;
    options.cssCaptured = cssCaptured; // as rrweb-snapshot: a <style> whose CSS it inlined
    const sheet = largeLinkSheet(n);
    if (sheet) options.inlineStylesheet = false;
    const node = /** @type {Serialized | null} */ (ctx.lib.serializeNodeWithId(n, /** @type {any} */ (options)));
    options.inlineStylesheet = true;
    if (!node) continue;
    if (sheet && node.type === NodeType.Element) {
      delete node.attributes.href; // nothing for a replay to load before the sheet follows
      delete node.attributes.rel;
      w.sheets.push([node.id, sheet]);
    }
    // A closed root's host and children, read through the loader (closed.mjs): rrweb-snapshot
    // cannot tell them, so they are marked as it marks an open root's.
    const closed = node.type === NodeType.Element ? closedRootOf(ctx, n) : null;
    if (closed) node.isShadowHost = true;
    if (container instanceof ShadowRoot) node.isShadow = true;
    w.serialized.set(n, container);
    if (container) {
      let siblings = w.children.get(container);
      if (!siblings) {
        siblings = [];
        w.children.set(container, siblings);
      }
      siblings.push(n);
    }
    part.push(row(node, parentId));
    if (node.type !== NodeType.Document && node.type !== NodeType.Element) continue;
    const element = node.type === NodeType.Element;
    const blocked = element && node.attributes.rr_width !== undefined;
    const textareaValue = element && node.tagName === "textarea" && node.attributes.value !== undefined;
    if (blocked || textareaValue) {
      w.childless.add(n);
      continue;
    }
    // Pushed last-first so they are walked in document order: light children, then shadow ones.
    const css = element && typeof node.attributes._cssText === "string";
    const host = /** @type {Element} */ (n);
    const shadow = n.nodeType === Node.ELEMENT_NODE && (host.shadowRoot || closed);
    if (shadow) for (let c = shadow.lastChild; c; c = c.previousSibling) w.stack.push(c, node.id, shadow, false);
    for (let c = n.lastChild; c; c = c.previousSibling) w.stack.push(c, node.id, n, css);
  }
  const done = w.stack.length === 0;
  /** @type {Record<string, unknown>} */
  const data = { part, done };
  if (done) data.initialOffset = { left: window.scrollX, top: window.scrollY };
  ctx.queue.append({ type: EventType.FullSnapshot, data, timestamp: w.startedAt });
  if (done) return true;
  ctx.queue.drain();
  return false;
}

// A snapshot node as a row of its fields, which the core reads about twice as fast as the
// object (see veil.tree): [type, id, parentId, ...fields, rare keys?].
/** @param {Serialized} node @param {number | null} parentId @returns {unknown[]} */
function row(node, parentId) {
  /** @type {unknown[]} */
  let out;
  switch (node.type) {
    case NodeType.Document:
      out = [node.type, node.id, null, node.compatMode === undefined ? null : node.compatMode];
      break;
    case NodeType.DocumentType:
      out = [node.type, node.id, parentId, node.name, node.publicId, node.systemId];
      break;
    case NodeType.Element:
      out = [node.type, node.id, parentId, node.tagName, node.attributes];
      break;
    default:
      out = [node.type, node.id, parentId, node.textContent]; // text, CDATA, comment
  }
  /** @type {Record<string, unknown> | null} */
  let rare = null;
  for (const key of RARE_KEYS) {
    if (node[key] === undefined) continue;
    if (!rare) rare = {};
    rare[key] = node[key];
  }
  if (rare) out.push(rare);
  return out;
}

// The walk is over: hand over its last part, then the fix-up, then what was held, in order.
/** @param {Context} ctx @param {Walk} w */
function finishWalk(ctx, w) {
  const records = w.records.concat(ctx.takeRecords());
  ctx.walk = null;
  readSheetsAfter(ctx, w.sheets);
  const lastPart = ctx.queue.drain();
  const deferred = records.filter((r) => !inWalkedDocument(r.target));
  const fixup = ctx.timed("veil:mutations", () =>
    reconcile(
      ctx,
      w,
      records.filter((r) => inWalkedDocument(r.target)),
    ),
  );
  if (fixup) ctx.queue.append(fixup);
  ctx.queue.release(w.held); // events naming nodes read their ids now (queue.mjs)
  if (ctx.snapshotTaken) ctx.snapshotTaken(); // trackers/styles.mjs: adopted sheets, sent again after every snapshot
  // canvas frames and iframes' snapshots, again after every snapshot
  ctx.afterSnapshot.forEach((fn) => {
    ctx.guard(fn)();
  });
  // Changes inside iframe documents are not part of the walk: they follow their iframe's attach.
  if (deferred.length) processMutations(ctx, deferred);
  ctx.queue.drain();
  return lastPart;
}

/** @param {Node} n */
function inWalkedDocument(n) {
  return n === document || n.ownerDocument === document;
}
