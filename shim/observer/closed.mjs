/*
 * closed.mjs: closed shadow roots, read through the loader snippet.
 *
 * Rules: rrweb-snapshot reads a host's shadow root through Element.shadowRoot, which is null for a
 * closed root. With the loader snippet's lookup (ctx.shadowRoots: every root attached since the
 * loader ran, handed to veil.js only), a closed root is recorded as an open one is: its host
 * carries isShadowHost, its children isShadow, and it is watched like any root (mutations, inputs,
 * adopted sheets), so its content takes its host's level in the core like any shadow content.
 * Nothing is read inside a blocked host (a placeholder) or a textarea's value. Without the lookup,
 * closed roots stay unread.
 */

/** The closed shadow root of ``n`` known to the loader, or null (none, open, or no loader). */
export function closedRootOf(ctx, n) {
  if (!ctx.shadowRoots || !n || n.nodeType !== Node.ELEMENT_NODE || n.shadowRoot) return null;
  const root = ctx.shadowRoots(n);
  return root && root.host === n ? root : null;
}

/** Whether rrweb-snapshot blocked ``n``'s serialized node (a placeholder: no children). */
function blocked(meta) {
  return !meta || (meta.attributes && meta.attributes.rr_width !== undefined);
}

/**
 * rrweb-snapshot's serializeNodeWithId of ``n`` and its subtree (``options`` without skipChild),
 * with the children of every closed root in it serialized after the light ones, as rrweb-snapshot
 * does for an open root.
 */
export function attachClosedRoots(ctx, n, options) {
  const hosts = [];
  const inner = options.onSerialize;
  const opts = Object.assign({}, options, {
    onSerialize(node) {
      if (inner) inner(node);
      if (closedRootOf(ctx, node)) hosts.push(node);
    },
  });
  const serialized = ctx.lib.serializeNodeWithId(n, opts);
  for (const host of hosts) {
    const meta = ctx.mirror.getMeta(host);
    if (blocked(meta) || (meta.tagName === "textarea" && meta.attributes.value !== undefined)) continue;
    meta.isShadowHost = true;
    for (const child of Array.from(closedRootOf(ctx, host).childNodes)) {
      const node = attachClosedRoots(ctx, child, options);
      if (!node) continue;
      node.isShadow = true;
      meta.childNodes.push(node);
    }
  }
  return serialized;
}
