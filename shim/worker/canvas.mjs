/*
 * canvas.mjs: a canvas frame made ready for the core, in the worker (off the page's thread).
 *
 * Rules: the page hands over an ImageBitmap of a canvas the core said may be recorded, with the
 * regions its canvasMaskRegions hook returned (in the canvas's own pixels). Here the bitmap is
 * drawn at most CANVAS_MAX_SIDE pixels a side, every region is painted over in
 * CANVAS_MASK_COLOR (rounded outwards to whole pixels) BEFORE anything is encoded, and the pixels
 * are compared with the canvas's last frame: an unchanged or fully transparent frame (a WebGL
 * canvas read after its buffer was presented) is not encoded. Otherwise the frame is encoded as
 * PNG (lossless: drawings, charts and text replay exactly, and compress well), or as WebP when that
 * is smaller by far (photographs, 3D scenes: a PNG over LOSSLESS_MAX_BYTES), and handed to the
 * core as base64; the core judges it again and builds the event. The last frame of each canvas is kept (for CANVAS_CACHE canvases) so an
 * idle canvas can be sent again without reading it, as long as the page's regions are the same.
 */
import { CANVAS_MASK_COLOR, CANVAS_MAX_SIDE } from "../generated/contract.mjs";

const CANVAS_CACHE = 32;
const LOSSLESS_MAX_BYTES = 64 * 1024;
const QUALITY = 0.85;

/** @typedef {{ x: number, y: number, width: number, height: number }} Region */
/** @typedef {{ hash: number, regions: string, mime: string, base64: string, width: number, height: number }} Frame */

/** @type {Map<number, Frame>} canvas id -> its last frame (least recently sent first) */
const last = new Map();

export function forgetFrames() {
  last.clear();
}

/** FNV-1a over the pixels, 32 bits at a time. @param {Uint8ClampedArray} data */
function hashOf(data) {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
  let hash = 0x811c9dc5;
  let opaque = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    opaque |= w;
    hash = Math.imul(hash ^ w, 0x01000193);
  }
  return { hash: hash >>> 0, blank: opaque === 0 };
}

/** @param {Blob} blob */
async function base64Of(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)));
  return btoa(binary);
}

/** @param {Frame} frame @param {number} id */
function remember(id, frame) {
  last.delete(id);
  last.set(id, frame);
  if (last.size > CANVAS_CACHE) last.delete(/** @type {number} */ (last.keys().next().value));
}

/**
 * The frame to hand to the core, or {skip: why} ("unchanged", "blank", "stale": a resend whose
 * cached frame is missing or was masked with other regions, "unsupported").
 * @param {{ id: number, bitmap?: ImageBitmap, width: number, height: number, regions: Region[], resend?: boolean, webgl?: boolean }} payload
 * @returns {Promise<{ skip: string } | { frame: { id: number, mime: string, base64: string, width: number, height: number } }>}
 */
export async function encodeFrame(payload) {
  const { id, bitmap, width, height } = payload;
  const regions = JSON.stringify(payload.regions || []);
  if (payload.resend || !bitmap) {
    const cached = last.get(id);
    if (!cached || cached.regions !== regions || cached.width !== width || cached.height !== height) return { skip: "stale" };
    remember(id, cached);
    return { frame: { id, mime: cached.mime, base64: cached.base64, width, height } };
  }
  try {
    if (typeof OffscreenCanvas === "undefined") return { skip: "unsupported" };
    const scale = Math.min(1, CANVAS_MAX_SIDE / Math.max(bitmap.width, bitmap.height, 1));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext("2d", { willReadFrequently: true }));
    ctx.drawImage(bitmap, 0, 0, w, h);
    // The page's regions, in the canvas's pixels, onto this frame's (scaled) pixels, whole pixels outwards.
    const sx = w / width;
    const sy = h / height;
    ctx.fillStyle = CANVAS_MASK_COLOR;
    for (const r of payload.regions || []) {
      const x0 = Math.floor(r.x * sx);
      const y0 = Math.floor(r.y * sy);
      ctx.fillRect(x0, y0, Math.ceil((r.x + r.width) * sx) - x0, Math.ceil((r.y + r.height) * sy) - y0);
    }
    const { hash, blank } = hashOf(ctx.getImageData(0, 0, w, h).data);
    const previous = last.get(id);
    // Transparent all over: a WebGL canvas read after its buffer was presented, or a canvas never
    // drawn. Only a 2D canvas that showed something before is sent blank (the page cleared it).
    if (blank && !(payload.regions || []).length && (payload.webgl || !previous)) return { skip: "blank" };
    if (previous && previous.hash === hash && previous.regions === regions && previous.width === width && previous.height === height) {
      return { skip: "unchanged" };
    }
    let blob = await canvas.convertToBlob({ type: "image/png" });
    if (blob.size > LOSSLESS_MAX_BYTES) {
      const lossy = await canvas.convertToBlob({ type: "image/webp", quality: QUALITY });
      if (lossy.type === "image/webp" && lossy.size < blob.size / 2) blob = lossy;
    }
    const frame = { hash, regions, mime: blob.type, base64: await base64Of(blob), width, height };
    remember(id, frame);
    return { frame: { id, mime: frame.mime, base64: frame.base64, width, height } };
  } finally {
    bitmap.close();
  }
}
