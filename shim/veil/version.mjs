/*
 * version.mjs: Veil's version as window.Veil.version reports it.
 *
 * Rules: one source. The version lives in pyproject.toml; sdk/veil/contract.py carries it and
 * build.py generates shim/generated/contract.mjs from it, which this module re-exports.
 */
export { VERSION } from "../generated/contract.mjs";
