/**
 * The Store speaks in domain terms so services never know whether Redis or the embedded backend is
 * underneath. It is the union of small role interfaces (below); both backends implement every role.
 */

import type { GroupLease } from './groupLease.js';

/** One datapoint as Skyline stores it: `[timestamp (epoch seconds), value]`. */
export type Point = readonly [ts: number, value: number];

/** A decoded analysis window: sorted by timestamp, de-duplicated (last write for a timestamp wins). */
export interface Series {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export interface AppendBatch {
  /** Metric name without the `metrics.` prefix. */
  readonly name: string;
  readonly points: ReadonlyArray<Point>;
}

export interface TrimResult {
  /** Points kept in the window after the trim. */
  readonly kept: number;
  readonly removed: number;
  /** True when no point survived and the metric was forgotten (removed from the metric set). */
  readonly forgotten: boolean;
  /** True when the key could not be decoded and was moved aside under `quarantine.<key>`. */
  readonly quarantined: boolean;
}

/** Torus bucket types and the Redis type each maps to. */
export type TorusType = 'series' | 'histogram' | 'count' | 'gauge' | 'set';

export interface TorusWrite {
  readonly type: TorusType;
  /** Full bucket key, e.g. `app.requests:1h:472222`. */
  readonly key: string;
  readonly value: number | string;
  /** Epoch seconds at which the bucket expires (retention); set once per new bucket, or on every write when `rolling`. */
  readonly expireAt: number;
  /** Retention counts from the latest write to the bucket rather than from the bucket's start. */
  readonly rolling?: boolean;
  /** With a resolution, the interval key is a set of sub-bucket ids; `index` records this bucket in it. */
  readonly index?: { readonly key: string; readonly member: string };
}

/** What a bucket holds when read back, by type. */
export type TorusValue =
  | { type: 'series'; values: number[] }
  | { type: 'histogram'; counts: Map<string, number> }
  | { type: 'count'; total: number }
  | { type: 'gauge'; last: string }
  | { type: 'set'; members: string[] };

export type Vote = boolean | null;

export interface AnomalyRecord {
  readonly metric: string;
  /** Timestamp of the anomalous datapoint (epoch seconds). */
  readonly timestamp: number;
  readonly value: number;
  readonly preset: string;
  readonly votes: Readonly<Record<string, Vote>>;
  /** In [0, 1]; ranks anomalies. */
  readonly score: number;
  readonly episode: string;
  /** When the analyzer flagged it (epoch seconds). */
  readonly detectedAt: number;
  /**
   * Calibrated presets: false for a row that continues its episode's incident (shown with it, not
   * flagged or paged again); absent = flagged.
   */
  readonly flagged?: boolean;
}

export interface Collection {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly metric: string;
  readonly points: ReadonlyArray<Point>;
  readonly createdAt: number;
}

export interface HistoryQuery {
  readonly from?: number;
  readonly until?: number;
  readonly metric?: string;
  readonly limit?: number;
}

/** Points grouped by metric in columns: metric `i`'s points are `ts`/`values` at [starts[i], starts[i + 1]). */
export interface GroupedPoints {
  readonly names: ReadonlyArray<string>;
  /** names.length + 1 offsets. */
  readonly starts: ArrayLike<number>;
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

/**
 * What a writer thread needs to open its own connection to a store: plain data, so it crosses into the
 * thread as workerData. The URL names one Redis server or a cluster (core/store/redisUrl.ts).
 */
export interface WriterConnection {
  readonly url: string;
}

/*
 * The Store's roles. Each consumer names only the roles it calls (`store: WindowStore & AnomalyStore`),
 * so what a service touches is visible in its signature and a backend's surface is split into parts
 * that each have their own contract suite (test/core/storeContract/).
 */

/** What every backend is, whatever role it is used in: its kind, its health, its end. */
export interface StoreConnection {
  readonly kind: 'redis' | 'embedded';
  /**
   * Settles when the store first answers; fails (RedisUnreachableError) when a server never does, so a
   * command can say so instead of waiting. Commands meanwhile wait and keep retrying.
   */
  readonly firstConnection: Promise<void>;
  /** Health check used by the webapp status and by reconnect logic. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** The raw analysis windows (`metrics.<name>` and `metrics.unique_metrics`): horizon writes, everyone reads. */
export interface WindowStore {
  /** Appends points to each metric's raw window and registers new names in `metrics.unique_metrics`. */
  append(batches: ReadonlyArray<AppendBatch>): Promise<void>;
  /** append() for points already grouped by metric in columns (horizon's writer builds them so). */
  appendGrouped(grouped: GroupedPoints): Promise<void>;
  /**
   * How a writer thread opens its own connection to these windows (core/store/writerConnection.ts), or
   * null when they can only be written from this thread: the embedded store lives in this thread's
   * memory, and a Redis store built on a client rather than a URL has no address to hand over.
   */
  writerConnection(): WriterConnection | null;
  /** Names (without `metrics.`) of every metric in the window set. */
  listMetrics(): Promise<string[]>;
  /** Decoded windows, in the order asked; `null` for a metric with no key or an undecodable one. */
  readWindows(names: ReadonlyArray<string>): Promise<Array<Series | null>>;
  /** The raw Skyline bytes (concatenated msgpack `[ts, value]`), for decoding off the main thread. */
  readRawWindows(names: ReadonlyArray<string>): Promise<Array<Uint8Array | null>>;
  /** Drops points older than `cutoff`; never loses a point appended while it runs. */
  trim(name: string, cutoff: number): Promise<TrimResult>;
}

/** The torus rollup buckets: horizon and backfill write them, the analyzer's seasonal history and the webapp read. */
export interface RollupStore {
  torusWrite(writes: ReadonlyArray<TorusWrite>): Promise<void>;
  torusRead(type: TorusType, keys: ReadonlyArray<string>): Promise<Array<TorusValue | null>>;
  /** Members of a resolution index key (sub-bucket ids). */
  torusIndex(key: string): Promise<string[]>;
  /** Keys matching a glob (`*` only); for schema migration and debugging, not hot paths. */
  torusKeys(pattern: string): Promise<string[]>;
}

/** The current anomaly list and its history: the analyzer records, the webapp and seed read. */
export interface AnomalyStore {
  /**
   * Replaces the current anomaly list and appends the same records to the history; `carried` records
   * (recorded in an earlier cycle, still current) join the current list without entering the history again.
   */
  recordAnomalies(
    current: ReadonlyArray<AnomalyRecord>,
    historyRetentionSeconds: number,
    carried?: ReadonlyArray<AnomalyRecord>,
  ): Promise<void>;
  currentAnomalies(): Promise<AnomalyRecord[]>;
  anomalyHistory(query: HistoryQuery): Promise<AnomalyRecord[]>;
}

/** Expiring keys won by one process only: alert de-duplication, migration ledgers. */
export interface ClaimStore {
  /**
   * True when the caller won the key (it did not exist); the key expires after `ttlSeconds`. Callers
   * namespace their keys: alert de-duplication (`alert.…`), migration ledgers (`migrate.…`).
   */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets a claim, so the key can be won again (undoing a claim whose work failed). */
  release(key: string): Promise<void>;
}

/** Saved shape collections (oculus and the webapp). */
export interface CollectionStore {
  saveCollection(collection: Collection): Promise<void>;
  listCollections(): Promise<Collection[]>;
  deleteCollection(id: string): Promise<boolean>;
}

/** What the analyzer keeps per metric between cycles. */
export interface MetricStateStore {
  /**
   * Bytes the analyzer keeps per metric between cycles, by `kind` (`calibration`: evidence history and
   * open incident; `context`: the hourly rollup of the last 8 days); null where a metric has none.
   */
  readMetricState(kind: string, names: ReadonlyArray<string>): Promise<Array<Uint8Array | null>>;
  /** Replaces those bytes; each entry expires `ttlSeconds` after its last write (a forgotten metric's go too). */
  writeMetricState(
    kind: string,
    entries: ReadonlyArray<readonly [name: string, bytes: Uint8Array]>,
    ttlSeconds: number,
  ): Promise<void>;
}

/** Leases of a group of processes sharing this store (the analyzer group), kept where the group sees them. */
export interface GroupStore {
  /** The lease table of group `key`: on Redis shared by every process, on the embedded store this process's. */
  groupLease(key: string): GroupLease;
}

/** A small JSON status document per service (run statistics, listener state) for the Status page. */
export interface StatusStore {
  putStatus(service: string, status: Record<string, unknown>): Promise<void>;
  getStatus(): Promise<Record<string, Record<string, unknown>>>;
}

/** Every role: what a backend implements and what opening one returns. */
export interface Store
  extends StoreConnection,
    WindowStore,
    RollupStore,
    AnomalyStore,
    ClaimStore,
    CollectionStore,
    MetricStateStore,
    GroupStore,
    StatusStore {}
