/*
 * context.mjs: what the observer's modules share for one observer: the node mirror (ids), the
 * selector flags, the watched roots, rrweb-snapshot's options, and the error guard.
 *
 * Rules: node ids stay stable across the full snapshots of one recording (the mirror is reset
 * only by start() and stop()), so the core's per-node memory stays valid. Selector matches are
 * only shipped as flags for Python to judge; the one thing not read is the inside of an element
 * that already matches a block selector (rrweb-snapshot's own blockSelector). Every callback the
 * page can reach goes through guard(): an error is reported through onError, never thrown at
 * the page.
 */
import { MATCH_FLAGS_KEY, MEDIA_TAGS, SIZE_KEY } from "../generated/contract.mjs";
import { attachClosedRoots, closedRootOf } from "./closed.mjs";
import { mutationEvent } from "./records.mjs";

const MEDIA = new Set(MEDIA_TAGS);

/**
 * @typedef {object} ObserverOptions
 * @property {(json: string, oldest: number) => Promise<any>} post hands a JSON array of events to the worker
 * @property {number} delayMs how long events wait for company before a hand-over
 * @property {string[]} allowSelectors
 * @property {string[]} maskSelectors
 * @property {string[]} blockSelectors
 * @property {boolean} [measure] User Timing measures of the observer's work (debug)
 * @property {(err: unknown) => void} onError
 * @property {import("./trackers/network.mjs").NetworkOptions | null} [network] the network channel (null: off)
 * @property {string[]} [console] console levels to record
 * @property {((host: Element) => ShadowRoot | undefined) | null} [shadowRoots] the loader snippet's
 *   lookup of every shadow root attached since it ran, closed ones included (closed.mjs)
 * @property {import("./trackers/canvas.mjs").CanvasOptions} [canvas] canvas frames
 * @property {import("./trackers/frames.mjs").FramesOptions} [frames] cross-origin iframes (the parent's side)
 * @typedef {typeof import("../vendor/rrweb-snapshot/rrweb-snapshot.js")} RrwebSnapshot
 */

/**
 * @param {ObserverOptions} options
 * @param {RrwebSnapshot} lib rrweb-snapshot's module (handed in by the entry, the one file that imports it)
 */
export function createContext(options, lib) {
  const { onError } = options;
  const blockSelector = ['[data-veil="block" i]', ".veil-block"].concat(options.blockSelectors).join(", ");
  const allowSelector = options.allowSelectors.join(", ");
  const maskSelector = options.maskSelectors.join(", ");
  const roots = new Set(); // shadow roots and iframe documents watched besides document
  const rootWatchers = new Set();

  const ctx = {
    lib,
    mirror: new lib.Mirror(),
    blockSelector,
    userSelectors: options.allowSelectors.concat(options.maskSelectors, options.blockSelectors).join(", "),
    flagged: new Set(), // elements whose last shipped selector flags were non-empty
    running: false,
    walk: null, // the time-sliced full snapshot in progress (walk.mjs)
    freshlySerialized: null, // nodes serialized by the mutation batch in progress, else null
    /** @type {object | null} the reading of a finished walk's large stylesheets in progress (walk.mjs) */
    sheetReader: null,
    prepared: false, // rrweb-snapshot's one-time setup is done (walk.mjs)
    queue: null, // the hand-over (queue.mjs), set by the observer
    takeRecords: () => [], // the mutation tracker's pending records, while it runs
    shadowRoots: options.shadowRoots || null, // closed roots too, through the loader (closed.mjs)
    afterSnapshot: new Set(), // called when a full snapshot's walk has ended (trackers that re-send state)

    guard(fn) {
      return function (...args) {
        try {
          return fn.apply(this, args);
        } catch (err) {
          onError(err);
        }
      };
    },

    onError,

    // Under debug, each slice of main-thread work is a User Timing measure (veil:snapshot,
    // veil:mutations), so its cost can be read off the page.
    timed(name, fn) {
      if (!options.measure) return fn();
      const start = performance.now();
      try {
        return fn();
      } finally {
        performance.measure(name, { start, end: performance.now() });
      }
    },

    nodeId(n) {
      return n ? ctx.mirror.getId(n) : -1;
    },

    // ``blocked`` may be known already (rrweb-snapshot blocked the element), saving a match.
    matchFlags(el, blocked = el.matches(blockSelector)) {
      const flags = [];
      if (allowSelector && el.matches(allowSelector)) flags.push("allow");
      if (maskSelector && el.matches(maskSelector)) flags.push("mask");
      if (blocked) flags.push("block");
      return flags;
    },

    rememberFlags(el, flags) {
      const meta = ctx.mirror.getMeta(el);
      if (meta) meta[MATCH_FLAGS_KEY] = flags;
      if (flags.length) ctx.flagged.add(el);
      else ctx.flagged.delete(el);
    },

    // A shadow root or iframe document found by the serializer: every tracker that watches roots
    // (mutations, inputs) attaches to it, once.
    watchRoot(root) {
      if (roots.has(root)) return;
      roots.add(root);
      rootWatchers.forEach((watch) => watch(root));
    },

    // Call ``watch`` for every root watched so far and every one found later; returns its teardown.
    onRoot(watch) {
      rootWatchers.add(watch);
      roots.forEach((root) => watch(root));
      return () => rootWatchers.delete(watch);
    },

    // rrweb-snapshot's options for serializing a node (and, unless skipChild, its subtree).
    serializeOptions() {
      return {
        doc: document,
        mirror: ctx.mirror,
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
      };
    },

    // A node's shadow root: an open one, or through the loader a closed one (closed.mjs).
    shadowRootOf(n) {
      return n.shadowRoot || closedRootOf(ctx, n);
    },

    serialize(n, overrides) {
      const options = overrides ? Object.assign(ctx.serializeOptions(), overrides) : ctx.serializeOptions();
      return ctx.shadowRoots && !options.skipChild ? attachClosedRoots(ctx, n, options) : lib.serializeNodeWithId(n, options);
    },

    // Forget everything about the page (stop(), and start() of a new recording).
    reset() {
      roots.clear();
      ctx.flagged.clear();
      ctx.mirror.reset();
    },
  };

  function onSerialize(n) {
    if (ctx.freshlySerialized) ctx.freshlySerialized.add(n);
    if (n.nodeType !== Node.ELEMENT_NODE) return;
    const meta = ctx.mirror.getMeta(n);
    // rrweb-snapshot already matched blockSelector: a blocked element keeps only its class and size.
    const flags = ctx.matchFlags(n, meta.attributes !== undefined && meta.attributes.rr_width !== undefined);
    if (flags.length) {
      meta[MATCH_FLAGS_KEY] = flags;
      ctx.flagged.add(n);
    }
    if (MEDIA.has(n.localName)) {
      const rect = n.getBoundingClientRect();
      meta[SIZE_KEY] = [Math.round(rect.width), Math.round(rect.height)];
    }
    const root = ctx.shadowRootOf(n);
    if (root) ctx.watchRoot(root);
  }

  // An iframe's document, serialized by rrweb-snapshot once it has loaded: attach it like rrweb.
  function onIframeLoad(iframe, serialized) {
    if (!ctx.running) return;
    const parentId = ctx.nodeId(iframe);
    if (parentId <= 0) return;
    ctx.queue.push(mutationEvent({ adds: [{ parentId, nextId: null, node: serialized }], isAttachIframe: true }, Date.now()));
    if (iframe.contentDocument) ctx.watchRoot(iframe.contentDocument);
  }

  return ctx;
}
