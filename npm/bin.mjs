#!/usr/bin/env node
/*
 * veil-replay copy <directory>: copy Veil's runtime files (what dist/manifest.json lists, with their
 * .br/.gz siblings and the manifest) into <directory>, e.g. the site's build output's veil/, and
 * print veil.js's integrity.
 */
import { copyRuntime } from "./copy.mjs";

const [command, destination, ...rest] = process.argv.slice(2);
if (command !== "copy" || !destination || rest.length) {
  console.error("usage: veil-replay copy <directory>   (copies Veil's runtime files there)");
  process.exit(2);
}
try {
  const done = await copyRuntime(destination);
  console.log(`veil-replay ${done.version}: copied ${done.files} files (${(done.bytes / 1e6).toFixed(1)} MB) to ${done.directory}; veil.js ${done.integrity}`);
} catch (err) {
  console.error(`veil-replay: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
