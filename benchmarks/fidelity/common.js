// What every fidelity page shares: a calm base style and the two hooks benchmarks/fidelity.py
// drives. A page calls expose(build, change): build() renders the widgets before any recorder
// starts; change() alters them after recording started, so each recorder must also capture what
// the library does at run time (new rules, new shadow roots, re-rendered rows). Both resolve
// only once the page looks settled, and every wait is bounded.
import "./page.css";

export function withTimeout(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

/** Fonts loaded, two frames painted, then a pause for transitions the page itself started. */
export async function settle(ms = 400) {
  await withTimeout(document.fonts.ready, 10000, "document.fonts.ready");
  await frame();
  await frame();
  await new Promise((resolve) => setTimeout(resolve, ms));
}

export function expose(build, change) {
  const ready = withTimeout(Promise.resolve().then(build), 20000, "build").then(() => settle());
  window.fidelity = {
    ready,
    change: () => withTimeout(Promise.resolve().then(change), 20000, "change").then(() => settle()),
  };
}

/** An element from a tag, attributes and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) el.setAttribute(name, "");
    else if (value !== false && value != null) el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) el.append(child);
  return el;
}
