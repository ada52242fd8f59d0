/*
 * ignore.mjs: subtrees Veil adds to the page for its own use (the privacy preview's overlay) and
 * never records.
 *
 * Rules: one set per observer module, so every observer of the page (the early one included)
 * reads the same. A node in an ignored subtree is never walked, added, reconciled or named as an
 * event's target: recording the page with an overlay drawn sends exactly what it sends without.
 * The set is empty unless a preview is drawn, and the checks cost nothing then.
 */

/** @type {Set<Node>} */
const ignored = new Set();

/** Never record ``root`` or anything inside it; returns the function that undoes this. @param {Node} root */
export function ignoreSubtree(root) {
  ignored.add(root);
  return () => {
    ignored.delete(root);
  };
}

/** Something is ignored now (the hot paths' check before anything else). */
export function anyIgnored() {
  return ignored.size > 0;
}

/** ``n`` is the root of an ignored subtree (the walk's check: it never enters one). @param {Node} n */
export function isIgnoredRoot(n) {
  return ignored.size > 0 && ignored.has(n);
}

/** ``n`` lies in an ignored subtree (through shadow roots too). @param {any} n */
export function isIgnored(n) {
  if (ignored.size === 0) return false;
  for (let node = n; node; node = node.parentNode || node.host) if (ignored.has(node)) return true;
  return false;
}
