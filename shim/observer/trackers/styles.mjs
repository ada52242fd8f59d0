/*
 * trackers/styles.mjs: styles built by script (the CSSOM), as rrweb's incremental events:
 * StyleSheetRule (insertRule, deleteRule, addRule, removeRule, replace, replaceSync, and the
 * insertRule/deleteRule of nested grouping rules), StyleDeclaration (setProperty/removeProperty on
 * a rule's style) and AdoptedStyleSheet (adoptedStyleSheets of the document and shadow roots).
 *
 * Rules: the raw CSS goes only to the worker, where the one CSS masker (veil.css) judges it; this
 * module makes no privacy decision beyond rrweb-snapshot's own: a blocked host's sheets are not
 * sent (the replay has a placeholder there). A sheet is named by the recorded node that owns it
 * (`id`) or, when constructed, by a `styleId` numbered here; a sheet with neither is skipped (its
 * rules are read whole when it is adopted or its owner is serialized). An event is built before
 * the page's call runs (with the page's earlier DOM changes serialized first, so a <style> or host
 * added just before has its id) and handed over only if the call succeeded. Inline styles
 * (`el.style.setProperty`) change the style attribute, which the mutation tracker records.
 * rrweb's Replayer forgets constructed sheets at every full snapshot, so after each one every
 * adopted sheet is sent again (`ctx.snapshotTaken`, called by the walk). Every prototype method
 * and accessor wrapped here is restored by the teardown it returns.
 */
import { EventType, Source } from "../../generated/contract.mjs";
import { runAll } from "../listen.mjs";
import { processMutations } from "../mutations.mjs";

// Nested rules that take insertRule/deleteRule (CSSGroupingRule covers @media, @supports, nesting).
const GROUPING_RULES = ["CSSGroupingRule"];

/**
 * @typedef {ShadowRoot | Document} Root
 * @typedef {{ id: number } | { styleId: number }} SheetTarget
 * @typedef {Record<string, unknown>} Change
 */

