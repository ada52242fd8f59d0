/*
 * veil-worker.mjs: the worker host. Boots Pyodide with the veil core, and relays strings.
 *
 * Rules: it decides nothing: each message is handed to veil.bridge as a JSON string through one
 * dispatch table (one name per message, end to end), and the answer (JSON, or the gzipped batch
 * bytes) goes back to veil.js. The boot starts as the worker starts, before any message is read,
 * from the runtime's memory snapshot when a usable one is stored (worker/boot.mjs), else plain;
 * beside a plain boot it has a snapshot made for the next page views by a worker the page starts on
 * its word (worker/nextviews.mjs, worker/maker.mjs), stored only once this page view records. The stylesheets earlier page views of the visit
 * masked are given to the core before it masks this view's (worker/csskeeper.mjs), and those it
 * masks anew are stored for the next views. What happened is posted to veil.js as unsolicited
 * {stats} messages (Veil.stats()); a snapshot's or a stored stylesheet's absence or failure is
 * never an error.
 */
import { BOOT_STATS_EMPTY } from "./generated/contract.mjs";
import { bootRuntime } from "./worker/boot.mjs";
import { encodeFrame, forgetFrames } from "./worker/canvas.mjs";
import { cssKeeper } from "./worker/csskeeper.mjs";
import { makerThroughPage } from "./worker/maker.mjs";
import { nextViewsSnapshot } from "./worker/nextviews.mjs";
import { VEIL_WHEEL, here, pyodideOptions, startingPyodide } from "./worker/runtime.mjs";
import { fetchSiteText } from "./worker/sitetext.mjs";
import { snapshotKey } from "./worker/store.mjs";

/** Cache Storage, or null where it is refused (its getter may throw). */
function storage() {
  try {
    return /** @type {any} */ (self).caches || null;
  } catch (_err) {
    return null;
  }
}

/** @type {any} veil.bridge, once booted */
let bridge = null;
/** @type {any} the Pyodide runtime, once booted */
let runtime = null;
/**
 * @typedef {import("./generated/contract.mjs").Messages} Messages
 * @typedef {import("./generated/contract.mjs").BootStats} BootStats
 * @typedef {import("./generated/contract.mjs").WorkerNotice} WorkerNotice
 * @typedef {import("./generated/contract.mjs").SnapshotReason} SnapshotReason
 */

// This script runs as a dedicated worker (tsc's lib is the page's: the worker's postMessage is named here).
const scope = /** @type {{ postMessage(message: unknown, transfer?: Transferable[]): void }} */ (/** @type {unknown} */ (self));

/** @type {BootStats} the shape the contract gives Veil.stats()'s boot counters */
const stats = { ...BOOT_STATS_EMPTY };

function report() {
  /** @type {WorkerNotice} */
  const notice = { stats: { ...stats } };
  scope.postMessage(notice);
}

// The WebAssembly memory Python lives in (it only grows): what Veil costs in the worker's memory.
function memoryBytes() {
  try {
    return runtime._module.HEAPU8.buffer.byteLength;
  } catch (_err) {
    return 0; // a diagnostic: its absence must not matter
  }
}

// Started now, not on "configure": the boot needs nothing from the page.
const booting = bootRuntime({
  loadPyodide: startingPyodide,
  options: pyodideOptions,
  // pyodide.loadPackage installs the wheel from its URL (the Pyodide lock lists no package).
  installWheel: (pyodide) => pyodide.loadPackage(here("./python/" + VEIL_WHEEL), { messageCallback: () => {} }),
  caches: storage(),
  key: snapshotKey(import.meta.url),
  onPlain: (reason) => nextViews.plainBoot(reason),
}).then((booted) => {
  bridge = booted.bridge;
  runtime = booted.pyodide;
  stats.bootKind = booted.kind;
  stats.bootMs = Math.round(booted.ms);
  if (booted.fallback) {
    stats.snapshotFallbacks += 1;
    stats.snapshotFallbackReason = booted.fallback;
  }
  report();
  return booted;
});
booting.catch(() => {}); // "configure" reports a failed boot

