/*
 * observer/observer.mjs: the DOM observer, assembled from its trackers.
 *
 * Rules: it reads the page and produces raw rrweb-shaped events (full snapshot, mutations, input
 * values, clicks, pointer moves, scroll, viewport, keys, actions, navigation, CSSOM, and the page's
 * network requests and opted-in console calls) that go only to the
 * worker through `post`, never to the network. It makes no privacy decision (context.mjs). Each
 * tracker sets itself up and returns its own teardown; stop() runs them all, and nothing a tracker
 * did to the page (listeners, timers, wrapped prototype setters, the MutationObserver) survives it.
 *
 * Where things are: context.mjs (ids, flags, rrweb-snapshot's options), queue.mjs (hand-over),
 * walk.mjs (time-sliced full snapshot) + reconcile.mjs (its fix-up), mutations.mjs (mutation
 * serialization), records.mjs (the one record classifier and mutation-event builder), trackers/.
 */
import { createContext } from "./context.mjs";
import { runAll } from "./listen.mjs";
import { createQueue } from "./queue.mjs";
import { trackActions } from "./trackers/actions.mjs";
import { trackCanvas } from "./trackers/canvas.mjs";
import { captureReason, trackErrors } from "./trackers/errors.mjs";
import { trackFrames } from "./trackers/frames.mjs";
import { trackConsole } from "./trackers/console.mjs";
import { trackInputs } from "./trackers/inputs.mjs";
import { trackKeys } from "./trackers/keys.mjs";
import { trackMutations } from "./trackers/mutations.mjs";
import { navigated } from "./trackers/navigation.mjs";
import { trackNetwork } from "./trackers/network.mjs";
import { trackPointer } from "./trackers/pointer.mjs";
import { trackScroll } from "./trackers/scroll.mjs";
import { trackShadowRoots } from "./trackers/shadows.mjs";
import { trackStyles } from "./trackers/styles.mjs";
import { trackViewport } from "./trackers/viewport.mjs";
import { cancelWalk, takeFullSnapshot } from "./walk.mjs";

/**
 * @param {import("./context.mjs").ObserverOptions} options
 * @param {import("./context.mjs").RrwebSnapshot} lib rrweb-snapshot's module
 */
export function createObserver(options, lib) {
  const ctx = createContext(options, lib);
  ctx.queue = createQueue(ctx, options.post, options.delayMs);
  const teardowns = [];
  let pointer = null;

  function start() {
    ctx.running = true;
    ctx.reset();
    lib.cleanupSnapshot(); // a new recording numbers its nodes from 1 again, as rrweb's does
    // Observing first: whatever changes while the snapshot is walked is buffered for its fix-up.
    teardowns.push(trackMutations(ctx));
    const result = takeFullSnapshot(ctx);
    pointer = trackPointer(ctx);
    teardowns.push(trackInputs(ctx), pointer.teardown, trackActions(ctx), trackKeys(ctx), trackScroll(ctx), trackViewport(ctx));
    teardowns.push(trackErrors(ctx));
    teardowns.push(trackStyles(ctx)); // CSSOM: rules, declarations, adopted sheets
    teardowns.push(trackShadowRoots(ctx)); // shadow roots attached to recorded elements
    // Canvas frames where the core allows them; cross-origin iframes' recordings after a handshake.
    if (options.canvas) teardowns.push(trackCanvas(ctx, options.canvas));
    if (options.frames) teardowns.push(trackFrames(ctx, options.frames));
    // Context channels: network metadata unless `network: false`, console levels only when opted in.
    if (options.network) teardowns.push(trackNetwork(ctx, options.network));
    if (options.console && options.console.length) teardowns.push(trackConsole(ctx, options.console));
    return result;
  }

  function stop() {
    ctx.running = false;
    cancelWalk(ctx);
    runAll(ctx, teardowns);
    pointer = null;
    ctx.queue.clear();
    ctx.reset();
  }

  return {
    start,
    stop,
    navigated: ctx.guard(() => navigated(ctx)),
    // Veil.capture(reason): resolves with the worker's answer to its hand-over (null when not running).
    capture: (reason) => (ctx.running ? captureReason(ctx, reason) : Promise.resolve(null)),
    // A fresh full snapshot; resolves like takeFullSnapshot (null when not running).
    snapshot: () => (ctx.running ? takeFullSnapshot(ctx) : Promise.resolve(null)),
    drain: () => {
      if (pointer) pointer.flush();
      return ctx.queue.drain();
    },
    pending: () => ctx.queue.size() > 0 || (pointer !== null && pointer.pending()) || ctx.walk !== null,
  };
}
