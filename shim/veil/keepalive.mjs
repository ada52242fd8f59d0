/*
 * keepalive.mjs: the unloading page. Sends what is queued and the standby chunks the worker
 * prepared, with keepalive, within the browser's budget.
 *
 * Rules: an unloading page cannot wait for the worker or for retries. Every keepalive body fits
 * KEEPALIVE_BUDGET in all (browsers allow 64 KiB in flight). Standby chunks go in seq order and
 * stop at the first that does not fit. If the page survives (back/forward cache), failures go
 * back to the outbox and the worker consumes the chunks it knows were handed over
 * (commit_standby). With beforeSend there is no synchronous path: a plain flush instead.
 */
import { countingAs } from "./errors.mjs";
import { flush } from "./handover.mjs";
import { call } from "./rpc.mjs";
import { state } from "./state.mjs";
import { enqueue, isRetryable, outbox, post, removeItem } from "./transport.mjs";

const KEEPALIVE_BUDGET = 60 * 1024; // browsers allow 64 KiB of keepalive bodies in flight, in all

export function sendStandby() {
  const standby = state.standby;
  state.standby = null;
  if (state.status !== "recording" || !state.core) return;
  let budget = KEEPALIVE_BUDGET;
  outbox.items.slice().forEach(function (item) {
    if (item.bytes.byteLength > budget) return;
    budget -= item.bytes.byteLength;
    post(item.bytes, true, item.session).then(function (result) {
      if (!isRetryable(result)) removeItem(item);
    });
  });
  if (!standby || state.core.beforeSend) {
    flush().catch(countingAs("transport"));
    return;
  }
  /** @type {Array<{seq: number, count: number}>} */
  const handed = [];
  const session = state.sessionId;
  standby.chunks.forEach(function (chunk, i) {
    if (handed.length !== i || chunk.byteLength > budget) return; // keep seq order: stop at the first that does not fit
    budget -= chunk.byteLength;
    handed.push(standby.info.chunks[i]);
    post(chunk, true, session).then(function (result) {
      if (!result.sent && isRetryable(result)) enqueue(chunk, session);
    });
  });
  if (!handed.length) {
    flush().catch(countingAs("transport"));
    return;
  }
  call("commit_standby", { info: { chunks: handed } }).then(function () {
    return flush();
  }).catch(countingAs("transport"));
}

export function onHidden() {
  if (document.visibilityState === "hidden") sendStandby();
}

export function onPageHide() {
  sendStandby();
}
