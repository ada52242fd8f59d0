/*
 * vite.mjs: a Vite plugin that copies Veil's runtime files into the build output under `dir`
 * (default "veil") when the bundle is written, and serves them at /<dir>/ from the dev server.
 *
 *   import { veil } from "veil-replay/vite";
 *   export default { plugins: [veil()] };        // then load({ base: "/veil/" }) in the app
 */
import { join, resolve } from "node:path";
import { copyRuntime, runtimeHandler } from "./copy.mjs";

/** @param {{ dir?: string, from?: string }} [options] */
export function veil(options = {}) {
  const dir = options.dir ?? "veil";
  let outDir = "dist";
  return {
    name: "veil-replay",
    /** @param {{ root: string, build: { outDir: string } }} config */
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    /** @param {{ middlewares: { use: (path: string, handler: Function) => void } }} server */
    configureServer(server) {
      server.middlewares.use(`/${dir}`, runtimeHandler({ from: options.from }));
    },
    /** @param {{ dir?: string }} output */
    async writeBundle(output) {
      await copyRuntime(join(output.dir || outDir, dir), { from: options.from });
    },
  };
}

export default veil;
