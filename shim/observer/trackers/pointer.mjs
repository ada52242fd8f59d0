/*
 * trackers/pointer.mjs: clicks, double clicks, context menus, focus and blur, touches, and the
 * pointer's path (mouse and touch moves).
 *
 * Rules: an interaction names the node it happened on (or, inside a blocked element, its nearest
 * recorded ancestor) and where, by the id it has when the event joins a hand-over (queue.mjs:
 * during a snapshot walk, the one the walk gave it); the path is sampled every MOVE_SAMPLE_MS at
 * most, always keeping the last position (where the gesture ended), and handed over every
 * MOVE_EMIT_MS. Returns {teardown, flush, pending}: flush() hands the sampled path over now
 * (Veil.flush, unload).
 */
import { EventType, Source } from "../../generated/contract.mjs";
import { listen, recordedIdOf, runAll, targetOf } from "../listen.mjs";

// rrweb's MouseInteraction types this tracker sends (the core passes any of rrweb's through).
const Interaction = Object.freeze({ Click: 2, ContextMenu: 3, DblClick: 4, Focus: 5, Blur: 6, TouchStart: 7, TouchEnd: 9, TouchCancel: 10 });
const MOVE_SAMPLE_MS = 50;
const MOVE_EMIT_MS = 500;

/**
 * @typedef {{ source: number, x: number, y: number, target: EventTarget | null, at: number }} Position
 */

/** @param {import("../types.js").Context} ctx */
export function trackPointer(ctx) {
  /** @type {Position[]} */
  let moves = [];
  let lastMoveSample = 0;
  /** @type {Position | null} */
  let trailingMove = null;
  /** @type {ReturnType<typeof setTimeout> | 0} */
  let moveTimer = 0;

  /** @param {number} type @param {Event} e @param {number} [x] @param {number} [y] */
  function interaction(type, e, x, y) {
    const target = targetOf(e);
    const timestamp = Date.now();
    ctx.queue.emit(() => ({
      type: EventType.IncrementalSnapshot,
      data: { source: Source.MouseInteraction, type, id: recordedIdOf(ctx, target), x, y },
      timestamp,
    }));
  }

  const onTouch = (/** @type {number} */ type) => (/** @type {TouchEvent} */ e) => {
    const touch = (e.changedTouches && e.changedTouches[0]) || /** @type {Partial<Touch>} */ ({});
    interaction(type, e, touch.clientX, touch.clientY);
  };

  function emitMoves() {
    moveTimer = 0;
    if (trailingMove) moves.push(trailingMove);
    trailingMove = null;
    if (!moves.length) return;
    const timestamp = Date.now();
    for (const source of [Source.MouseMove, Source.TouchMove]) {
      const sampled = moves.filter((p) => p.source === source);
      if (!sampled.length) continue;
      ctx.queue.emit(() => {
        const positions = sampled.map((p) => ({ x: p.x, y: p.y, id: recordedIdOf(ctx, p.target), timeOffset: p.at - timestamp }));
        return { type: EventType.IncrementalSnapshot, data: { source, positions }, timestamp };
      });
    }
    moves = [];
  }

  // Positions every MOVE_SAMPLE_MS at most, and always the last one (where the gesture ended).
  /** @param {number} source @param {Event} e @param {number} x @param {number} y */
  function samplePointer(source, e, x, y) {
    const now = Date.now();
    const position = { source, x, y, target: targetOf(e), at: now };
    if (now - lastMoveSample < MOVE_SAMPLE_MS) {
      trailingMove = position;
    } else {
      lastMoveSample = now;
      trailingMove = null;
      moves.push(position);
    }
    if (!moveTimer) moveTimer = setTimeout(ctx.guard(emitMoves), MOVE_EMIT_MS);
  }

  const teardowns = [
    listen(ctx, document, "click", (e) => interaction(Interaction.Click, e, e.clientX, e.clientY)),
    listen(ctx, document, "dblclick", (e) => interaction(Interaction.DblClick, e, e.clientX, e.clientY)),
    listen(ctx, document, "contextmenu", (e) => interaction(Interaction.ContextMenu, e, e.clientX, e.clientY)),
    listen(ctx, document, "focus", (e) => {
      if (targetOf(e) !== window) interaction(Interaction.Focus, e);
    }),
    listen(ctx, document, "blur", (e) => {
      if (targetOf(e) !== window) interaction(Interaction.Blur, e);
    }),
    listen(ctx, document, "touchstart", onTouch(Interaction.TouchStart)),
    listen(ctx, document, "touchend", onTouch(Interaction.TouchEnd)),
    listen(ctx, document, "touchcancel", onTouch(Interaction.TouchCancel)),
    listen(ctx, document, "mousemove", (e) => samplePointer(Source.MouseMove, e, e.clientX, e.clientY)),
    listen(ctx, document, "touchmove", (e) => {
      const touch = e.touches && e.touches[0];
      if (touch) samplePointer(Source.TouchMove, e, touch.clientX, touch.clientY);
    }),
    () => {
      clearTimeout(moveTimer);
      moveTimer = 0;
      moves = [];
      trailingMove = null;
    },
  ];

  return {
    teardown: () => runAll(ctx, teardowns),
    flush() {
      if (moveTimer) {
        clearTimeout(moveTimer);
        emitMoves();
      }
    },
    pending: () => moves.length > 0 || trailingMove !== null,
  };
}