// The runtime's memory snapshot for the next page views, made beside a plain boot (worker/nextviews.mjs)
// by a worker the page starts on this one's word (worker/maker.mjs makerThroughPage).
const pageMaker = makerThroughPage(scope);
const nextViews = nextViewsSnapshot({ stats, report, caches: storage, workerUrl: import.meta.url, spawn: pageMaker.spawn });

// The visit's masked stylesheets (worker/csskeeper.mjs): read when a recording starts, given to
// the core before a hand-over is masked, those masked anew stored after it, deleted by Veil.stop().
const cssVisit = cssKeeper({
  caches: storage,
  workerUrl: import.meta.url,
  core: () => bridge,
  onCounts: (counts) => {
    stats.cssSheetsMasked += counts.masked;
    stats.cssSheetsReused += counts.reused;
    report();
  },
});

// The one dispatch table. A message's name is the same end to end: what veil.js sends
// (shim/veil/rpc.mjs), the key here, the veil.bridge function and the veil.api Core method; its
// payload and answer are the contract's (Messages). Some answers add the worker's diagnostics
// (pending bytes, memory) or the standby copy.
/** @type {{ [K in keyof Messages]: (payload: Messages[K]["payload"]) => Messages[K]["answer"] | Promise<Messages[K]["answer"]> }} */
const handlers = {
  async configure(payload) {
    // Read before the boot ends: a snapshot made beside it is stored in time by a short view.
    if (payload.ahead === true) nextViews.ahead();
    // The site-text list (allowTextUrl) is fetched while the runtime boots; the core judges it
    // once the config is valid, and the answer says whether it was used (siteText).
    const list = payload.siteTextUrl ? fetchSiteText(payload.siteTextUrl) : null;
    await booting;
    const answer = JSON.parse(bridge.configure(payload.config));
    if (list && answer.ok && answer.allowTextUrl) {
      const fetched = await list.done;
      try {
        answer.siteText = JSON.parse(bridge.site_text(fetched.bytes, fetched.failure));
      } catch (/** @type {any} */ err) {
        answer.siteText = { ok: false, reason: "the list could not be judged: " + String((err && err.message) || err).slice(0, 200) };
      }
    } else if (list) {
      list.cancel();
    }
    return answer;
  },
  autostart: (payload) => JSON.parse(bridge.autostart(JSON.stringify(payload.facts))),
  gate: (payload) => JSON.parse(bridge.gate(JSON.stringify(payload.facts))),
  start() {
    forgetFrames(); // a new recording numbers its nodes afresh: a kept frame could name another canvas
    const answer = JSON.parse(bridge.start());
    if (answer.ok && answer.session) cssVisit.begin(answer.session);
    if (answer.ok) nextViews.recording();
    return answer;
  },
  explain: (payload) => JSON.parse(bridge.explain(JSON.stringify(payload.chain))),
  // Veil.preview: the page's elements as snapshot rows (JSON text), judged as recording masks them.
  // The answer stays JSON text: the page parses it about 5x faster than it takes a structured
  // clone of thousands of verdicts (280 ms against 40-75 ms for 7,690, busy machine).
  preview: (payload) => ({ json: bridge.preview(payload.rows) }),
  tick: (payload) => JSON.parse(bridge.tick(payload.now, payload.active)),
  async observe(payload) {
    await cssVisit.loaded();
    const started = performance.now();
    // The observer hands over a JSON string: nothing is cloned or re-encoded on the way.
    const result = JSON.parse(bridge.observe(payload.events));
    result.maskMs = performance.now() - started; // Python's masking time, for debug's measures
    cssVisit.masked();
    return withQueueState(result);
  },
  // An encoded frame (prepared: worker/canvas.mjs painted the page's regions and encoded it), or why not.
  canvas_levels: (payload) => JSON.parse(bridge.canvas_levels(JSON.stringify(payload.ids))),
  canvas_frame(payload) {
    // What ``prepare`` made of the page's payload: {skip} or {frame}, and its timestamp.
    const prepared = /** @type {any} */ (payload);
    if (prepared.skip) return { recorded: false, skip: prepared.skip }; // no core answer: nothing to note
    const frame = Object.assign({}, prepared.frame, { timestamp: prepared.timestamp });
    return withQueueState(JSON.parse(bridge.canvas_frame(JSON.stringify(frame))));
  },
  // A cross-origin iframe's gzipped batch, through the iframe element of that id.
  child_events: (payload) => withQueueState(JSON.parse(bridge.child_events(payload.iframeId, payload.batch))),
  commit_standby: (payload) => JSON.parse(bridge.commit_standby(JSON.stringify(payload.info))),
  take_batch(payload) {
    const batch = bridge.take_batch(payload ? payload.dropped || 0 : 0, !!(payload && payload.close));
    // "more": the batch was cut at its size bound and events are still pending here; "buffered": no
    // batch, but the on-error buffer holds events (nothing leaves before a trigger).
    return {
      batch: batch == null ? null : batch,
      more: bridge.has_more(),
      pendingBytes: bridge.pending_bytes(),
      reports: batch == null ? 0 : bridge.last_reported(),
      buffered: batch == null && bridge.buffered(),
    };
  },
  resync: () => JSON.parse(bridge.resync()),
  stop() {
    // Recording withdrawn: the snapshot is neither made nor kept (the next page view boots plain),
    // and the visit's masked stylesheets are forgotten here and in Cache Storage.
    nextViews.withdraw();
    cssVisit.clear();
    forgetFrames();
    bridge.stop();
    return null;
  },
};

