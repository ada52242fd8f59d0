/*
 * veil-worker.mjs: the worker host. Boots Pyodide, installs the veil wheel, and relays strings.
 *
 * Rules: every file comes from this directory (Pyodide from ./pyodide/, wheels from ./python/);
 * no other host is contacted. It decides nothing: each message is handed to veil.bridge as a
 * JSON string, and the answer (JSON, or the gzipped batch bytes) goes back to veil.js.
 * build.py fills in the two wheel file names below.
 */
import { loadPyodide } from "./pyodide/pyodide.mjs";

const MICROPIP_WHEEL = "__MICROPIP_WHEEL__";
const VEIL_WHEEL = "__VEIL_WHEEL__";
const here = (path) => new URL(path, import.meta.url).href;

let bridge = null;

async function boot(configJson) {
  const pyodide = await loadPyodide({ indexURL: here("./pyodide/"), fullStdLib: false });
  await pyodide.loadPackage(here("./python/" + MICROPIP_WHEEL), { messageCallback: () => {} });
  pyodide.globals.set("_veil_wheel_url", here("./python/" + VEIL_WHEEL));
  await pyodide.runPythonAsync("import micropip\nawait micropip.install(_veil_wheel_url, deps=False)");
  pyodide.globals.delete("_veil_wheel_url");
  bridge = pyodide.pyimport("veil.bridge");
  return JSON.parse(bridge.configure(configJson));
}

function handle(type, payload) {
  switch (type) {
    case "autostart":
      return JSON.parse(bridge.autostart(JSON.stringify(payload.facts)));
    case "gate":
      return JSON.parse(bridge.gate(JSON.stringify(payload.facts)));
    case "start":
      return JSON.parse(bridge.start());
    case "explain":
      return JSON.parse(bridge.explain(JSON.stringify(payload.chain)));
    case "tick":
      return JSON.parse(bridge.tick(payload.now, payload.active));
    case "observe": {
      const started = performance.now();
      // The observer hands over a JSON string: nothing is cloned or re-encoded on the way.
      const result = JSON.parse(bridge.observe(payload.events));
      result.maskMs = performance.now() - started; // Python's masking time, for debug's measures
      // A ready-to-send copy of the pending batch, for the page to send synchronously on pagehide.
      const standby = bridge.standby();
      if (standby) result.standby = { info: JSON.parse(standby[0]), chunks: standby[1] };
      return result;
    }
    case "commit":
      return JSON.parse(bridge.commit_standby(JSON.stringify(payload.info)));
    case "flush": {
      const batch = bridge.take_batch(payload ? payload.dropped || 0 : 0);
      return batch == null ? null : batch;
    }
    case "stop":
      bridge.stop();
      return null;
    default:
      throw new Error("unknown message " + type);
  }
}

let queue = Promise.resolve();

self.onmessage = (e) => {
  const { id, type, payload } = e.data || {};
  // One message at a time, in order: the recorder is a state machine.
  queue = queue.then(async () => {
    try {
      const result = type === "init" ? await boot(payload.config) : handle(type, payload);
      const transfer = result instanceof Uint8Array ? [result.buffer]
        : result && result.standby ? result.standby.chunks.map((c) => c.buffer) : [];
      self.postMessage({ id, ok: true, result }, transfer);
    } catch (err) {
      self.postMessage({ id, ok: false, error: String((err && err.message) || err) });
    }
  });
};
