// Types for Veil's public API (dist/veil.js, which defines window.Veil, and dist/veil.mjs).
// tests/unit/test_types.py fails when this file and the code drift apart.

export type PrivacyLevel = "mask" | "mask-user-input" | "allow";
/** "failed": veil.js did not load (the loader snippet's stub says it, shim/loader.js), or the worker
 * stopped answering and was ended (Veil.stats().workerTimeouts). */
export type VeilStatus = "idle" | "loading" | "recording" | "paused" | "stopped" | "declined" | "failed";

/** An rrweb 2.x event after Veil masked it. */
export interface MaskedEvent {
  type: number;
  data: Record<string, unknown>;
  timestamp: number;
}

export interface VeilConfig {
  /** Where batches are POSTed: an absolute http(s) URL or a path starting with "/". */
  endpoint: string;
  /** Sent as the X-Veil-Token header. Printable ASCII, no spaces. */
  clientToken?: string;
  /** "opt-in" (default): nothing before Veil.start(). "tcf": follow the page's IAB TCF v2 CMP. */
  consent?: "opt-in" | "not-required" | "tcf";
  /** Level of every node without an override (default "mask"). */
  defaultPrivacy?: PrivacyLevel;
  allowSelectors?: string[];
  maskSelectors?: string[];
  blockSelectors?: string[];
  /** Path prefixes (with * wildcards) or RegExps; matching pages are not recorded. */
  excludeUrls?: Array<string | RegExp>;
  /** Percentage of sessions recorded, 0-100 (default 100). */
  sampleRate?: number;
  /** Honour Do-Not-Track and Global Privacy Control (default true). */
  respectDoNotTrack?: boolean;
  /** Mask PII patterns in text recorded in clear (default true). */
  scrubPatterns?: boolean;
  /** Pointer path sampling in ms; 0 keeps only gesture starts and ends (default 100). */
  mouseMoveSampleMs?: number;
  /** Remember an accepted opt-in consent in localStorage (default false). */
  persistConsent?: boolean;
  /** Sees each batch's masked events; return them (possibly changed), or null/[] to drop the batch. */
  beforeSend?: (events: MaskedEvent[]) => MaskedEvent[] | null | undefined;
  /** TCF purposes that must all have consent (default [1, 8, 10]). */
  tcfPurposes?: number[];
  /** Bound of the outbox of batches waiting for delivery, in bytes (default 4 MiB). */
  maxQueueBytes?: number;
  /** Every POST is aborted (and retried with backoff) after this many ms, 500-300000 (default 15000). */
  requestTimeoutMs?: number;
  /** Print Veil's decisions (never page content) to the console (default false). */
  debug?: boolean;
  /** "always" (default): record sampled sessions from their start. "on-error": hold the last
   * bufferSeconds in the worker's memory, send nothing until an uncaught error, an unhandled
   * rejection or Veil.capture(), then send the buffer and record the rest of the session. */
  recordingMode?: "always" | "on-error";
  /** On error only: of the sessions not recorded from their start (sampleRate, which defaults
   * to 0 in this mode), the percentage buffered until an error, 0-100 (default 100). */
  errorSampleRate?: number;
  /** On error only: how much is kept before the trigger, 5-600 seconds (default 60). */
  bufferSeconds?: number;
  /** Record the metadata of the page's fetch/XHR requests: method, scrubbed URL, status, duration, sizes (default true). */
  network?: boolean;
  /** Console levels to record, their messages masked like page text (default [] = none). */
  console?: Array<"error" | "warn" | "info" | "log" | "debug">;
  /** Request URLs whose allowed headers and JSON bodies are recorded, masked: path prefixes (with * wildcards) or RegExps (default []). */
  networkDetailUrls?: Array<string | RegExp>;
  /** Header names recorded for networkDetailUrls; credentials and names containing token, secret, session, key or auth never are
   * (default ["content-type", "content-length", "accept", "cache-control"]). */
  networkHeaders?: string[];
  /** Largest JSON body recorded for networkDetailUrls, 0-131072 bytes; 0 records no bodies (default 10240). */
  networkBodyMaxBytes?: number;
  /** The site's own words, shown in clear under "mask" where a text (or a placeholder, title, alt, aria-label,
   * aria-description or label) is exactly one of them; none may hold what the PII scrubber masks, nor a URL (default []). */
  allowText?: string[];
  /** The site-text list `python -m veil.allowlist` wrote, served by the site: an absolute http(s) URL or a path
   * starting with /. Fetched by the worker (at most 2 MB, 5 s); if it fails, nothing more is shown, and it is reported. */
  allowTextUrl?: string;
  /** The list's SRI hash (sha256-, sha384- or sha512-), as `python -m veil.allowlist` prints it; required with allowTextUrl. */
  allowTextIntegrity?: string;
  /** Regions of a canvas to paint over before its frame is encoded (canvas pixels are recorded only at
   * "allow" and "mask-user-input"), in the canvas's own pixels; null (or a throw) records no frame. */
  canvasMaskRegions?: (canvas: HTMLCanvasElement) => CanvasRegion[] | null;
  /** Origins of cross-origin iframes whose own Veil hands their masked recording to this page (default []). */
  iframeOrigins?: string[];
  /** In a cross-origin iframe: the origin of the page that takes this page's masked recording. */
  parentOrigin?: string;
}

