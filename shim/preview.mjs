/*
 * veil-preview.mjs: the privacy preview's entry (Veil.preview), loaded only when a developer asks.
 *
 * Rules: it reads the page as recording reads it (preview/rows.mjs), hands the rows to the core
 * through ``judge`` (the worker's "preview" message: the core masks them as it masks a
 * recording, and says per element what the replay shows and which rule decided it), and draws
 * those verdicts (preview/overlay.mjs). It decides nothing and sends nothing: ``judge`` talks to
 * the page's own worker only. The overlay is registered with the observer's ``ignore`` before it
 * enters the page, so it is never recorded; close() removes every trace of it.
 */
import { drawOverlay, KINDS } from "./preview/overlay.mjs";
import { readRows } from "./preview/rows.mjs";

/**
 * @typedef {import("./preview/overlay.mjs").Verdict} Verdict
 * @typedef {{ allowSelectors?: string[], maskSelectors?: string[], blockSelectors?: string[] }} Selectors
 * @typedef {{ config: Selectors, judge: (rowsJson: string) => Promise<any>, ignore: (root: Node) => () => void,
 *   isIgnored: (n: Node) => boolean, onClose: () => void }} PreviewOptions
 */

/** @param {PreviewOptions} options */
export function openPreview(options) {
  let closed = false;
  /** @type {{ close: () => void } | null} */
  let overlay = null;
  const done = (async () => {
    const rows = await readRows(options.config, { isIgnored: options.isIgnored, cancelled: () => closed });
    if (!rows) return null;
    const answer = await options.judge(rows.json);
    if (!answer || !answer.ok) throw new Error("Veil.preview: " + ((answer && answer.reason) || "no answer from the core"));
    if (closed) return null;
    /** @type {Map<Element, Verdict>} */
    const byElement = new Map();
    /** @type {Record<string, number>} */
    const counts = {};
    KINDS.forEach((kind) => { counts[kind] = 0; });
    const verdicts = [];
    for (const verdict of /** @type {Verdict[]} */ (answer.verdicts)) {
      const element = rows.elements.get(verdict.id);
      if (!element) continue;
      byElement.set(element, verdict);
      counts[verdict.kind] = (counts[verdict.kind] || 0) + 1;
      verdicts.push({ element, kind: verdict.kind, level: verdict.level, rule: verdict.rule, shown: verdict.shown, clear: verdict.clear });
    }
    const truncated = rows.truncated || answer.truncated === true;
    overlay = drawOverlay(byElement, { ignore: options.ignore, onClose: options.onClose, truncated });
    const drawn = await /** @type {any} */ (overlay).ready;
    if (closed) return null;
    return { shown: true, counts, drawn, truncated, verdicts };
  })();
  return {
    done,
    close() {
      closed = true;
      if (overlay) overlay.close();
    },
  };
}
