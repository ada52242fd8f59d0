/*
 * trackers/frames.mjs: the parent page's side of recording cross-origin iframes that run Veil.
 *
 * Rules: a child (an iframe from another origin whose Veil names this page's origin as its
 * parentOrigin) says "hello" to this window. The hello is taken only from an origin this page
 * lists (iframeOrigins, as the core validated them) AND from the window of an iframe element this
 * page records (not same-origin: those are recorded directly, as before); anything else that
 * names Veil is ignored and counted (options.ignored), never read further, and recorded nowhere.
 * While this page records, a hello is answered "welcome" with a MessagePort, posted to that
 * iframe's window for that origin only; from then on the child's batches come over the port alone,
 * which no other window holds. Each batch (gzipped, masked by the child's own core) goes to this
 * page's core with the iframe element's id (options.post), which masks it again under the
 * iframe's level and never lowers the child's masking; a batch too large is dropped. The child is
 * asked for a fresh full snapshot after every full snapshot of this page and whenever the core
 * says its document is not in the replay. Until a handshake the iframe is recorded as before (an
 * empty iframe). When this page starts recording it tells every recorded cross-origin iframe
 * "ready" (for each listed origin only), so a child that said hello too early says it again.
 * The teardown removes the listener and closes every port.
 */
import { FRAME_MESSAGE_KEY } from "../../generated/contract.mjs";
import { runAll } from "../listen.mjs";

const MAX_BATCH_BYTES = 8 * 1024 * 1024; // a child's gzipped batch is far smaller (its core bounds it)
const READY_POLL_MS = 1000;

/**
 * @typedef {{ origins: () => string[], active: () => boolean,
 *   post: (iframeId: number, bytes: Uint8Array<ArrayBuffer>) => Promise<any>, ignored: () => void }} FramesOptions
 */

/** @param {FramesOptions} options */
export function trackFrames(ctx, options) {
  const teardowns = [];
  const ports = new Map(); // iframe element -> its child's MessagePort
  const roots = new Set(); // shadow roots and iframe documents besides document
  let wasActive = false;
  teardowns.push(ctx.onRoot((root) => roots.add(root)));

  function iframes() {
    const found = Array.from(document.getElementsByTagName("iframe"));
    roots.forEach((root) => found.push(...root.querySelectorAll("iframe")));
    return found;
  }

  function sameOrigin(iframe) {
    try {
      return Boolean(iframe.contentDocument);
    } catch (err) {
      return false;
    }
  }

  function message(kind) {
    return { [FRAME_MESSAGE_KEY]: kind };
  }

  const onMessage = ctx.guard((e) => {
    const data = e.data;
    if (!data || typeof data !== "object" || !Object.prototype.hasOwnProperty.call(data, FRAME_MESSAGE_KEY)) return; // not Veil's
    const kind = data[FRAME_MESSAGE_KEY];
    if (e.source === window.parent && e.source !== window && (kind === "welcome" || kind === "ready")) return; // this page as a child (veil/embedded.mjs)
    const iframe = e.source ? iframes().find((f) => f.contentWindow === e.source) : undefined;
    if (kind !== "hello" || !iframe || !options.origins().includes(e.origin) || ctx.nodeId(iframe) <= 0 ||
        sameOrigin(iframe)) {
      options.ignored();
      return;
    }
    if (options.active()) connect(iframe, e.origin);
  });
  window.addEventListener("message", onMessage);
  teardowns.push(() => window.removeEventListener("message", onMessage));

  function connect(iframe, origin) {
    const previous = ports.get(iframe);
    if (previous) previous.close();
    const channel = new MessageChannel();
    const port = channel.port1;
    ports.set(iframe, port);
    port.onmessage = ctx.guard((e) => {
      const data = e.data;
      const bytes = data && data[FRAME_MESSAGE_KEY] === "batch" ? data.bytes : null;
      const id = ctx.nodeId(iframe);
      if (!(bytes instanceof Uint8Array) || bytes.byteLength > MAX_BATCH_BYTES || id <= 0 || !iframe.isConnected ||
          ports.get(iframe) !== port || !options.active()) {
        return;
      }
      options.post(id, bytes).then(ctx.guard((answer) => {
        if (answer && answer.needSnapshot) port.postMessage(message("snapshot"));
      }), ctx.onError);
    });
    iframe.contentWindow.postMessage(message("welcome"), origin, [channel.port2]);
  }

  // A fresh full snapshot of this page empties the replay's iframes: every child sends one again.
  const resnapshot = () => {
    ports.forEach((port, iframe) => {
      if (iframe.isConnected) port.postMessage(message("snapshot"));
      else {
        port.close();
        ports.delete(iframe);
      }
    });
    if (wasActive) sayReady();
  };
  ctx.afterSnapshot.add(resnapshot);
  teardowns.push(() => ctx.afterSnapshot.delete(resnapshot));

  // Recording now: children that said hello before (or not yet) are told so.
  function sayReady() {
    for (const iframe of iframes()) {
      if (ports.has(iframe) || ctx.nodeId(iframe) <= 0 || sameOrigin(iframe) || !iframe.contentWindow) continue;
      for (const origin of options.origins()) iframe.contentWindow.postMessage(message("ready"), origin);
    }
  }
  const poll = setInterval(ctx.guard(() => {
    const active = options.active();
    if (active && !wasActive) sayReady();
    wasActive = active;
  }), READY_POLL_MS);
  teardowns.push(() => clearInterval(poll));

  teardowns.push(() => {
    ports.forEach((port) => port.close());
    ports.clear();
    roots.clear();
  });
  return () => runAll(ctx, teardowns);
}