/** @param {import("../types.js").Context} ctx */
export function trackStyles(ctx) {
  /** @type {Array<() => void>} */
  const teardowns = [];
  /** @type {WeakMap<CSSStyleSheet, number>} */
  let styleIds = new WeakMap(); // constructed sheet -> its styleId since the last snapshot
  let nextStyleId = 1; // never reused in a recording: an old id can never name a new sheet
  /** @type {WeakMap<Root, string>} */
  let announced = new WeakMap(); // root -> the styleIds last sent for it
  /** @type {Set<Root>} */
  const roots = new Set(); // shadow roots and iframe documents found by the serializer

  /** @param {Change} data */
  function emit(data) {
    ctx.queue.push({ type: EventType.IncrementalSnapshot, data, timestamp: Date.now() });
  }

  // The page's earlier DOM changes first: a node added just now gets its id (not during a walk,
  // whose fix-up reconciles them).
  function settle() {
    if (ctx.walk) return;
    processMutations(ctx, ctx.takeRecords());
    ctx.queue.schedule();
  }

  /** @param {CSSStyleSheet | null} sheet @returns {SheetTarget | null} */
  function sheetTarget(sheet) {
    if (!sheet) return null;
    if (sheet.ownerNode) {
      const id = ctx.nodeId(sheet.ownerNode);
      return id > 0 ? { id } : null;
    }
    const styleId = styleIds.get(sheet);
    return styleId ? { styleId } : null;
  }

  // rrweb's nested position of a rule: its index in each enclosing rule list, outermost first.
  /** @param {CSSRule} rule @returns {number[] | null} */
  function positionOf(rule) {
    /** @type {number[]} */
    const out = [];
    for (let r = /** @type {CSSRule | null} */ (rule); r; r = r.parentRule) {
      const list = r.parentRule ? /** @type {CSSGroupingRule} */ (r.parentRule).cssRules : r.parentStyleSheet ? r.parentStyleSheet.cssRules : null;
      if (!list) return null;
      out.unshift(Array.prototype.indexOf.call(list, r));
    }
    return out.length && out.every((i) => i >= 0) ? out : null;
  }

  // Wrap proto[name]: ``before(self, args)`` (guarded) may return what to emit once the page's
  // call has returned without throwing. The CSSOM's own methods are wrapped as they are (same
  // `this`, the very arguments), so their parameters are typed loosely.
  /** @param {object | undefined} proto @param {string} name @param {(self: any, args: any[]) => Change | null} before */
  function wrap(proto, name, before) {
    const descriptor = proto && Object.getOwnPropertyDescriptor(proto, name);
    if (!descriptor || typeof descriptor.value !== "function") return;
    const original = descriptor.value;
    const prepare = ctx.guard(before);
    /** @this {unknown} @param {unknown[]} args */
    const wrapped = function (...args) {
      const data = ctx.running ? prepare(this, args) : null;
      const result = original.apply(this, args);
      if (data) ctx.guard(emit)(data);
      return result;
    };
    Object.defineProperty(proto, name, Object.assign({}, descriptor, { value: wrapped }));
    teardowns.push(() => Object.defineProperty(proto, name, descriptor));
  }

  /** @param {CSSStyleSheet | null} sheet @param {Change} change */
  function ruleChange(sheet, change) {
    settle();
    const target = sheetTarget(sheet);
    return target ? Object.assign({ source: Source.StyleSheetRule }, target, change) : null;
  }

  const index = (/** @type {unknown} */ i) => (typeof i === "number" && i >= 0 ? Math.floor(i) : undefined);
  const sheetProto = window.CSSStyleSheet && CSSStyleSheet.prototype;
  wrap(sheetProto, "insertRule", (sheet, [rule, at]) => ruleChange(sheet, { adds: [{ rule: String(rule), index: index(at) }] }));
  wrap(sheetProto, "deleteRule", (sheet, [at]) => ruleChange(sheet, { removes: [{ index: index(at) || 0 }] }));
  wrap(sheetProto, "addRule", (sheet, [selector, block, at]) =>
    ruleChange(sheet, { adds: [{ rule: `${selector} { ${block === undefined ? "" : block} }`, index: at === undefined ? sheet.cssRules.length : index(at) }] }),
  );
  wrap(sheetProto, "removeRule", (sheet, [at]) => ruleChange(sheet, { removes: [{ index: index(at) || 0 }] }));
  wrap(sheetProto, "replace", (sheet, [text]) => ruleChange(sheet, { replace: String(text) }));
  wrap(sheetProto, "replaceSync", (sheet, [text]) => ruleChange(sheet, { replaceSync: String(text) }));
  for (const name of GROUPING_RULES) {
    const found = /** @type {Record<string, { prototype: object } | undefined>} */ (/** @type {unknown} */ (window))[name];
    const proto = found && found.prototype;
    const nested = (/** @type {CSSRule} */ rule, /** @type {unknown} */ at) => {
      const position = positionOf(rule);
      return position ? [...position, index(at) || 0] : null;
    };
    wrap(proto, "insertRule", (rule, [text, at]) => {
      const position = nested(rule, at);
      return position && ruleChange(rule.parentStyleSheet, { adds: [{ rule: String(text), index: position }] });
    });
    wrap(proto, "deleteRule", (rule, [at]) => {
      const position = nested(rule, at);
      return position && ruleChange(rule.parentStyleSheet, { removes: [{ index: position }] });
    });
  }

  /** @param {CSSStyleDeclaration} style @param {Change} change */
  function declarationChange(style, change) {
    const rule = style.parentRule; // null for an element's inline style (a style attribute mutation)
    if (!rule) return null;
    const target = sheetTarget(rule.parentStyleSheet);
    const position = target && positionOf(rule);
    return position ? Object.assign({ source: Source.StyleDeclaration }, target, change, { index: position }) : null;
  }
  const declarationProto = window.CSSStyleDeclaration && CSSStyleDeclaration.prototype;
  wrap(declarationProto, "setProperty", (style, [property, value, priority]) =>
    declarationChange(style, { set: { property: String(property), value: value == null ? "" : String(value), priority: priority ? String(priority) : "" } }),
  );
  wrap(declarationProto, "removeProperty", (style, [property]) => declarationChange(style, { remove: { property: String(property) } }));

  // --- adopted sheets ---

  /** @param {Root} root @returns {Node} */
  function hostOf(root) {
    return root instanceof ShadowRoot ? root.host : root;
  }

  /** @param {CSSStyleSheet} sheet */
  function rulesOf(sheet) {
    return Array.from(sheet.cssRules, (rule, i) => ({ rule: rule.cssText, index: i }));
  }

  // Send what ``root`` (a document or shadow root) has adopted, unless that was sent already.
  /** @param {Root} root */
  function announce(root) {
    const host = hostOf(root);
    const hostId = ctx.nodeId(host);
    if (hostId <= 0) return; // not recorded (yet): it is announced when it is serialized
    const meta = /** @type {import("../types.js").Serialized | null} */ (host.nodeType === Node.ELEMENT_NODE ? ctx.mirror.getMeta(host) : null);
    if (meta && meta.attributes && meta.attributes.rr_width !== undefined) return; // a blocked placeholder
    const sheets = Array.from(root.adoptedStyleSheets || []);
    /** @type {Array<{ styleId: number, rules: Array<{ rule: string, index: number }> }>} */
    const styles = [];
    const ids = sheets.map((sheet) => {
      let id = styleIds.get(sheet);
      if (!id) {
        id = nextStyleId++;
        styleIds.set(sheet, id);
        styles.push({ styleId: id, rules: rulesOf(sheet) });
      }
      return id;
    });
    const key = ids.join();
    if (announced.get(root) === key || (!ids.length && !announced.has(root))) return;
    announced.set(root, key);
    /** @type {Change} */
    const data = { source: Source.AdoptedStyleSheet, id: hostId, styleIds: ids };
    if (styles.length) data.styles = styles;
    emit(data);
  }

  /** @param {object | undefined} proto */
  function wrapAdopted(proto) {
    const descriptor = proto && Object.getOwnPropertyDescriptor(proto, "adoptedStyleSheets");
    const setter = descriptor && descriptor.set;
    if (!proto || !descriptor || !setter) return;
    const adopted = ctx.guard((/** @type {Root} */ root) => {
      if (root instanceof ShadowRoot) return later(root);
      settle();
      announce(root);
    });
    Object.defineProperty(
      proto,
      "adoptedStyleSheets",
      Object.assign({}, descriptor, {
        /** @this {Root} @param {CSSStyleSheet[]} sheets */
        set(sheets) {
          setter.call(this, sheets);
          if (ctx.running) adopted(this);
        },
      }),
    );
    teardowns.push(() => Object.defineProperty(proto, "adoptedStyleSheets", descriptor));
  }
  wrapAdopted(window.Document && Document.prototype);
  wrapAdopted(window.ShadowRoot && ShadowRoot.prototype);

  // A shadow root is announced in a task of its own, as rrweb does: the replay attaches a shadow
  // root only once a child of it is added, so the page's rendering into it (a component renders
  // in a microtask after it adopted its styles) is serialized first.
  /** @type {Set<Root>} */
  const pending = new Set();
  /** @type {ReturnType<typeof setTimeout> | 0} */
  let timer = 0;
  /** @param {Root} root */
  function later(root) {
    pending.add(root);
    if (!timer)
      timer = setTimeout(
        ctx.guard(() => {
          timer = 0;
          if (!ctx.running) return pending.clear();
          settle();
          pending.forEach(announce);
          pending.clear();
        }),
        0,
      );
  }
  teardowns.push(() => {
    clearTimeout(timer);
    pending.clear();
  });

  // A root found while serializing a mutation (its host's event is still being built); roots a
  // walk finds are announced when the walk ends.
  teardowns.push(
    ctx.onRoot((root) => {
      roots.add(root);
      if (!ctx.walk) later(root);
    }),
  );

  // After a full snapshot the replay has no constructed sheet: send every adopted one again.
  ctx.snapshotTaken = ctx.guard(() => {
    styleIds = new WeakMap();
    announced = new WeakMap();
    announce(document);
    roots.forEach((root) => {
      if (hostOf(root).isConnected) announce(root);
      else roots.delete(root);
    });
  });
  teardowns.push(() => {
    ctx.snapshotTaken = null;
    roots.clear();
  });
  return () => runAll(ctx, teardowns);
}
