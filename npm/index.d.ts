import type { VeilApi } from "./dist/veil.js";

export type * from "./dist/veil.js";

export interface LoadOptions {
  /** The URL (relative to the page, or absolute on its origin) of the directory the runtime files
   * were copied to, e.g. "/veil/". */
  base: string;
  /** veil.js's SRI value; default: this package's (INTEGRITY). false loads it without a check. */
  integrity?: string | false;
}

/** Load Veil from `base` once the page's load event has ended; returns window.Veil (a stub that
 * queues calls until veil.js has arrived). */
export declare function load(options: LoadOptions): VeilApi;
export default load;
/** veil.js's SRI value in this package. */
export declare const INTEGRITY: string;
/** Veil's version. */
export declare const VERSION: string;
