/*
 * instantiation.mjs: a Pyodide start whose WebAssembly cannot be instantiated fails, instead of
 * never ending.
 *
 * Rules: Pyodide 314 catches a failed WebAssembly instantiation, prints FAILED_LINE and then the
 * error with console.warn, and its loadPyodide never settles. Firefox fails it ("InternalError: out
 * of memory") once a content process holds too many WebAssembly memories. While a start runs,
 * console.warn is watched for that line: the start then rejects with an InstantiationError naming
 * the browser's error, so the boot fails at once with its reason. Every warning still reaches the
 * console unchanged, and the watch is undone when the start settles.
 */

export const FAILED_LINE = "wasm instantiation failed!";

export class InstantiationError extends Error {
  /** @param {string} detail the browser's error, as Pyodide printed it */
  constructor(detail) {
    super("Pyodide could not instantiate its WebAssembly" + (detail ? ": " + detail : ""));
    this.name = "InstantiationError";
  }
}

/**
 * ``start()`` (a loadPyodide call), rejecting with an InstantiationError if Pyodide reports that
 * its WebAssembly failed to instantiate.
 * @template T
 * @param {() => Promise<T>} start
 * @param {{ warn: (...args: any[]) => void }} console the worker's console
 * @returns {Promise<T>}
 */
export function failingFast(start, console) {
  const previous = console.warn;
  /** @type {(err: Error) => void} */
  let fail = () => {};
  /** @type {Promise<never>} */
  const failed = new Promise((_resolve, reject) => {
    fail = reject;
  });
  let seen = false;
  let detail = "";
  /** @param {any[]} args */
  const watching = (...args) => {
    previous.apply(console, args);
    if (seen && !detail) {
      detail = String(args[0]).slice(0, 200); // the error Pyodide prints right after the line
    } else if (args[0] === FAILED_LINE && !seen) {
      seen = true;
      // The error follows in the same task: reject once it has been printed.
      queueMicrotask(() => fail(new InstantiationError(detail)));
    }
  };
  console.warn = watching;
  const undo = () => {
    if (console.warn === watching) console.warn = previous;
  };
  let started;
  try {
    started = Promise.resolve(start());
  } catch (err) {
    started = Promise.reject(err);
  }
  const settled = Promise.race([started, failed]);
  settled.then(undo, undo);
  return settled;
}
