/*
 * runtime.mjs: where the runtime's files are, and how Pyodide is started (both workers).
 *
 * Rules: every file comes from dist/ (Pyodide from the sibling pyodide-<hash>/ directory, the
 * wheel from ./python/), found relative to the bundled worker's own URL; no other host is
 * contacted. build.py fills in the Pyodide directory, the wheel's name and the lock (Pyodide's
 * own lock with no packages: Veil loads none, so neither the 119 KB lock file nor micropip is
 * fetched). Both workers start Pyodide with the same options, so a snapshot one makes is one the
 * other can load, and through startingPyodide, so a start whose WebAssembly cannot be instantiated
 * fails (instantiation.mjs) instead of never ending.
 */
import { failingFast } from "./instantiation.mjs";

export const PYODIDE_DIR = "__VEIL_PYODIDE__";
export const VEIL_WHEEL = "__VEIL_WHEEL__";
/** @type {any} */
export const LOCK = "__VEIL_LOCK__";

/** A URL next to the (bundled) worker script. @param {string} path */
export const here = (path) => new URL(path, import.meta.url).href;

/** Where the snapshot is made from: the wheel put on sys.path as a file (zipimport). */
export const WHEEL_PATH = "/veil/" + VEIL_WHEEL;

/**
 * Python that imports the whole core from the wheel at WHEEL_PATH (every module of the package,
 * so nothing is imported lazily from a file a snapshot does not carry), then warms it up. Run with runPython: a
 * PyProxy alive (pyimport, loadPackage) would make Pyodide refuse the snapshot.
 */
export const IMPORT_CORE = [
  "import sys, importlib, zipfile",
  "sys.path.insert(0, " + JSON.stringify(WHEEL_PATH) + ")",
  "import veil.bridge",
  "for _name in zipfile.ZipFile(" + JSON.stringify(WHEEL_PATH) + ").namelist():",
  "    if _name.startswith('veil/') and _name.endswith('.py'):",
  "        importlib.import_module(_name[:-3].replace('/', '.').removesuffix('.__init__'))",
  "del _name",
  // A made-up page recorded by a throwaway Core (sdk/veil/warmup.py): the snapshot then holds
  // the core warm, and a repeat page view's first snapshot is masked faster.
  "import veil.warmup",
  "veil.warmup.warm_up()",
].join("\n");

/**
 * Pyodide's loader, imported from the Pyodide directory beside the runtime's. Its 1.2 MB
 * Emscripten module is imported at the same time: loadPyodide imports it (the same URL, so the
 * same module) only after its own setup, and loading it is a sixth of a boot from the snapshot.
 * @returns {Promise<any>}
 */
export function pyodideModule() {
  const emscripten = import(here("../" + PYODIDE_DIR + "/pyodide.asm.mjs"));
  emscripten.catch(() => {}); // loadPyodide's own import reports a failure
  return import(here("../" + PYODIDE_DIR + "/pyodide.mjs"));
}

/** loadPyodide's options: the same for a plain boot, a snapshot's making and its loading. @param {object} [extra] */
export function pyodideOptions(extra) {
  return Object.assign({ indexURL: here("../" + PYODIDE_DIR + "/"), fullStdLib: false, lockFileContents: LOCK }, extra || {});
}

/**
 * loadPyodide, as both workers call it: a start whose WebAssembly the browser cannot instantiate
 * rejects (InstantiationError) where Pyodide would wait for ever.
 * @returns {Promise<(options: object) => Promise<any>>}
 */
export function startingPyodide() {
  return pyodideModule().then((mod) => (/** @type {object} */ options) => failingFast(() => mod.loadPyodide(options), self.console));
}
