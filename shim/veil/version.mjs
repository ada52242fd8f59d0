/*
 * version.mjs: Veil's version as window.Veil.version reports it.
 *
 * Rules: one source. Once the wire contract (sdk/veil/contract.py -> shim/generated/contract.mjs)
 * carries VERSION, this module re-exports it from there; until then tests/unit/test_types.py
 * checks it equals veil.__version__.
 */
export const VERSION = "0.1.0";
