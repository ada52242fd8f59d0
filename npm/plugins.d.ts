export interface CopyOptions {
  /** The subdirectory of the build output the runtime files go to (default "veil"). */
  dir?: string;
  /** The runtime directory to copy from (default: this package's dist/). */
  from?: string;
}
export interface CopyResult {
  directory: string;
  files: number;
  bytes: number;
  /** veil.js's SRI value. */
  integrity: string;
  version: string;
}
/** The esbuild or Vite plugin (by the import path it came from). */
export declare function veil(options?: CopyOptions): { name: string; [hook: string]: unknown };
export default veil;
export declare const RUNTIME_DIR: string;
export declare function copyRuntime(destination: string, options?: { from?: string }): Promise<CopyResult>;
export declare function runtimeHandler(options?: { from?: string }): (req: unknown, res: unknown, next: () => void) => void;
