/*
 * trackers/console.mjs: console calls of the opted-in levels, as veil:console custom events.
 *
 * Rules: only the methods the `console` config lists are wrapped. A wrapper calls the original
 * first, with the same `this` and arguments, and returns its result, so the page's console prints
 * exactly what it printed before (DevTools shows the wrapper as the call site, as with any
 * recorder). The arguments are then serialized here, bounded (CONSOLE_DEPTH levels of objects, a
 * few items each, CONSOLE_MESSAGE_MAX characters in all), without running page code where that can
 * be avoided (accessor properties are not read, toString is not called), and never throwing: a
 * failure is reported through ctx.onError and the call is not recorded. The raw message goes only
 * to the worker, where the core masks it like page text. Veil's own debug output ("[veil] ...")
 * and anything logged while Veil serializes are not recorded. Teardown puts the originals back (or
 * leaves a wrapper the page has since wrapped again as a plain pass-through).
 */
import { CONSOLE_DEPTH, CONSOLE_LEVELS, CONSOLE_MESSAGE_MAX, CONSOLE_TAG, EventType } from "../../generated/contract.mjs";

const MAX_ITEMS = 20; // items of an array, keys of an object, per level

/**
 * @typedef {"error" | "warn" | "info" | "log" | "debug"} Level
 * @typedef {(...args: unknown[]) => void} ConsoleMethod
 */

/** @param {import("../types.js").Context} ctx @param {string[]} levels the `console` config */
export function trackConsole(ctx, levels) {
  const live = { on: true };
  let busy = false; // serializing: whatever is logged meanwhile is not recorded
  /** @type {Array<[Level, ConsoleMethod, ConsoleMethod]>} */
  const wrapped = [];
  const target = /** @type {Record<Level, ConsoleMethod>} */ (/** @type {unknown} */ (console));

  /** @param {Level} level @param {unknown[]} args */
  function record(level, args) {
    if (typeof args[0] === "string" && args[0].startsWith("[veil]")) return;
    const message = format(args);
    ctx.queue.push({ type: EventType.Custom, data: { tag: CONSOLE_TAG, payload: { level, message } }, timestamp: Date.now() });
  }

  /** @type {readonly Level[]} */ (CONSOLE_LEVELS)
    .filter((level) => levels.includes(level))
    .forEach((level) => {
      const original = target[level];
      if (typeof original !== "function") return;
      const wrapper = {
        /** @this {unknown} @param {unknown[]} args */
        [level](...args) {
          const result = original.apply(this, args);
          if (live.on && ctx.running && !busy) {
            busy = true;
            try {
              record(level, args);
            } catch (err) {
              ctx.onError(err);
            } finally {
              busy = false;
            }
          }
          return result;
        },
      }[level];
      target[level] = wrapper;
      wrapped.push([level, original, wrapper]);
    });

  return function teardown() {
    live.on = false;
    wrapped.forEach(([level, original, wrapper]) => {
      if (target[level] === wrapper) target[level] = original;
    });
  };
}

/** A console call's arguments as one bounded string, %-substitutions applied as consoles do. @param {ArrayLike<unknown>} args */
export function format(args) {
  const budget = { left: CONSOLE_MESSAGE_MAX };
  /** @type {string[]} */
  const parts = [];
  const rest = Array.from(args);
  if (typeof rest[0] === "string") {
    const first = String(rest.shift()).slice(0, CONSOLE_MESSAGE_MAX);
    parts.push(
      first.replace(/%([sdifoOc%])/g, (match, /** @type {string} */ c) => {
        if (c === "%") return "%";
        if (!rest.length) return match;
        const value = rest.shift();
        if (c === "c") return ""; // CSS: nothing to read
        if ((c === "d" || c === "i") && typeof value === "number") return String(Math.trunc(value));
        if (c === "f" && typeof value === "number") return String(value);
        return describe(value, 1, new Set(), budget, false);
      }),
    );
    budget.left -= parts[0].length;
  }
  for (const value of rest) {
    if (budget.left <= 0) break;
    const text = describe(value, 0, new Set(), budget, false);
    budget.left -= text.length + 1;
    parts.push(text);
  }
  return parts.join(" ").slice(0, CONSOLE_MESSAGE_MAX);
}

/**
 * @param {unknown} value @param {number} depth @param {Set<unknown>} seen @param {{ left: number }} budget
 * @param {boolean} quoted
 * @returns {string}
 */
function describe(value, depth, seen, budget, quoted) {
  switch (typeof value) {
    case "string": {
      const cut = value.slice(0, Math.max(0, budget.left));
      return quoted ? JSON.stringify(cut) : cut;
    }
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    case "bigint":
      return String(value) + "n";
    case "symbol":
      return "Symbol()";
    case "function":
      return "[Function]";
    default:
      break;
  }
  if (value === null) return "null";
  if (seen.has(value)) return "[Circular]";
  if (value instanceof Error) return errorText(value);
  if (typeof Node !== "undefined" && value instanceof Node) return "<" + value.nodeName.toLowerCase() + ">";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (value instanceof Map || value instanceof Set) return (value instanceof Map ? "Map(" : "Set(") + value.size + ")";
  const isArray = Array.isArray(value);
  if (depth >= CONSOLE_DEPTH) return isArray ? "[Array]" : "[Object]";
  const object = /** @type {object & { length: number }} */ (value);
  seen.add(value);
  try {
    const keys = isArray ? Array.from({ length: Math.min(object.length, MAX_ITEMS) }, (_, i) => String(i)) : Object.keys(object);
    /** @type {string[]} */
    const items = [];
    let used = 0;
    for (const key of keys.slice(0, MAX_ITEMS)) {
      if (budget.left - used <= 0) break;
      const desc = Object.getOwnPropertyDescriptor(object, key);
      // An accessor is page code: its value is not read.
      const text = !desc ? "<empty>" : "value" in desc ? describe(desc.value, depth + 1, seen, { left: budget.left - used }, true) : "[Getter]";
      const item = isArray ? text : (/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)) + ": " + text;
      used += item.length + 2;
      items.push(item);
    }
    const more = keys.length > items.length || (isArray && object.length > MAX_ITEMS) ? ", …" : "";
    return isArray ? "[" + items.join(", ") + more + "]" : "{" + items.join(", ") + more + "}";
  } finally {
    seen.delete(value);
  }
}

/** @param {Error} err */
function errorText(err) {
  const name = typeof err.name === "string" ? err.name : "Error";
  const message = typeof err.message === "string" ? err.message : "";
  return message ? name + ": " + message : name;
}
