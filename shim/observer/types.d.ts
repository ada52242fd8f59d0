// The observer's shared shapes, for tsc (the observer's modules are plain JavaScript that refer to
// these in JSDoc). Nothing here exists at run time.
import type { Mirror, serializeNodeWithId } from "rrweb-snapshot";
import type { ObserverOptions, RrwebSnapshot } from "./context.mjs";

/** An rrweb-shaped event the observer hands to the worker (raw: the worker masks it). */
export interface RawEvent {
  type: number;
  data: Record<string, unknown>;
  timestamp: number;
}

/**
 * An observed event, or the function that builds it when it joins a hand-over (queue.mjs): how an
 * event that names page nodes by id reads their ids late; null drops the event.
 */
export type Observed = RawEvent | (() => RawEvent | null);

/** A node as rrweb-snapshot serialized it, with the fields the observer reads or adds. */
export type Serialized = NonNullable<ReturnType<typeof serializeNodeWithId>> & Record<string, any>;

/** rrweb-snapshot's serializeNodeWithId options. */
export type SerializeOptions = Parameters<typeof serializeNodeWithId>[1];

/** A snapshot row (see sdk/veil/rows.py): kind, id, parent id, fields..., rare fields. */
export type Row = unknown[];

/** The worker's answer to a hand-over, as far as the observer reads it. */
export type HandOverAnswer = { snapshots?: number; buffered?: boolean; [key: string]: unknown } | null;

/** The time-sliced full snapshot in progress (walk.mjs). */
export interface Walk {
  startedAt: number;
  /** Four entries a node, flat: node, parent id, the node it was read under, cssCaptured (popped in reverse). */
  stack: Array<Node | number | boolean | null>;
  serialized: Map<Node, Node | null>;
  children: Map<Node, Node[]>;
  childless: Set<Node>;
  records: MutationRecord[];
  held: Observed[];
  /** [node id, sheet] of the large <link> stylesheets read after the walk (sheets.mjs). */
  sheets: Array<[number, CSSStyleSheet]>;
  cancelled: boolean;
  finished: Promise<HandOverAnswer>;
  resolve: (answer: HandOverAnswer | Promise<HandOverAnswer>) => void;
}

/** The hand-over of observed events to the worker (queue.mjs). */
export interface Queue {
  push(event: RawEvent): void;
  emit(event: Observed, urgent?: boolean): Promise<HandOverAnswer>;
  append(event: RawEvent): void;
  release(held: Observed[]): void;
  drain(): Promise<HandOverAnswer>;
  schedule(): void;
  clear(): void;
  size(): number;
}

/** What the observer's modules share for one observer (context.mjs). */
export interface Context {
  lib: RrwebSnapshot;
  mirror: Mirror;
  blockSelector: string;
  userSelectors: string;
  flagged: Set<Element>;
  running: boolean;
  walk: Walk | null;
  freshlySerialized: Set<Node> | null;
  /** The reading of a finished walk's large stylesheets in progress (sheets.mjs), or null. */
  sheetReader: object | null;
  prepared: boolean;
  queue: Queue;
  takeRecords: () => MutationRecord[];
  /** The loader snippet's lookup of every shadow root attached since it ran, closed ones included (closed.mjs); null without it. */
  shadowRoots: ((host: Element) => ShadowRoot | null | undefined) | null;
  /** Called when a full snapshot's walk has ended (trackers that send their state again: canvas frames, iframes). */
  afterSnapshot: Set<() => void>;
  /** Set by the styles tracker: called after every full snapshot (adopted sheets are sent again). */
  snapshotTaken?: (() => void) | null;
  guard<A extends unknown[], R>(fn: (this: any, ...args: A) => R): (this: any, ...args: A) => R | undefined;
  onError: (err: unknown) => void;
  timed<R>(name: string, fn: () => R): R;
  nodeId(n: Node | null | undefined): number;
  matchFlags(el: Element, blocked?: boolean): string[];
  rememberFlags(el: Element, flags: string[]): void;
  watchRoot(root: ShadowRoot | Document): void;
  onRoot(watch: (root: ShadowRoot | Document) => void): () => void;
  serializeOptions(): Record<string, any>;
  /** A node's shadow root: an open one, or through the loader a closed one. */
  shadowRootOf(n: Node): ShadowRoot | null;
  serialize(n: Node, overrides?: Record<string, unknown>): Serialized | null;
  reset(): void;
}

/** A tracker's teardown: undoes everything the tracker did to the page. */
export type Teardown = () => void;

export type { ObserverOptions };

/** One request as the network tracker builds it, then emits (trackers/network.mjs). */
export interface NetworkRecord {
  initiator: "fetch" | "xhr";
  method: string;
  url: string;
  started: number;
  status: number;
  durationMs: number;
  body: unknown;
  requestLength: number;
  responseBytes: number;
  detail?: boolean;
  headers?: Record<string, string>;
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
}

/** What the network tracker's fetch and XHR parts share (trackers/network.mjs). */
export interface NetworkShared {
  ctx: Context;
  live: { on: boolean };
  isDetail: (url: string) => boolean;
  isOwn: (url: string) => boolean;
  pick: (get: (name: string) => string | null | undefined) => Record<string, string>;
  later: (fn: () => void, ms: number) => void;
  settle: (rec: NetworkRecord, initiatorType: string, step?: number) => void;
  emit: (rec: NetworkRecord, endEpoch: number) => void;
  allowed: string[];
  bodyMax: number;
}
