/*
 * veil-replay: Veil for a page built with a bundler. `load({ base })` runs Veil's loader snippet
 * (the same code as shim/loader.js): window.Veil becomes a stub that queues calls, and veil.js is
 * requested from `base` once the page's load event has ended, with this package's integrity of it
 * (SRI), so the page's load event never waits for Veil. The runtime files (veil.js, the worker,
 * Pyodide…) must be served from `base` on the page's own origin: `npx veil-replay copy <dir>` or the
 * esbuild/Vite plugin put them in the build output.
 *
 *   import { load } from "veil-replay";
 *   const Veil = load({ base: "/veil/" });
 *   Veil.init({ endpoint: "/collect" });   // then Veil.start() from the consent banner
 */
import { INTEGRITY, VERSION, runLoader } from "./bundle.mjs";

export { INTEGRITY, VERSION };

/**
 * Load Veil from `base` (a URL, relative to the page, of the directory holding veil.js) and return
 * window.Veil. A second call returns the Veil already on the page.
 * @param {{ base: string, integrity?: string | false }} options
 */
export function load(options) {
  const base = options && options.base;
  if (typeof base !== "string" || base === "") {
    throw new TypeError('veil-replay: load({ base: "/path/to/veil/" }) needs the URL the runtime files are served from');
  }
  const directory = new URL(base.endsWith("/") ? base : `${base}/`, document.baseURI);
  const integrity = options.integrity === false ? "" : options.integrity || INTEGRITY;
  runLoader(window, document, new URL("veil.js", directory).href, integrity);
  return window.Veil;
}

export default load;
