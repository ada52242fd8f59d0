/*
 * preview/overlay.mjs: drawing the verdicts over the live page (Veil.preview).
 *
 * Rules: everything drawn lives in one host element, appended to <html>, with its styles in its
 * own shadow root (the page's CSS cannot reach in, ours cannot leak out) and inline styles on the
 * host itself; the observer ignores it (it is never recorded). Boxes, labels and the tooltip take
 * no pointer events: only the legend does. At most MAX_BOXES boxes are drawn, laid out in slices
 * of at most SLICE_MS; a scroll or resize lays them out again (once per frame at most). Close()
 * removes the host, every listener, timer and frame request: the page's DOM is as it was.
 * What is written is the core's verdicts (kind, level, rule, what the replay shows), as text.
 */
import { SLICE_MS, yieldToPage } from "./rows.mjs";

export const MAX_BOXES = 1500;
export const KINDS = ["clear", "masked", "typed", "secret", "blocked"];
const LABELS = {
  clear: ["clear", "recorded as the page shows it"],
  masked: ["masked", "text as * (all or part); media as placeholders"],
  typed: ["typed value masked", "what the visitor types or chooses: ********"],
  secret: ["secret", "a forced secret, masked at every level"],
  blocked: ["blocked", "a box of its size; nothing inside is read"],
};
const TIP_MAX_CHARS = 160;

const CSS = `
:host { all: initial; }
.box { position: absolute; box-sizing: border-box; pointer-events: none; border: 2px solid var(--c); background: color-mix(in srgb, var(--c) 12%, transparent); }
.box.hover { background: color-mix(in srgb, var(--c) 30%, transparent); border-width: 3px; }
.clear { --c: #1a7f37; } .masked { --c: #bf8700; } .typed { --c: #0969da; } .secret { --c: #cf222e; }
.blocked { --c: #57606a; }
.box.blocked { background: repeating-linear-gradient(45deg, rgba(87,96,106,.35) 0 6px, rgba(87,96,106,.1) 6px 12px); }
.legend, .tip { position: fixed; font: 12px/1.4 system-ui, sans-serif; color: #1f2328; background: #fff;
  border: 1px solid #d0d7de; border-radius: 6px; box-shadow: 0 4px 16px rgba(0,0,0,.18); }
.legend { right: 12px; bottom: 12px; width: 300px; padding: 10px 12px; pointer-events: auto; }
.legend h2 { font: 600 13px/1.3 system-ui, sans-serif; margin: 0 0 6px; }
.legend ul { list-style: none; margin: 0 0 6px; padding: 0; }
.legend li { display: grid; grid-template-columns: 14px 1fr auto; column-gap: 6px; align-items: baseline; margin: 3px 0; }
.legend .label { font-weight: 600; }
.legend .meaning { grid-column: 2 / 4; }
.legend .swatch { flex: none; width: 10px; height: 10px; border: 2px solid var(--c); background: color-mix(in srgb, var(--c) 25%, transparent); }
.legend .count { font-variant-numeric: tabular-nums; }
.legend .meaning, .legend p { color: #59636e; }
.legend p { margin: 4px 0 0; }
.legend button { font: inherit; margin-top: 6px; cursor: pointer; }
.tip { max-width: 380px; padding: 8px 10px; pointer-events: none; }
.tip .kind { font-weight: 600; color: var(--c); }
[hidden] { display: none !important; }
`;

/**
 * @typedef {{ id: number, kind: string, level: string, rule: string, shown: string[],
 *   clear: Array<{source: string, text: string}> }} Verdict
 */

/** @param {string} text */
function cut(text) {
  return text.length <= TIP_MAX_CHARS ? text : text.slice(0, TIP_MAX_CHARS - 1) + "…";
}

/**
 * @param {Document} doc
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function make(doc, tag, className, text) {
  const el = doc.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Draw ``verdicts`` (by element) over the page.
 * @param {Map<Element, Verdict>} byElement
 * @param {{ ignore: (root: Node) => () => void, onClose: () => void, truncated: boolean }} options
 */
