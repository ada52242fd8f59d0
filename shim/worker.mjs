/*
 * veil-worker.mjs: the worker host. Boots Pyodide, installs the veil wheel, and relays strings.
 *
 * Rules: every file comes from dist/ (Pyodide from the sibling pyodide-<hash>/ directory, the
 * wheel from ./python/); no other host is contacted. It decides nothing: each message is handed
 * to veil.bridge as a JSON string through one dispatch table (one name per message, end to end),
 * and the answer (JSON, or the gzipped batch bytes) goes back to veil.js. build.py fills in the
 * Pyodide directory, the wheel's name and the lock (Pyodide's own lock with no packages: Veil
 * loads none, so neither the 119 KB lock file nor micropip is fetched; pyodide.loadPackage
 * installs the wheel from its URL).
 */
import { loadPyodide } from "../__VEIL_PYODIDE__/pyodide.mjs";

const VEIL_WHEEL = "__VEIL_WHEEL__";
const LOCK = "__VEIL_LOCK__";
const here = (path) => new URL(path, import.meta.url).href;

let bridge = null;
let runtime = null;

// The WebAssembly memory Python lives in (it only grows): what Veil costs in the worker's memory.
function memoryBytes() {
  try {
    return runtime._module.HEAPU8.buffer.byteLength;
  } catch (err) {
    return 0; // a diagnostic: its absence must not matter
  }
}

// Pyodide boots on the first "configure"; a second one only validates the config again.
async function boot() {
  const pyodide = await loadPyodide({ indexURL: here("../__VEIL_PYODIDE__/"), fullStdLib: false, lockFileContents: LOCK });
  await pyodide.loadPackage(here("./python/" + VEIL_WHEEL), { messageCallback: () => {} });
  bridge = pyodide.pyimport("veil.bridge");
  runtime = pyodide;
}

// The one dispatch table. A message's name is the same end to end: what veil.js sends
// (shim/veil/rpc.mjs), the key here, the veil.bridge function and the veil.api Core method.
// Some answers add the worker's diagnostics (pending bytes, memory) or the standby copy.
const handlers = {
  async configure(payload) {
    if (!bridge) await boot();
    return JSON.parse(bridge.configure(payload.config));
  },
  autostart: (payload) => JSON.parse(bridge.autostart(JSON.stringify(payload.facts))),
  gate: (payload) => JSON.parse(bridge.gate(JSON.stringify(payload.facts))),
  start: () => JSON.parse(bridge.start()),
  explain: (payload) => JSON.parse(bridge.explain(JSON.stringify(payload.chain))),
  tick: (payload) => JSON.parse(bridge.tick(payload.now, payload.active)),
  observe(payload) {
    const started = performance.now();
    // The observer hands over a JSON string: nothing is cloned or re-encoded on the way.
    const result = JSON.parse(bridge.observe(payload.events));
    result.maskMs = performance.now() - started; // Python's masking time, for debug's measures
    result.memoryBytes = memoryBytes();
    result.pendingBytes = bridge.pending_bytes(); // masked events held here, unsent (bounded)
    // A ready-to-send copy of the pending batch, for the page to send synchronously on pagehide.
    const standby = bridge.standby();
    if (standby) result.standby = { info: JSON.parse(standby[0]), chunks: standby[1] };
    return result;
  },
  commit_standby: (payload) => JSON.parse(bridge.commit_standby(JSON.stringify(payload.info))),
  take_batch(payload) {
    const batch = bridge.take_batch(payload ? payload.dropped || 0 : 0);
    // "more": the batch was cut at its size bound and events are still pending here.
    return { batch: batch == null ? null : batch, more: bridge.has_more(), pendingBytes: bridge.pending_bytes(),
      reports: batch == null ? 0 : bridge.last_reported() };
  },
  resync: () => JSON.parse(bridge.resync()),
  stop() {
    bridge.stop();
    return null;
  },
};

let queue = Promise.resolve();

self.onmessage = (e) => {
  const { id, type, payload } = e.data || {};
  // One message at a time, in order: the recorder is a state machine.
  queue = queue.then(async () => {
    try {
      if (!Object.prototype.hasOwnProperty.call(handlers, type)) throw new Error("unknown message " + type);
      const result = await handlers[type](payload);
      const transfer = result && result.batch instanceof Uint8Array ? [result.batch.buffer]
        : result && result.standby ? result.standby.chunks.map((c) => c.buffer) : [];
      self.postMessage({ id, ok: true, result }, transfer);
    } catch (err) {
      self.postMessage({ id, ok: false, error: String((err && err.message) || err) });
    }
  });
};
