/*
 * esbuild.mjs: an esbuild plugin that copies Veil's runtime files into the build output, under
 * `dir` (default "veil"), after every successful build: load({ base: "/veil/" }) then finds them.
 *
 *   import { veil } from "veil-replay/esbuild";
 *   await esbuild.build({ entryPoints: ["app.js"], bundle: true, outdir: "out", plugins: [veil()] });
 */
import { dirname, join } from "node:path";
import { copyRuntime } from "./copy.mjs";

/** @param {{ dir?: string, from?: string }} [options] */
export function veil(options = {}) {
  const dir = options.dir ?? "veil";
  return {
    name: "veil-replay",
    /** @param {any} build */
    setup(build) {
      build.onEnd(async (/** @type {{ errors: unknown[] }} */ result) => {
        if (result.errors.length) return;
        const { outdir, outfile } = build.initialOptions;
        if (!outdir && !outfile) throw new Error("veil-replay: the esbuild plugin needs outdir or outfile");
        await copyRuntime(join(outdir || dirname(outfile), dir), { from: options.from });
      });
    },
  };
}

export default veil;
