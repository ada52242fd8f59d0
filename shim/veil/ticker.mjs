/*
 * ticker.mjs: every few seconds while recording, what is new is sent, and the core keeps the
 * session or rotates it.
 *
 * Rules: the core decides (a snapshot, a flush for frustration signals judged by time, a rotation,
 * the session id to remember); this carries it out. A snapshot is taken only by the recording that
 * was current at the tick, and not when the session rotates (the new recording takes its own).
 * Failures are counted where they happened, never thrown.
 */
import { countingAs } from "./errors.mjs";
import { call } from "./rpc.mjs";
import { SESSION_KEY, writeStored } from "./storage.mjs";

/**
 * @param {{ current: () => import("./recording.mjs").Recording | null, flush: () => Promise<unknown>, rotate: () => Promise<unknown> }} env
 *   the recording now, how to send what is new, how to end it and record in a new session
 * @returns {() => void} one tick
 */
export function createTicker(env) {
  return function tick() {
    const rec = env.current();
    const active = rec !== null && rec.active();
    if (active) env.flush().catch(countingAs("transport"));
    call("tick", { now: Date.now(), active: active })
      .then((result) => {
        if (result.session) writeStored("sessionStorage", SESSION_KEY, result.session);
        (result.actions || []).forEach((action) => {
          if (action === "snapshot" && rec && rec === env.current() && !result.rotate) rec.snapshot(); // on error: a fresh start for the buffer
          if (action === "flush") env.flush().catch(countingAs("transport")); // frustration signals judged by time
        });
        if (result.rotate) env.rotate().catch(countingAs("lifecycle"));
      })
      .catch(countingAs("lifecycle"));
  };
}