// What an answer that may have queued events adds: the worker's diagnostics and the standby copy.
/** @param {any} result */
function withQueueState(result) {
  result.memoryBytes = memoryBytes();
  result.pendingBytes = bridge.pending_bytes(); // masked events held here, unsent (bounded)
  // A ready-to-send copy of the pending batch, for the page to send synchronously on pagehide.
  const standby = bridge.standby();
  if (standby) result.standby = { info: JSON.parse(standby[0]), chunks: standby[1] };
  return result;
}

// Work a message needs before its turn, outside the one-at-a-time queue (so a frame's encoding
// never holds up the observations behind it): its payload is what the handler then receives.
/** @type {Record<string, (payload: any) => Promise<any>>} */
const prepare = {
  canvas_frame: (payload) => encodeFrame(payload).then((encoded) => Object.assign({ timestamp: payload.timestamp }, encoded)),
};

let queue = Promise.resolve();

self.onmessage = (/** @type {MessageEvent} */ e) => {
  if (pageMaker.takes(e.data)) return; // the snapshot maker's outcome, from the page
  const { id, type, payload } = /** @type {{ id: number, type: keyof Messages, payload: unknown }} */ (e.data || {});
  if (Object.hasOwn(prepare, type)) {
    prepare[type](payload).then(
      (ready) => run(id, type, ready),
      (err) => run(id, type, { skip: String((err && err.message) || err) }),
    );
  } else {
    run(id, type, payload);
  }
};

/** @param {number} id @param {keyof Messages} type @param {unknown} payload */
function run(id, type, payload) {
  // One message at a time, in order: the recorder is a state machine.
  queue = queue.then(async () => {
    try {
      if (!Object.hasOwn(handlers, type)) throw new Error("unknown message " + type);
      // The page sends each message with its own payload (rpc.mjs, typed by the same map).
      const handle = /** @type {(payload: unknown) => unknown} */ (handlers[type]);
      const result = /** @type {Record<string, any> | null} */ (await handle(payload));
      /** @type {Transferable[]} */
      const transfer =
        result && result.batch instanceof Uint8Array
          ? [result.batch.buffer]
          : result && result.standby
            ? result.standby.chunks.map((/** @type {Uint8Array<ArrayBuffer>} */ c) => c.buffer)
            : [];
      scope.postMessage({ id, ok: true, result }, transfer);
    } catch (/** @type {any} */ err) {
      scope.postMessage({ id, ok: false, error: String((err && err.message) || err) });
    }
  });
}
