/*
 * veil-observer.mjs: the DOM observer. Loaded only after the Python gate said yes.
 *
 * Rules: it reads the page and produces raw rrweb-shaped events (full snapshot via rrweb-snapshot,
 * mutations, input values, clicks, pointer moves, scroll, viewport) that go only to the worker
 * through `post`, never to the network. It makes no privacy decision: selector matches are shipped
 * as flags (the contract's MATCH_FLAGS_KEY) for Python to judge; the one thing it skips is reading inside elements
 * that already match a block selector (rrweb-snapshot's own blockSelector), which only ever
 * reduces what is read. Every listener catches its own errors, and every prototype setter it
 * wraps is restored by stop(). Node ids stay stable across the full snapshots of one
 * recording (the mirror is reset only by start()), so the core's per-node memory stays valid.
 *
 * A full snapshot is a time-sliced walk: nodes are serialized one at a time (rrweb-snapshot's
 * serializeNodeWithId with skipChild) in slices of at most SLICE_MS, each slice handed to the
 * worker as a part (one row of fields per node, naming its parent: see row()), yielding to
 * the page in between. What the page changes meanwhile is
 * buffered (mutation records) or held (every other event); when the walk ends, a fix-up mutation
 * reconciles the snapshot with the DOM as it is then, and the held events follow in order, so
 * snapshot + fix-up + held events replay exactly to the page's final state.
 */
import { Mirror, cleanupSnapshot, serializeNodeWithId, transformAttribute } from "./vendor/rrweb-snapshot/rrweb-snapshot.js";
import { ACTION_NAME_MAX, ACTION_TAG, EventType, FORM_FIELD_TAGS, KEY_TAG, LEVEL_ATTRIBUTES, MATCH_FLAGS_KEY, MEDIA_TAGS as MEDIA_TAG_LIST, NAVIGATION_TAG, RARE_KEYS, SIZE_KEY, Source } from "./generated/contract.mjs";

const Interaction = { Click: 2, ContextMenu: 3, DblClick: 4, Focus: 5, Blur: 6, TouchStart: 7, TouchEnd: 9, TouchCancel: 10 };
const MEDIA_TAGS = new Set(MEDIA_TAG_LIST);
const OBSERVE_OPTIONS = { childList: true, subtree: true, attributes: true, characterData: true };
// Setters that change what a field shows without an input event (React controlled inputs, scripts).
const VALUE_SETTERS = [
  ["HTMLInputElement", "value"],
  ["HTMLInputElement", "checked"],
  ["HTMLTextAreaElement", "value"],
  ["HTMLSelectElement", "value"],
  ["HTMLSelectElement", "selectedIndex"],
  ["HTMLOptionElement", "selected"],
];
// A snapshot slice's budget: well inside one frame (16 ms), leaving room for the hand-over.
const SLICE_MS = 4;
const MOVE_SAMPLE_MS = 50;
const MOVE_EMIT_MS = 500;
const SCROLL_THROTTLE_MS = 100;
const RESIZE_THROTTLE_MS = 200;

// For Veil.explain(): an element's tag, the attributes the core's reduce reads (class reduced to
// Veil's and rrweb's own markers), and its selector matches. No text, no other attribute.
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