export interface CanvasRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CaptureResult {
  /** The capture reached the recording (false when Veil is not recording). */
  captured: boolean;
}

export interface StartResult {
  recording: boolean;
  /** The gate's reason (contract.GateReason: "not-configured" and "bad-facts" are internal faults, not expected), or
   * "stopped": a Veil.stop() called after this start() and before it took effect. */
  reason?: "do-not-track" | "tcf-consent" | "excluded-url" | "sampled-out" | "not-configured" | "bad-facts" | "stopped";
}

export interface FlushResult {
  sent: boolean;
  status?: number;
  /** Why nothing was sent: "empty" (nothing new), "buffered" (recordingMode "on-error" before a
   * trigger: the worker holds the events), "not-recording", "before-send" (the hook dropped the
   * batch), "queued-for-retry" / "offline" (it waits in the outbox), "queue-full", "stopped". */
  reason?: FlushReason;
  error?: string;
}

export type FlushReason = "empty" | "buffered" | "not-recording" | "before-send" | "queued-for-retry" | "offline"
  | "queue-full" | "stopped";

export interface VeilStats {
  /** Errors caught inside Veil (each also reported to Veil.on("error")). */
  errors: number;
  batchesSent: number;
  /** Batches refused for good with a 4xx (413 and session-key refusals included). */
  batchesFailed: number;
  /** Batches the collector refused as too large (413). */
  batchesTooLarge: number;
  /** Batches refused with a 403 naming the session key. */
  batchesRefused: number;
  /** Batches the bounded outbox dropped since the page loaded (reported on the wire as `dropped`). */
  batchesDropped: number;
  /** Events dropped by the fail-closed masker (or too large for any collector). */
  dropped: number;
  beforeSendDropped: number;
  /** Size of the WebAssembly memory the worker's Python runs in (it only grows), in bytes. */
  workerMemoryBytes: number;
  /** Masked JSON waiting in the worker, not yet cut into a batch, in characters (bounded by one batch;
   * with recordingMode "on-error", before a trigger, the buffer too: at most 8 MiB). */
  workerQueueBytes: number;
  /** Batches waiting in the outbox. */
  queuedBatches: number;
  /** Batches dropped by the outbox and not yet reported to the collector. */
  queueDropped: number;
  /** Times the worker said nothing for its deadline while a call waited (150 s while it boots, 60 s
   * otherwise, from the last thing it said); the first ends it: the recording stops and status
   * becomes "failed" (reported with where "worker"). */
  workerTimeouts: number;
  /** How the worker booted: from the stored memory snapshot, or plain (null until it has). */
  bootKind: "snapshot" | "plain" | null;
  /** The worker's boot, from its start to the core imported, in milliseconds. */
  bootMs: number;
  /** Page views' boots that could not use a stored snapshot (1 or 0 for this page view). */
  snapshotFallbacks: number;
  /** Why: "missing", "corrupt", "mismatch", "refused" (no Cache Storage), "timeout" or "failed". */
  snapshotFallbackReason: SnapshotReason | null;
  /** Snapshots this page view made and stored for the next ones. */
  snapshotStored: number;
  /** Snapshots this page view could not store (nothing else is affected). */
  snapshotStoreFailures: number;
  /** Why: "quota", "refused", "timeout" or "failed". */
  snapshotStoreReason: SnapshotReason | null;
  /** The stored snapshot's size (gzip), in bytes, when this page view stored one. */
  snapshotBytes: number;
  /** Large stylesheets (2 KB and more) this page view masked from scratch. */
  cssSheetsMasked: number;
  /** Large stylesheets this page view took masked from the visit's earlier page views (none masked again). */
  cssSheetsReused: number;
  /** Observed before the runtime was ready: JSON held in page memory now, in characters (bounded by maxQueueBytes). */
  earlyBufferBytes: number;
  /** Early hand-overs given to the worker once the Python gate said yes. */
  earlyHandedOver: number;
  /** Early hand-overs discarded unsent: the gate said no, Veil.stop(), the buffer overflowed or the URL changed. */
  earlyDiscarded: number;
  /** Times the early buffer overflowed (dropped, then a fresh full snapshot once the runtime was ready). */
  earlyOverflows: number;
  /** Strings and templates of the allowTextUrl list in use (0: none configured, or it was not used). */
  siteTextEntries: number;
  /** allowTextUrl lists not used: not fetched in time, too large, not matching allowTextIntegrity or malformed
   * (each also reported to Veil.on("error") with where "site-text"); everything stays masked as without a list. */
  siteTextFailures: number;
  /** Canvas frames recorded. */
  canvasFrames: number;
  /** Canvas frames not recorded: canvasMaskRegions threw or returned null (or something else than
   * regions), the byte budget was spent, or the canvas may no longer be recorded. */
  canvasSkipped: number;
  /** Bytes of the canvas frames recorded (base64). */
  canvasBytes: number;
  /** Bytes per second of canvas frames recorded over the last 10 s (bounded by the core). */
  canvasBytesPerSecond: number;
  /** Batches cross-origin iframes handed to this page after the handshake. */
  iframeBatches: number;
  /** Messages naming Veil that this page ignored: from an origin not in iframeOrigins, or from a
   * window that is not an iframe it records. */
  iframeMessagesIgnored: number;
}