export function drawOverlay(byElement, options) {
  const doc = document;
  const host = doc.createElement("veil-preview");
  host.setAttribute("style", "all: initial !important; position: absolute !important; top: 0 !important; left: 0 !important; "
    + "width: 0 !important; height: 0 !important; overflow: visible !important; z-index: 2147483647 !important; "
    + "pointer-events: none !important; display: block !important;");
  const unignore = options.ignore(host); // before it is in the page: its own mutation is never recorded
  const root = host.attachShadow({ mode: "open" });
  const style = make(doc, "style");
  style.textContent = CSS;
  const layer = make(doc, "div", "layer");
  const tip = make(doc, "div", "tip");
  tip.hidden = true;
  const counts = { clear: 0, masked: 0, typed: 0, secret: 0, blocked: 0 };
  byElement.forEach((v) => { counts[/** @type {keyof typeof counts} */ (v.kind)] += 1; });
  const legend = drawLegend(doc, counts, options.truncated, () => options.onClose());
  root.append(style, layer, legend, tip);
  doc.documentElement.appendChild(host);

  /** @type {Array<[Element, HTMLElement]>} */
  const boxes = [];
  /** @type {Map<Element, HTMLElement>} */
  const boxOf = new Map();
  let closed = false;
  let layoutRun = 0;
  let frame = 0;
  let hovered = /** @type {HTMLElement | null} */ (null);

  // Where each element is, in document coordinates: read in slices, reads only (a write between
  // two reads would make the browser lay the whole page out again for the second).
  async function measure(/** @type {Element[]} */ elements) {
    /** @type {Array<DOMRect | null>} */
    const rects = [];
    while (rects.length < elements.length) {
      const started = performance.now();
      const x = scrollX;
      const y = scrollY;
      while (rects.length < elements.length && performance.now() - started < SLICE_MS) {
        const el = elements[rects.length];
        const r = el.isConnected ? el.getBoundingClientRect() : null;
        rects.push(r && r.width >= 1 && r.height >= 1 ? new DOMRect(r.left + x, r.top + y, r.width, r.height) : null);
      }
      if (rects.length < elements.length) await yieldToPage();
      if (closed) return null;
    }
    return rects;
  }

  /** @param {HTMLElement} box @param {DOMRect | null} rect */
  function place(box, rect) {
    box.hidden = rect === null;
    if (!rect) return;
    box.style.left = rect.x + "px";
    box.style.top = rect.y + "px";
    box.style.width = rect.width + "px";
    box.style.height = rect.height + "px";
  }

  // Every box moved where its element is now: all read first, then all written.
  async function layout() {
    const run = ++layoutRun;
    const items = boxes.slice();
    const rects = await measure(items.map((item) => item[0]));
    if (!rects || closed || run !== layoutRun) return;
    items.forEach(([, box], i) => place(box, rects[i]));
  }

  function relayout() {
    if (frame || closed) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      layout();
    });
  }

  /** @param {MouseEvent} e */
  function onMove(e) {
    let found = /** @type {Element | null} */ (null);
    for (const n of e.composedPath()) {
      if (n instanceof Element && byElement.has(n)) {
        found = n;
        break;
      }
    }
    const box = found ? boxOf.get(found) || null : null;
    if (hovered && hovered !== box) hovered.classList.remove("hover");
    hovered = box;
    if (!found) {
      tip.hidden = true;
      return;
    }
    if (box) box.classList.add("hover");
    fillTip(doc, tip, /** @type {Verdict} */ (byElement.get(found)));
    tip.hidden = false;
    const x = Math.min(e.clientX + 14, innerWidth - tip.offsetWidth - 8);
    const y = e.clientY + 16 + tip.offsetHeight > innerHeight ? e.clientY - tip.offsetHeight - 10 : e.clientY + 16;
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
  }

  const listenOptions = { capture: true, passive: true };
  addEventListener("scroll", relayout, listenOptions);
  addEventListener("resize", relayout, listenOptions);
  doc.addEventListener("mousemove", onMove, listenOptions);

  // The boxes, at most MAX_BOXES, for the elements the page renders: measured first, then made
  // and placed in one go, off the page's DOM until the end (one insertion).
  const ready = (async () => {
    const items = Array.from(byElement);
    const rects = await measure(items.map((item) => item[0]));
    if (!rects) return 0;
    const fragment = doc.createDocumentFragment();
    for (let i = 0; i < items.length && boxes.length < MAX_BOXES;) {
      const started = performance.now();
      for (; i < items.length && boxes.length < MAX_BOXES && performance.now() - started < SLICE_MS; i++) {
        if (!rects[i]) continue;
        const [el, verdict] = items[i];
        const box = make(doc, "div", "box " + verdict.kind);
        place(box, rects[i]);
        boxes.push([el, box]);
        boxOf.set(el, box);
        fragment.appendChild(box);
      }
      if (i < items.length && boxes.length < MAX_BOXES) await yieldToPage();
      if (closed) return 0;
    }
    layer.appendChild(fragment);
    return boxes.length;
  })();

  return {
    ready,
    close() {
      if (closed) return;
      closed = true;
      cancelAnimationFrame(frame);
      removeEventListener("scroll", relayout, listenOptions);
      removeEventListener("resize", relayout, listenOptions);
      doc.removeEventListener("mousemove", onMove, listenOptions);
      host.remove();
      unignore();
      boxes.length = 0;
      boxOf.clear();
    },
  };
}

