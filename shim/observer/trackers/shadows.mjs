/*
 * trackers/shadows.mjs: open shadow roots attached to elements already recorded, such as a web
 * component upgraded after the snapshot (its definition loaded late) or one that renders lazily.
 *
 * Rules: a root attached to a recorded element that is not a blocked placeholder is watched like
 * a root the serializer found (ctx.watchRoot): its children are then recorded as they are added,
 * as shadow children of the host (rrweb's Replayer attaches the host's shadow root with the first
 * one), and its adopted sheets by trackers/styles.mjs. A root attached to an element not recorded
 * yet is left to the serializer, which reads it with its host. A closed root is read only through
 * the loader snippet (ctx.shadowRoots, closed.mjs), as in a snapshot; without it, never. The
 * wrapped Element.prototype.attachShadow is restored by the teardown it returns.
 */

export function trackShadowRoots(ctx) {
  const proto = window.Element && Element.prototype;
  const descriptor = proto && Object.getOwnPropertyDescriptor(proto, "attachShadow");
  if (!descriptor || typeof descriptor.value !== "function") return () => {};
  const original = descriptor.value;
  const watch = ctx.guard((host, root) => {
    if (!root || (root.mode !== "open" && !ctx.shadowRoots) || ctx.nodeId(host) <= 0) return;
    const meta = ctx.mirror.getMeta(host);
    if (meta && meta.attributes && meta.attributes.rr_width !== undefined) return; // a blocked placeholder
    ctx.watchRoot(root);
  });
  Object.defineProperty(proto, "attachShadow", Object.assign({}, descriptor, {
    value: function attachShadow(...args) {
      const root = original.apply(this, args);
      if (ctx.running) watch(this, root);
      return root;
    },
  }));
  return () => Object.defineProperty(proto, "attachShadow", descriptor);
}