export type SnapshotReason = "missing" | "corrupt" | "mismatch" | "refused" | "quota" | "timeout" | "failed";

export interface Explanation {
  level: PrivacyLevel | "block";
  /** A forced secret: masked to a fixed length at every level. */
  secret: boolean;
  /** Why, from the document down to the element: which override set which level. */
  reasons: string[];
  /** What becomes of the element's own text (absent when it has none): the rule that decides it ("site text" when the
   * site-text list shows it; else "level mask", "level mask-user-input", "level allow", "typed", "echo of a typed value",
   * "forced secret" or "block") and what the replay shows ("clear", "template": the list's static parts with each filled
   * slot masked, "masked" or "none"). */
  text?: ContentRule;
  /** The same for each content attribute the site-text list may show (placeholder, title, alt, aria-label,
   * aria-description, label) that the element carries. */
  content?: Record<string, ContentRule>;
}

export interface ContentRule {
  rule: "site text" | "level mask" | "level mask-user-input" | "level allow" | "typed" | "echo of a typed value" | "forced secret" | "block";
  shown: "clear" | "template" | "masked" | "none";
}

/** What the replay shows of an element (Veil.preview): recorded as the page shows it; masked (all
 * or part of its text as `*`, media as placeholders); a field whose typed or chosen value is masked;
 * a forced secret; a blocked placeholder of its size. */
export type PreviewKind = "clear" | "masked" | "typed" | "secret" | "blocked";

export interface PreviewVerdict {
  element: Element;
  kind: PreviewKind;
  level: PrivacyLevel | "block";
  /** What decided it: "site text" (the site's allow-list), an override and the element it sits on
   * (`allow: override allow on <section#about> (data-veil="allow")`), a forced secret, or the default level. */
  rule: string;
  /** What the replay shows of the element's text and content attributes, whitespace collapsed. */
  shown: string[];
  /** The strings recorded exactly as the page has them: "text" or the attribute's name, and the string. */
  clear: Array<{ source: string; text: string }>;
}

export interface PreviewResult {
  /** false after preview(false), or when a later call replaced this one before it was drawn. */
  shown: boolean;
  counts: Record<PreviewKind, number>;
  /** Boxes drawn (elements the page renders; at most 1500). */
  drawn: number;
  /** A large page: only its first 20,000 nodes were previewed. */
  truncated: boolean;
  verdicts: PreviewVerdict[];
}

export interface VeilError {
  message: string;
  /** Where inside Veil it happened: "config", "worker", "transport", "observer", "storage", "consent",
   * "navigation", "lifecycle", "before-send" or "site-text" (shim/veil/errors.mjs). */
  where: string;
}

/** With the loader snippet (shim/loader.js), window.Veil is a stub until veil.js arrives after the
 * load event: init, start, stop, flush, explain and capture queue their calls and return promises
 * that settle with veil.js's results once it has replayed them, in order; on() queues the listener
 * (its unsubscribe works before and after); stats() returns {} (no counters yet); status is
 * "loading"; version is null. If veil.js does not load (network error, integrity mismatch) status
 * becomes "failed" and every queued promise rejects with an Error; nothing throws into the page. */
export interface VeilApi {
  init(config: VeilConfig): Promise<void>;
  start(): Promise<StartResult>;
  stop(): Promise<void>;
  flush(): Promise<FlushResult>;
  /** {} (no counters yet) while the loader snippet's stub stands in, before veil.js arrives. */
  stats(): VeilStats;
  explain(element: Element): Promise<Explanation>;
  /** Draw over the page what the replay shows of each element and the rule that decided it (the
   * core decides, as recording does; nothing is sent or recorded); preview(false) removes every
   * trace. Not queued by the loader snippet's stub: call it once veil.js has arrived (Veil.version
   * set), or open the page with ?veil-preview under `debug: true`. */
  preview(show?: boolean): Promise<PreviewResult>;
  on(event: "error", listener: (error: VeilError) => void): () => void;
  /** Record a capture event (its reason masked like an error message); in on-error mode it sends
   * the buffer and starts recording the rest of the session. */
  capture(reason?: string): Promise<CaptureResult>;
  readonly status: VeilStatus;
  /** null only while the loader snippet's stub stands in. */
  readonly version: string | null;
}

declare const Veil: VeilApi;
export default Veil;

declare global {
  interface Window {
    Veil: VeilApi;
  }
}