/**
 * @param {Document} doc
 * @param {Record<string, number>} counts
 * @param {boolean} truncated
 * @param {() => void} close
 */
function drawLegend(doc, counts, truncated, close) {
  const legend = make(doc, "section", "legend");
  legend.setAttribute("aria-label", "Veil privacy preview");
  legend.appendChild(make(doc, "h2", "", "Veil privacy preview: what the replay shows"));
  const list = make(doc, "ul");
  for (const kind of KINDS) {
    const [label, meaning] = LABELS[/** @type {keyof typeof LABELS} */ (kind)];
    const item = make(doc, "li", kind);
    item.dataset.kind = kind;
    item.append(make(doc, "span", "swatch"), make(doc, "span", "label", label), make(doc, "span", "count", String(counts[kind] || 0)),
      make(doc, "span", "meaning", meaning));
    list.appendChild(item);
  }
  legend.appendChild(list);
  legend.appendChild(make(doc, "p", "", "Hover an element for the rule that decided it: site text (the site's allow-list), "
    + "an override and the element it sits on, a forced secret, or the default level."));
  legend.appendChild(make(doc, "p", "", "Decided by Veil's Python core as recording decides; nothing of this preview is sent or recorded."
    + " It shows the page as it was when drawn: call Veil.preview() again after it changes."));
  if (truncated) legend.appendChild(make(doc, "p", "", "A large page: only its first elements are previewed."));
  const button = make(doc, "button", "close", "Close preview");
  /** @type {HTMLButtonElement} */ (button).type = "button";
  button.addEventListener("click", close);
  legend.appendChild(button);
  return legend;
}

/**
 * @param {Document} doc
 * @param {HTMLElement} tip
 * @param {Verdict} verdict
 */
function fillTip(doc, tip, verdict) {
  tip.textContent = "";
  tip.className = "tip " + verdict.kind;
  const [label] = LABELS[/** @type {keyof typeof LABELS} */ (verdict.kind)] || [verdict.kind];
  tip.append(make(doc, "div", "kind", label + " (level " + verdict.level + ")"), make(doc, "div", "rule", "Rule: " + cut(verdict.rule)));
  if (verdict.shown.length) tip.appendChild(make(doc, "div", "shown", "Replay shows: " + cut(verdict.shown.join(" · "))));
}
