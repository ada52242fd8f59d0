/*
 * embedded.mjs: in a cross-origin iframe, handing this page's recording to the parent page.
 *
 * Rules: with parentOrigin in the config and this page framed, the batches the core masked (with
 * this page's own config) go to the parent page instead of the endpoint, once both named each
 * other: this page says "hello" to window.parent for parentOrigin only (again with a backoff, and
 * whenever the parent says "ready"), and takes a "welcome" only from window.parent at parentOrigin;
 * the MessagePort it carries is then the only way batches leave (post()). Until then a batch waits
 * in the bounded outbox as it would for an endpoint that does not answer (retried with backoff;
 * over maxQueueBytes it is dropped and counted): nothing leaves to anyone else. Over the port the
 * parent may ask for a fresh full snapshot. Messages from any other window or origin are ignored.
 * Top-level (not framed), parentOrigin changes nothing: batches go to the endpoint.
 */
import { FRAME_MESSAGE_KEY } from "../generated/contract.mjs";
import { countingAs, debug } from "./errors.mjs";

/**
 * What the lifecycle (which owns the recording and the outbox) lends this module: take a fresh
 * full snapshot and send it (the parent asked), and deliver what waits in the outbox now.
 * @typedef {{ snapshot: () => Promise<unknown>, deliverNow: () => void }} Hooks
 */
/** @type {Hooks} */
let hooks = { snapshot: () => Promise.resolve(), deliverNow: () => {} };

const HELLO_DELAYS_MS = [0, 500, 1000, 2000, 4000, 8000, 16000, 30000];

/** @type {string | null} */
let parentOrigin = null;
/** @type {MessagePort | null} */
let port = null;
/** @type {any} */
let helloTimer = 0;

/** Whether batches go to the parent page (parentOrigin configured and this page framed). */
export function embedded() {
  return parentOrigin !== null;
}

/** Start the handshake with the parent page (after the core validated the config). @param {string | null | undefined} origin @param {Hooks} given */
export function embed(origin, given) {
  if (!origin || typeof window === "undefined" || window.parent === window || parentOrigin !== null) return;
  parentOrigin = origin;
  hooks = given;
  window.addEventListener("message", onMessage);
  helloAgain(0);
}

function hello() {
  if (parentOrigin) window.parent.postMessage({ [FRAME_MESSAGE_KEY]: "hello" }, parentOrigin);
}

/** @param {number} attempt */
function helloAgain(attempt) {
  clearTimeout(helloTimer);
  if (port || attempt >= HELLO_DELAYS_MS.length) return;
  helloTimer = setTimeout(function () {
    hello();
    helloAgain(attempt + 1);
  }, HELLO_DELAYS_MS[attempt]);
}

/** @param {MessageEvent} e */
function onMessage(e) {
  if (e.source !== window.parent || e.origin !== parentOrigin || !e.data || typeof e.data !== "object") return;
  const kind = e.data[FRAME_MESSAGE_KEY];
  if (kind === "ready") {
    helloAgain(0); // the parent records now (or again): a new welcome replaces the port
  } else if (kind === "welcome" && e.ports && e.ports[0]) {
    if (port) port.close();
    port = e.ports[0];
    port.onmessage = onPortMessage;
    clearTimeout(helloTimer);
    debug("handshake with the parent page done: batches go to", parentOrigin);
    hooks.deliverNow(); // deliver what waited, now
  }
}

/** @param {MessageEvent} e */
function onPortMessage(e) {
  if (!e.data || e.data[FRAME_MESSAGE_KEY] !== "snapshot") return;
  hooks.snapshot().catch(countingAs("transport"));
}

/**
 * Deliver a batch to the parent page, or say why it waits (a retryable failure).
 * @param {Uint8Array} bytes
 * @returns {{ sent: boolean, error?: string }}
 */
export function postToParent(bytes) {
  if (!port) return { sent: false, error: "waiting for the parent page's handshake (parentOrigin " + parentOrigin + ")" };
  port.postMessage({ [FRAME_MESSAGE_KEY]: "batch", bytes: bytes.slice() }); // a copy: the outbox keeps its own until settled
  return { sent: true };
}
