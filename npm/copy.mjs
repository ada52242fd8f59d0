/*
 * copy.mjs: the runtime files into a site's build output. Copies what dist/manifest.json lists (each
 * file, its precompressed .br/.gz siblings, the manifest itself, which carries each file's sha384)
 * and nothing else; a name that would leave the destination is refused. Also a development server's
 * handler for the same files (the Vite plugin's dev server).
 */
import { createReadStream } from "node:fs";
import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's own runtime files (its dist/). */
export const RUNTIME_DIR = fileURLToPath(new URL("./dist/", import.meta.url));
const SIBLINGS = { br: ".br", gzip: ".gz" };
const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".zip": "application/zip",
  ".whl": "application/zip",
  ".ts": "text/plain",
};

/** @param {string} from */
async function readManifest(from) {
  const manifest = JSON.parse(await readFile(join(from, "manifest.json"), "utf8"));
  if (!manifest || typeof manifest.files !== "object" || !manifest.files["veil.js"]) {
    throw new Error(`veil-replay: ${join(from, "manifest.json")} is not Veil's manifest`);
  }
  for (const name of Object.keys(manifest.files)) {
    if (isAbsolute(name) || normalize(name).split(sep).includes("..") || name.includes("\\")) {
      throw new Error(`veil-replay: the manifest names ${JSON.stringify(name)}, outside the runtime directory`);
    }
  }
  return manifest;
}

/**
 * Copy the runtime files into `destination` (created if missing).
 * @param {string} destination
 * @param {{ from?: string }} [options] from: the runtime directory (default: this package's)
 * @returns {Promise<{ directory: string, files: number, bytes: number, integrity: string, version: string }>}
 */
export async function copyRuntime(destination, options = {}) {
  const from = options.from || RUNTIME_DIR;
  const manifest = await readManifest(from);
  const names = ["manifest.json"];
  for (const [name, entry] of Object.entries(manifest.files)) {
    names.push(name);
    for (const encoding of entry.encodings || []) {
      if (SIBLINGS[encoding]) names.push(name + SIBLINGS[encoding]);
    }
  }
  let bytes = 0;
  for (const name of names) {
    const target = join(destination, name);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(from, name), target);
    bytes += (await stat(target)).size;
  }
  return { directory: destination, files: names.length, bytes, integrity: manifest.files["veil.js"].sha384, version: manifest.version };
}

/**
 * A connect/Node http handler serving the runtime files under a mount point (for a dev server):
 * only the manifest's files, with the types a module worker and WebAssembly need.
 * @param {{ from?: string }} [options]
 * @returns {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, next: () => void) => void}
 */
export function runtimeHandler(options = {}) {
  const from = options.from || RUNTIME_DIR;
  const manifest = readManifest(from);
  return (req, res, next) => {
    const name = decodeURIComponent(new URL(req.url || "/", "http://x").pathname).replace(/^\/+/, "");
    manifest.then(
      (m) => {
        if (name !== "manifest.json" && !m.files[name]) return next();
        const suffix = name.slice(name.lastIndexOf("."));
        res.setHeader("Content-Type", TYPES[suffix] || "application/octet-stream");
        res.setHeader("Cache-Control", "no-cache");
        createReadStream(join(from, name)).pipe(res);
      },
      () => next(),
    );
  };
}
