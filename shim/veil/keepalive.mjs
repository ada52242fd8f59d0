/*
 * keepalive.mjs: the page being hidden or unloaded. Sends what is queued and the standby chunks the
 * worker prepared, with keepalive, within the browser's budget, then flushes what is left.
 *
 * Rules: an unloading page cannot wait for the worker or for retries. Every keepalive body fits
 * KEEPALIVE_BUDGET in all (browsers allow 64 KiB in flight). Standby chunks go in seq order and
 * stop at the first that does not fit; they hold what would close if the page ended now (a
 * rage-click burst still open), so it leaves with them. If the page survives (a hidden tab, the
 * back/forward cache), failures go back to the outbox, the worker consumes the chunks it knows
 * were handed over (commit_standby), and a closing flush sends the rest (open bursts closed, so
 * they leave now). With beforeSend there is no synchronous path: a closing flush instead. Only a
 * page that is recording sends anything.
 */
import { isRetryable } from "./delivery.mjs";
import { countingAs } from "./errors.mjs";
import { call } from "./rpc.mjs";

/**
 * @typedef {import("./recording.mjs").Recording} Recording
 * @typedef {import("./transport.mjs").Outbox} Outbox
 * @typedef {import("./handover.mjs").Handover} Handover
 * @typedef {import("../generated/contract.mjs").ChunkInfo} ChunkInfo
 */

const KEEPALIVE_BUDGET = 60 * 1024; // browsers allow 64 KiB of keepalive bodies in flight, in all

/**
 * @param {Recording | null} recording the recording, when the page is recording
 * @param {Outbox} outbox
 * @param {Handover} handover
 * @param {boolean} beforeSend the site has a beforeSend hook (no synchronous path)
 */
export function sendStandby(recording, outbox, handover, beforeSend) {
  if (!recording) return;
  const standby = recording.takeStandby();
  let budget = KEEPALIVE_BUDGET;
  outbox.waiting().forEach(function (item) {
    if (item.bytes.byteLength > budget) return;
    budget -= item.bytes.byteLength;
    outbox.post(item.bytes, true, item.session).then(function (result) {
      if (!isRetryable(result)) outbox.remove(item);
    });
  });
  const closing = function () {
    return handover.flush({ close: true });
  };
  if (!standby || beforeSend) {
    closing().catch(countingAs("transport"));
    return;
  }
  /** @type {ChunkInfo[]} */
  const handed = [];
  const session = recording.session;
  standby.chunks.forEach(function (chunk, i) {
    if (handed.length !== i || chunk.byteLength > budget) return; // keep seq order: stop at the first that does not fit
    budget -= chunk.byteLength;
    handed.push(standby.info.chunks[i]);
    outbox.post(chunk, true, session).then(function (result) {
      if (!result.sent && isRetryable(result)) outbox.enqueue(chunk, session);
    });
  });
  if (!handed.length) {
    closing().catch(countingAs("transport"));
    return;
  }
  call("commit_standby", { info: { chunks: handed } }).then(closing).catch(countingAs("transport"));
}

/**
 * While recording: ``onLeave`` when the page is hidden or unloaded, and the outbox told when the
 * browser goes offline and online. Returns the function that stops watching.
 * @param {() => void} onLeave
 * @param {Outbox} outbox
 */
export function watchPage(onLeave, outbox) {
  function onHidden() {
    if (document.visibilityState === "hidden") onLeave();
  }
  document.addEventListener("visibilitychange", onHidden);
  window.addEventListener("pagehide", onLeave);
  window.addEventListener("offline", outbox.onOffline);
  window.addEventListener("online", outbox.onOnline);
  return function () {
    document.removeEventListener("visibilitychange", onHidden);
    window.removeEventListener("pagehide", onLeave);
    window.removeEventListener("offline", outbox.onOffline);
    window.removeEventListener("online", outbox.onOnline);
  };
}