export function createObserver(options) {
  const { post, delayMs, onError } = options;
  const blockSelector = ['[data-veil="block" i]', ".veil-block"].concat(options.blockSelectors).join(", ");
  const allowSelector = options.allowSelectors.join(", ");
  const maskSelector = options.maskSelectors.join(", ");
  const userSelectors = options.allowSelectors.concat(options.maskSelectors, options.blockSelectors).join(", ");
  const flagged = new Set(); // elements whose last shipped selector flags were non-empty
  const observedRoots = new Set(); // shadow roots and iframe documents watched besides document
  const restores = [];
  const mirror = new Mirror();
  let buffer = [];
  let timer = 0;
  let inFlight = Promise.resolve();
  let observer = null;
  let running = false;
  let moves = [];
  let lastMoveSample = 0;
  let trailingMove = null;
  let moveTimer = 0;
  const throttles = new Map();
  const listeners = [];
  let freshlySerialized = null; // nodes serialized by the mutation batch in progress, else null
  let walk = null; // the time-sliced full snapshot in progress
  let prepared = false; // rrweb-snapshot's one-time setup is done

  function guard(fn) {
    return function (...args) {
      try {
        return fn.apply(this, args);
      } catch (err) {
        onError(err);
      }
    };
  }

  // ``blocked`` may be known already (rrweb-snapshot blocked the element), saving a match.
  function matchFlags(el, blocked = el.matches(blockSelector)) {
    const flags = [];
    if (allowSelector && el.matches(allowSelector)) flags.push("allow");
    if (maskSelector && el.matches(maskSelector)) flags.push("mask");
    if (blocked) flags.push("block");
    return flags;
  }

  function onSerialize(n) {
    if (freshlySerialized) freshlySerialized.add(n);
    if (n.nodeType !== Node.ELEMENT_NODE) return;
    const meta = mirror.getMeta(n);
    // rrweb-snapshot already matched blockSelector: a blocked element keeps only its class and size.
    const flags = matchFlags(n, meta.attributes !== undefined && meta.attributes.rr_width !== undefined);
    if (flags.length) {
      meta[MATCH_FLAGS_KEY] = flags;
      flagged.add(n);
    }
    if (MEDIA_TAGS.has(n.localName)) {
      const rect = n.getBoundingClientRect();
      meta[SIZE_KEY] = [Math.round(rect.width), Math.round(rect.height)];
    }
    if (n.shadowRoot) watchRoot(n.shadowRoot);
  }

  function watchRoot(root) {
    if (observedRoots.has(root)) return;
    observedRoots.add(root);
    if (observer) observer.observe(root, OBSERVE_OPTIONS);
    listenDocument(root);
  }

  // An iframe's document, serialized by rrweb-snapshot once it has loaded: attach it like rrweb.
  function onIframeLoad(iframe, serialized) {
    if (!running) return;
    const parentId = nodeId(iframe);
    if (parentId <= 0) return;
    push({
      type: EventType.IncrementalSnapshot,
      data: { source: Source.Mutation, adds: [{ parentId, nextId: null, node: serialized }], removes: [], texts: [], attributes: [], isAttachIframe: true },
      timestamp: Date.now(),
    });
    if (iframe.contentDocument) watchRoot(iframe.contentDocument);
  }

  const serializeOptions = () => ({
    doc: document,
    mirror,
    blockClass: "rr-block",
    blockSelector,
    maskTextClass: "rr-mask",
    maskTextSelector: null,
    skipChild: false,
    inlineStylesheet: true,
    maskInputOptions: { password: true },
    slimDOMOptions: {},
    dataURLOptions: {},
    inlineImages: false,
    recordCanvas: false,
    preserveWhiteSpace: true,
    onSerialize,
    onIframeLoad,
    newlyAddedElement: true,
    keepIframeSrcFn: () => false,
  });

  // Queue an event for the next hand-over; during a snapshot walk it waits for the walk's end.
  function push(event) {
    if (walk) {
      walk.held.push(event);
      return;
    }
    buffer.push(event);
    if (!timer) timer = setTimeout(drain, delayMs);
  }

  function emit(event, urgent) {
    if (walk) {
      walk.held.push(event);
      return walk.finished;
    }
    // Changes the page made before this event come first, so the timeline keeps its order.
    if (observer) processMutations(observer.takeRecords());
    buffer.push(event);
    if (urgent) return drain();
    if (!timer) timer = setTimeout(drain, delayMs);
    return inFlight;
  }

  // Hand everything observed so far to the worker; resolves with the worker's answer.
  function drain() {
    clearTimeout(timer);
    timer = 0;
    if (observer && !walk) processMutations(observer.takeRecords());
    if (!buffer.length) return inFlight;
    const events = buffer;
    buffer = [];
    // Encoded here, in bounded hand-overs, so the worker receives one string and clones nothing.
    const json = JSON.stringify(events);
    inFlight = inFlight.catch(() => {}).then(() => post(json, events[0].timestamp));
    return inFlight;
  }

  function nodeId(n) {
    return n ? mirror.getId(n) : -1;
  }

  // Yield to the page between slices: a background task where the Scheduler API exists, so that
  // the page's own work always goes first.
  function yieldToPage(fn) {
    if (globalThis.scheduler && typeof scheduler.postTask === "function") {
      scheduler.postTask(fn, { priority: "background" }).catch(onError);
    } else {
      setTimeout(fn, 0);
    }
  }

  // A full snapshot, walked in slices. Resolves with the worker's answer to the last part (the one
  // that completes the masked snapshot), or null if the recording stopped meanwhile.
  function takeFullSnapshot() {
    if (walk) return walk.finished; // the walk in progress reads the page as it is now
    if (observer) processMutations(observer.takeRecords()); // earlier changes belong before it
    emitMeta();
    const w = {
      startedAt: Date.now(),
      stack: [[document, null, null, false]], // [node, parent id, node it was read under, cssCaptured]
      serialized: new Map(), // node -> the parent node (or shadow root) it was serialized under
      children: new Map(), // parent node (or shadow root) -> nodes serialized under it, in order
      childless: new Set(), // serialized elements whose children are never recorded (blocked)
      records: [], // mutation records taken during the walk
      held: [], // every other event observed during the walk
      cancelled: false,
      finished: null,
      resolve: null,
    };
    w.finished = new Promise((resolve) => { w.resolve = resolve; });
    walk = w;
    const options = Object.assign(serializeOptions(), { skipChild: true, newlyAddedElement: false, needsMask: false });
    const step = guard(() => {
      if (w.cancelled) return;
      try {
        const done = timed("veil:snapshot", () => {
          if (!walkSlice(w, options)) return false;
          w.resolve(finishWalk(w));
          return true;
        });
        if (!done) yieldToPage(step);
      } catch (err) {
        walk = null;
        w.cancelled = true;
        w.resolve(null);
        throw err;
      }
    });
    afterNextFrame(() => {
      if (prepared) return step();
      timed("veil:setup", prepare);
      afterNextFrame(step); // the probe's iframe touched the body: let the page lay out again first
    });
    return w.finished;
  }

  // rrweb-snapshot looks up "untainted" DOM accessors once per page, and for Element (2.2.2 tests
  // querySelector as if it were an accessor) that means creating and removing a hidden iframe:
  // 10-25 ms. It is done here, on a detached element, in a task of its own (veil:setup), rather
  // than inside the first slice of the walk.
  function prepare() {
    prepared = true;
    // Known to its own mirror already, the probe takes no id from rrweb-snapshot's counter: the
    // document stays id 1, which rrweb-snapshot serializes without a rootId on every node.
    const probe = document.createElement("span");
    const probeMirror = new Mirror();
    probeMirror.add(probe, { type: 2, tagName: "span", attributes: {}, childNodes: [], id: -3 });
    serializeNodeWithId(probe, Object.assign(serializeOptions(), { mirror: probeMirror, skipChild: true, onSerialize: null, onIframeLoad: null }));
  }

  // The walk reads layout (scroll offsets, sizes): starting just after a frame finds it clean,
  // instead of forcing the page's pending style and layout work into Veil's first slice. A hidden
  // page paints no frame, hence the timeout.
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
  function walkSlice(w, options) {
    const started = performance.now();
    const part = [];
    while (w.stack.length) {
      if (performance.now() - started > SLICE_MS) break;
      const [n, parentId, container, cssCaptured] = w.stack.pop();
      // Moved or removed since its parent was read, or already walked: the fix-up reconciles it.
      if ((container && n.parentNode !== container) || w.serialized.has(n)) continue;
      options.cssCaptured = cssCaptured; // as rrweb-snapshot: a <style> whose CSS it inlined
      const node = serializeNodeWithId(n, options);
      if (!node) continue;
      w.serialized.set(n, container);
      if (container) {
        if (!w.children.has(container)) w.children.set(container, []);
        w.children.get(container).push(n);
      }
      part.push(row(node, parentId));
      if (node.type !== 0 && node.type !== 2) continue;
      const blocked = node.type === 2 && node.attributes.rr_width !== undefined;
      const textareaValue = node.type === 2 && node.tagName === "textarea" && node.attributes.value !== undefined;
      if (blocked || textareaValue) {
        w.childless.add(n);
        continue;
      }
      // Pushed last-first so they are walked in document order: light children, then shadow ones.
      const css = node.type === 2 && typeof node.attributes._cssText === "string";
      const shadow = n.nodeType === Node.ELEMENT_NODE && n.shadowRoot;
      if (shadow) for (let c = shadow.lastChild; c; c = c.previousSibling) w.stack.push([c, node.id, shadow, false]);
      for (let c = n.lastChild; c; c = c.previousSibling) w.stack.push([c, node.id, n, css]);
    }
    const done = w.stack.length === 0;
    const data = { part, done };
    if (done) data.initialOffset = { left: window.scrollX, top: window.scrollY };
    buffer.push({ type: EventType.FullSnapshot, data, timestamp: w.startedAt });
    if (done) return true;
    drain();
    return false;
  }

  // A snapshot node as a row of its fields, which the core reads about twice as fast as the
  // object (see veil.tree.SnapshotAssembler): [type, id, parentId, ...fields, rare keys?].
  function row(node, parentId) {
    let out;
    switch (node.type) {
      case 0: out = [0, node.id, null, node.compatMode === undefined ? null : node.compatMode]; break; // document
      case 1: out = [1, node.id, parentId, node.name, node.publicId, node.systemId]; break; // doctype
      case 2: out = [2, node.id, parentId, node.tagName, node.attributes]; break; // element
      default: out = [node.type, node.id, parentId, node.textContent]; // text, CDATA, comment
    }
    let rare = null;
    for (const key of RARE_KEYS) {
      if (node[key] !== undefined) (rare || (rare = {}))[key] = node[key];
    }
    if (rare) out.push(rare);
    return out;
  }

  // The walk is over: hand over its last part, then the fix-up, then what was held, in order.
  function finishWalk(w) {
    const records = w.records.concat(observer ? observer.takeRecords() : []);
    walk = null;
    const lastPart = drain();
    const deferred = records.filter((r) => !inWalkedDocument(r.target));
    const fixup = timed("veil:mutations", () => reconcile(w, records.filter((r) => inWalkedDocument(r.target))));
    if (fixup) buffer.push(fixup);
    w.held.forEach((event) => buffer.push(event));
    // Changes inside iframe documents are not part of the walk: they follow their iframe's attach.
    if (deferred.length) processMutations(deferred);
    drain();
    return lastPart;
  }

  function inWalkedDocument(n) {
    return n === document || n.ownerDocument === document;
  }

  function hostOf(container) {
    return container instanceof ShadowRoot ? container.host : container;
  }

  // Whether a node lies in a subtree that the fix-up serializes afresh.
  function insideAny(set, n) {
    for (let node = n; node; node = node.parentNode || node.host) if (set.has(node)) return true;
    return false;
  }

  // The most children that can stay put: the longest run of ``current`` that appears in ``seen``
  // in the same order (a longest increasing subsequence of their positions in ``seen``), so moving
  // one child re-adds that child only.
  function keptInOrder(seen, current) {
    const position = new Map(seen.map((n, i) => [n, i]));
    const candidates = current.filter((c) => position.has(c));
    const tails = []; // tails[k]: index in candidates of the smallest tail of a run of length k+1
    const previous = new Array(candidates.length);
    candidates.forEach((c, i) => {
      const p = position.get(c);
      let lo = 0;
      let hi = tails.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (position.get(candidates[tails[mid]]) < p) lo = mid + 1;
        else hi = mid;
      }
      previous[i] = lo > 0 ? tails[lo - 1] : -1;
      tails[lo] = i;
    });
    const kept = new Set();
    for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) kept.add(candidates[i]);
    return kept;
  }

  // One mutation that turns "the walk's snapshot" into "the page now": for every parent whose
  // children changed during the walk, the children that are no longer where the walk saw them are
  // removed and the ones now there are added afresh (same ids); texts and attributes that changed
  // are sent with their current values. Every step is idempotent, so it does not matter whether a
  // change happened before or after the walk read the node.
  function reconcile(w, records) {
    const containers = new Set();
    const texts = new Set();
    const attrs = new Map();
    for (const r of records) {
      if (r.type === "childList") containers.add(r.target);
      else if (r.type === "characterData") texts.add(r.target);
      else if (r.type === "attributes") {
        if (!attrs.has(r.target)) attrs.set(r.target, new Set());
        attrs.get(r.target).add(r.attributeName);
      }
    }
    const ordered = [...containers].filter((c) => {
      const host = hostOf(c);
      return w.serialized.has(host) && !w.childless.has(host) && host.isConnected;
    });
    // First which children stay where the walk saw them (in order) and which are re-added whole;
    // then a parent that lies inside a re-added subtree needs nothing of its own.
    const plans = [];
    const fresh = new Set(); // roots of the subtrees added afresh
    for (const container of ordered) {
      const seen = w.children.get(container) || [];
      const current = Array.from(container.childNodes);
      const kept = keptInOrder(seen, current);
      current.forEach((c) => kept.has(c) || fresh.add(c));
      plans.push({ container, seen, current, kept });
    }
    const removes = [];
    const adds = [];
    for (const { container, seen, current, kept } of plans) {
      if (insideAny(fresh, container)) continue;
      const parentId = nodeId(hostOf(container));
      for (const n of seen) {
        const id = nodeId(n);
        if (!kept.has(n) && id > 0) removes.push({ parentId, id });
      }
      // Last-first: each added node's next sibling is already in place when it is inserted.
      for (let k = current.length - 1; k >= 0; k--) {
        const c = current[k];
        if (kept.has(c)) continue;
        const node = serializeNodeWithId(c, serializeOptions());
        if (!node) continue;
        if (container instanceof ShadowRoot) node.isShadow = true;
        adds.push({ parentId, nextId: nextIdOf(c), node });
      }
    }
    const textChanges = [];
    for (const n of texts) {
      if (w.serialized.has(n) && n.isConnected && !insideAny(fresh, n)) textChanges.push({ id: nodeId(n), value: n.textContent });
    }
    const attributeChanges = [];
    for (const [el, names] of attrs) {
      if (w.serialized.has(el) && el.isConnected && !insideAny(fresh, el)) attributeChanges.push(...attributeChange(el, names));
    }
    for (const { id } of removes) {
      const n = mirror.getNode(id);
      if (n && !n.isConnected) mirror.removeNodeFromMap(n);
    }
    if (!(adds.length || removes.length || textChanges.length || attributeChanges.length)) return null;
    return {
      type: EventType.IncrementalSnapshot,
      data: { source: Source.Mutation, texts: textChanges, attributes: attributeChanges, removes, adds },
      timestamp: w.startedAt,
    };
  }

  function isTopmost(n, added) {
    for (let p = n.parentNode; p; p = p.parentNode) if (added.has(p)) return false;
    return true;
  }

  function parentIdOf(n) {
    const parent = n.parentNode;
    if (!parent) return -1;
    return nodeId(hostOf(parent));
  }

  function nextIdOf(n) {
    for (let s = n.nextSibling; s; s = s.nextSibling) {
      const id = nodeId(s);
      if (id > 0) return id;
    }
    return null;
  }

  function rememberFlags(el, flags) {
    const meta = mirror.getMeta(el);
    if (meta) meta[MATCH_FLAGS_KEY] = flags;
    if (flags.length) flagged.add(el);
    else flagged.delete(el);
  }

  // A selector such as ".private p" can start or stop matching a descendant when an ancestor's
  // attributes change: ship the new flags of every recorded descendant whose match changed.
  function descendantFlagChanges(el) {
    const candidates = new Set(el.querySelectorAll(userSelectors));
    flagged.forEach((d) => {
      if (d !== el && el.contains(d)) candidates.add(d);
    });
    const changes = [];
    for (const d of candidates) {
      const id = nodeId(d);
      if (id <= 0 || d === el) continue;
      const before = (mirror.getMeta(d)[MATCH_FLAGS_KEY] || []).join();
      const flags = matchFlags(d);
      if (flags.join() === before) continue;
      rememberFlags(d, flags);
      const current = {};
      for (const name of LEVEL_ATTRIBUTES) current[name] = d.getAttribute(name);
      changes.push({ id, attributes: {}, current, [MATCH_FLAGS_KEY]: flags });
    }
    return changes;
  }

  // Under debug, each slice of main-thread work is a User Timing measure (veil:snapshot,
  // veil:mutations), so its cost can be read off the page.
  function timed(name, fn) {
    if (!options.measure) return fn();
    const start = performance.now();
    try {
      return fn();
    } finally {
      performance.measure(name, { start, end: performance.now() });
    }
  }

  function processMutations(records) {
    if (!records.length) return;
    timed("veil:mutations", () => serializeMutations(records));
  }

  function serializeMutations(records) {
    const added = new Set();
    const removed = [];
    const texts = new Set();
    const attrs = new Map();
    for (const r of records) {
      if (r.type === "childList") {
        r.addedNodes.forEach((n) => added.add(n));
        r.removedNodes.forEach((n) => removed.push([r.target, n]));
      } else if (r.type === "characterData") {
        texts.add(r.target);
      } else if (r.type === "attributes") {
        if (!attrs.has(r.target)) attrs.set(r.target, new Set());
        attrs.get(r.target).add(r.attributeName);
      }
    }
    const removes = [];
    const seenRemoves = new Set();
    for (const [parent, n] of removed) {
      const id = nodeId(n);
      const parentId = nodeId(hostOf(parent));
      if (id > 0 && parentId > 0 && !seenRemoves.has(id)) {
        seenRemoves.add(id);
        removes.push({ parentId, id });
      }
    }
    freshlySerialized = new Set();
    const candidates = [...added].filter((n) => n.isConnected);
    const addedSet = new Set(candidates);
    const topmost = candidates.filter((n) => isTopmost(n, addedSet));
    // Reverse document order: each node's next sibling is serialized before it.
    topmost.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1));
    const adds = [];
    for (const n of topmost) {
      const parentId = parentIdOf(n);
      if (parentId <= 0) continue;
      const parentEl = hostOf(n.parentNode);
      if (parentEl.nodeType === Node.ELEMENT_NODE && parentEl.closest(blockSelector)) continue;
      const node = serializeNodeWithId(n, serializeOptions());
      if (node) adds.push({ parentId, nextId: nextIdOf(n), node });
    }
    const textChanges = [];
    for (const n of texts) {
      const id = nodeId(n);
      if (id > 0 && n.isConnected && !freshlySerialized.has(n)) textChanges.push({ id, value: n.textContent });
    }
    const attributeChanges = [];
    for (const [el, names] of attrs) {
      if (nodeId(el) <= 0 || !el.isConnected || freshlySerialized.has(el)) continue;
      attributeChanges.push(...attributeChange(el, names));
    }
    for (const [, n] of removed) {
      if (!n.isConnected && mirror.hasNode(n)) {
        mirror.removeNodeFromMap(n);
        flagged.forEach((d) => {
          if (!d.isConnected) flagged.delete(d);
        });
      }
    }
    freshlySerialized = null;
    if (adds.length || removes.length || textChanges.length || attributeChanges.length) {
      buffer.push({
        type: EventType.IncrementalSnapshot,
        data: { source: Source.Mutation, texts: textChanges, attributes: attributeChanges, removes, adds },
        timestamp: Date.now(),
      });
    }
  }

  // An element's changed attributes with their current values, the attributes the core's reduce
  // reads, its selector flags, and the flag changes this caused below it.
  function attributeChange(el, names) {
    const tagName = el.tagName.toLowerCase();
    const attributes = {};
    for (const name of names) {
      const value = el.getAttribute(name);
      attributes[name] = value === null ? null : transformAttribute(document, tagName, name.toLowerCase(), value);
    }
    const current = {};
    for (const name of LEVEL_ATTRIBUTES) current[name] = el.getAttribute(name);
    const flags = matchFlags(el);
    rememberFlags(el, flags);
    const changes = [{ id: nodeId(el), attributes, current, [MATCH_FLAGS_KEY]: flags }];
    if (userSelectors) changes.push(...descendantFlagChanges(el));
    return changes;
  }

  function listen(target, type, fn, opts) {
    const handler = guard(fn);
    target.addEventListener(type, handler, opts || { capture: true, passive: true });
    listeners.push([target, type, handler, opts || { capture: true, passive: true }]);
  }

  function throttled(key, ms, fn) {
    const now = Date.now();
    const last = throttles.get(key) || { at: 0, timer: 0 };
    clearTimeout(last.timer);
    if (now - last.at >= ms) {
      throttles.set(key, { at: now, timer: 0 });
      fn();
    } else {
      const timer = setTimeout(guard(() => {
        throttles.set(key, { at: Date.now(), timer: 0 });
        fn();
      }), ms - (now - last.at));
      throttles.set(key, { at: last.at, timer });
    }
  }

  function emitMoves() {
    moveTimer = 0;
    if (trailingMove) moves.push(trailingMove);
    trailingMove = null;
    if (!moves.length) return;
    const timestamp = Date.now();
    for (const source of [Source.MouseMove, Source.TouchMove]) {
      const positions = moves
        .filter((p) => p.source === source)
        .map((p) => ({ x: p.x, y: p.y, id: p.id, timeOffset: p.at - timestamp }));
      if (positions.length) emit({ type: EventType.IncrementalSnapshot, data: { source, positions }, timestamp });
    }
    moves = [];
  }

  function targetOf(e) {
    const path = e.composedPath ? e.composedPath() : [];
    return path.length ? path[0] : e.target;
  }

  // The id of the node itself or, inside a blocked element, of the nearest recorded ancestor.
  function recordedIdOf(n) {
    for (let node = n; node; node = node.parentNode || node.host) {
      const id = nodeId(node);
      if (id > 0) return id;
    }
    return -1;
  }

  function interaction(type, e, x, y) {
    emit({
      type: EventType.IncrementalSnapshot,
      data: { source: Source.MouseInteraction, type, id: recordedIdOf(targetOf(e)), x, y },
      timestamp: Date.now(),
    });
  }

  const ACTIONABLE = "button, a, summary, label, select, [role=button], [role=link], [role=menuitem], [role=tab], input[type=submit], input[type=button], input[type=reset], input[type=checkbox], input[type=radio]";

  // What was clicked, named as a person would (the core masks the name by the element's level).
  function emitAction(e) {
    const target = targetOf(e);
    const el = target && target.closest ? target.closest(ACTIONABLE) : null;
    if (!el || nodeId(el) <= 0) return;
    const inputName = el.localName === "input" && /^(submit|button|reset)$/.test(el.type) ? el.value : "";
    const name = (el.getAttribute("aria-label") || inputName || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, ACTION_NAME_MAX);
    emit({ type: EventType.Custom, data: { tag: ACTION_TAG, payload: { id: nodeId(el), name } }, timestamp: Date.now() });
  }

  // The raw key goes only to the worker; the core keeps named keys and turns the rest into "*".
  function onKeyDown(e) {
    emit({
      type: EventType.Custom,
      data: {
        tag: KEY_TAG,
        payload: { key: e.key, id: recordedIdOf(targetOf(e)), alt: e.altKey, ctrl: e.ctrlKey, meta: e.metaKey, shift: e.shiftKey },
      },
      timestamp: Date.now(),
    });
  }

  function onTouch(type) {
    return (e) => {
      const touch = (e.changedTouches && e.changedTouches[0]) || {};
      interaction(type, e, touch.clientX, touch.clientY);
    };
  }

  // Positions every MOVE_SAMPLE_MS at most, and always the last one (where the gesture ended).
  function samplePointer(source, e, x, y) {
    const now = Date.now();
    const position = { source, x, y, id: recordedIdOf(targetOf(e)), at: now };
    if (now - lastMoveSample < MOVE_SAMPLE_MS) {
      trailingMove = position;
    } else {
      lastMoveSample = now;
      trailingMove = null;
      moves.push(position);
    }
    if (!moveTimer) moveTimer = setTimeout(guard(emitMoves), MOVE_EMIT_MS);
  }

  function emitInput(el, userTriggered) {
    if (!el || !el.localName) return;
    if (el.localName === "option") el = el.closest("select");
    if (!el || !FORM_FIELD_TAGS.includes(el.localName)) return;
    const id = nodeId(el);
    if (id <= 0) return;
    emit({
      type: EventType.IncrementalSnapshot,
      data: { source: Source.Input, id, text: el.value, isChecked: !!el.checked, userTriggered },
      timestamp: Date.now(),
    });
  }

  function onInput(e) {
    emitInput(targetOf(e), e.isTrusted);
  }

  function hookValueSetters() {
    for (const [className, prop] of VALUE_SETTERS) {
      const proto = window[className] && window[className].prototype;
      const descriptor = proto && Object.getOwnPropertyDescriptor(proto, prop);
      if (!descriptor || !descriptor.set) continue;
      const wrapped = Object.assign({}, descriptor, {
        set(value) {
          descriptor.set.call(this, value);
          if (running) guard(emitInput)(this, false);
        },
      });
      Object.defineProperty(proto, prop, wrapped);
      restores.push(() => Object.defineProperty(proto, prop, descriptor));
    }
  }

  function emitMeta() {
    emit({ type: EventType.Meta, data: { href: location.href, width: innerWidth, height: innerHeight }, timestamp: Date.now() });
  }

  // SPA navigation (reported by veil.js): the new URL goes to the core, which scrubs it or, for an
  // excluded URL, pauses. A custom event, because rrweb's Replayer takes a meta event in
  // mid-recording for the start of a new page.
  function navigated() {
    emit({ type: EventType.Custom, data: { tag: NAVIGATION_TAG, payload: { href: location.href } }, timestamp: Date.now() }, true);
  }

  // "input" is composed and reaches the document from inside a shadow root; "change" is not.
  function listenDocument(root) {
    if (!(root instanceof ShadowRoot)) listen(root, "input", onInput);
    listen(root, "change", onInput);
  }

  function start() {
    running = true;
    mirror.reset();
    cleanupSnapshot(); // a new recording numbers its nodes from 1 again, as rrweb's does
    // Observing first: whatever changes while the snapshot is walked is buffered for its fix-up.
    observer = new MutationObserver(guard((records) => {
      if (walk) {
        walk.records.push(...records);
        return;
      }
      processMutations(records);
      if (buffer.length && !timer) timer = setTimeout(drain, delayMs);
    }));
    observer.observe(document, OBSERVE_OPTIONS);
    const result = takeFullSnapshot();
    listenDocument(document);
    hookValueSetters();
    listen(document, "click", (e) => {
      interaction(Interaction.Click, e, e.clientX, e.clientY);
      emitAction(e);
    });
    listen(document, "dblclick", (e) => interaction(Interaction.DblClick, e, e.clientX, e.clientY));
    listen(document, "contextmenu", (e) => interaction(Interaction.ContextMenu, e, e.clientX, e.clientY));
    listen(document, "focus", (e) => {
      if (targetOf(e) !== window) interaction(Interaction.Focus, e);
    });
    listen(document, "blur", (e) => {
      if (targetOf(e) !== window) interaction(Interaction.Blur, e);
    });
    listen(document, "touchstart", onTouch(Interaction.TouchStart));
    listen(document, "touchend", onTouch(Interaction.TouchEnd));
    listen(document, "touchcancel", onTouch(Interaction.TouchCancel));
    listen(document, "keydown", onKeyDown);
    listen(document, "mousemove", (e) => samplePointer(Source.MouseMove, e, e.clientX, e.clientY));
    listen(document, "touchmove", (e) => {
      const touch = e.touches && e.touches[0];
      if (touch) samplePointer(Source.TouchMove, e, touch.clientX, touch.clientY);
    });
    listen(document, "scroll", (e) => {
      const target = e.target;
      throttled(target, SCROLL_THROTTLE_MS, () => {
        const isDoc = target === document || target === document.documentElement;
        const el = isDoc ? document.scrollingElement || document.documentElement : target;
        const id = nodeId(isDoc ? document : target);
        if (id <= 0) return;
        emit({
          type: EventType.IncrementalSnapshot,
          data: { source: Source.Scroll, id, x: el.scrollLeft, y: el.scrollTop },
          timestamp: Date.now(),
        });
      });
    });
    listen(window, "resize", () => {
      throttled(window, RESIZE_THROTTLE_MS, () => {
        emit({
          type: EventType.IncrementalSnapshot,
          data: { source: Source.ViewportResize, width: innerWidth, height: innerHeight },
          timestamp: Date.now(),
        });
      });
    }, { passive: true });
    return result;
  }

  function stop() {
    running = false;
    if (walk) {
      walk.cancelled = true;
      walk.resolve(null);
      walk = null;
    }
    if (observer) observer.disconnect();
    observer = null;
    listeners.forEach(([target, type, handler, opts]) => target.removeEventListener(type, handler, opts));
    listeners.length = 0;
    restores.splice(0).forEach((restore) => guard(restore)());
    observedRoots.clear();
    flagged.clear();
    clearTimeout(timer);
    clearTimeout(moveTimer);
    throttles.forEach((t) => clearTimeout(t.timer));
    buffer = [];
    moves = [];
    trailingMove = null;
    mirror.reset();
  }

  return {
    start,
    stop,
    navigated: guard(navigated),
    snapshot: () => {
      if (running) takeFullSnapshot();
    },
    drain: () => {
      if (moveTimer) {
        clearTimeout(moveTimer);
        emitMoves();
      }
      return drain();
    },
    pending: () => buffer.length > 0 || moves.length > 0 || trailingMove !== null || walk !== null,
  };
}
