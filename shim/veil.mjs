/*
 * veil.mjs: the ES-module entry. It runs the classic veil.js beside it (which finds its siblings
 * from the base URL handed over here, since a module has no document.currentScript) and exports
 * the same Veil object: `import Veil from "/static/veil/veil.mjs"`.
 */
/** @type {{ __veilBase?: string }} */ (globalThis).__veilBase = new URL(".", import.meta.url).href;
await import(new URL("./veil.js", import.meta.url).href);
export default window.Veil;
