import { globMatcher } from '../glob.js';
import { createLogger, type Logger } from '../log.js';
import { CompactionLauncher } from './embedded/compaction.js';
import { DataDirLockedError, lockDataDir } from './embedded/dataDirLock.js';
import { DurableWriter, type DurabilityOptions } from './embedded/durableWriter.js';
import { LocalGroupLease } from './embedded/localGroupLease.js';
import { recover, type Recovered } from './embedded/recover.js';
import { EmbeddedState, type Op } from './embedded/state.js';
import { pointsOf } from './appendCommand.js';
import type { GroupLease } from './groupLease.js';
import { decodeWindow, encodePoints } from './windowCodec.js';
import type {
  AnomalyRecord,
  AppendBatch,
  Collection,
  GroupedPoints,
  HistoryQuery,
  Series,
  Store,
  TorusType,
  TorusValue,
  TorusWrite,
  TrimResult,
} from './store.js';

export interface EmbeddedOptions extends Partial<DurabilityOptions> {
  /** Where damaged-file warnings go. */
  readonly log?: Logger;
}

const DEFAULTS: DurabilityOptions = { commitMs: 1000, compactBytes: 64 * 1024 * 1024 };

/**
 * A real single-box store: raw windows are kept as the same Skyline bytes Redis would hold, so both
 * backends decode, trim and quarantine identically. Under `dataDir` every change goes to an append
 * log, fsynced once per `commitMs` (a kill -9 loses at most that), and is folded into a snapshot in
 * another process (docs/architecture.md, "The embedded store on disk"). One process writes a data
 * dir, the holder of its lock; any other opens it read-only, as of its last commit.
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  /** Opened in this process: there is nothing to wait for. */
  readonly firstConnection = Promise.resolve();

  private constructor(
    private readonly state: EmbeddedState,
    private readonly writer: DurableWriter | undefined,
    /** The data dir and the pid holding it, when this store may only read. */
    private readonly readOnly: { dir: string; holder: number } | undefined,
    /** When the newest file this store loaded was written (epoch seconds); undefined for a new data dir. */
    readonly loadedSnapshotAt: number | undefined,
  ) {}

  /**
   * Opens `dataDir` (recovering what is valid, one warning line per damaged file) as its writer, or
   * read-only when another store holds it. No `dataDir` = memory only.
   */
  static open(dataDir?: string, options: EmbeddedOptions = {}): EmbeddedStore {
    if (!dataDir) return new EmbeddedStore(new EmbeddedState(), undefined, undefined, undefined);
    const log = options.log ?? createLogger('kale.store');
    const lock = lockDataDir(dataDir);
    if ('holder' in lock) {
      const r = recoverBesideWriter(dataDir);
      for (const w of r.warnings) log.warn(w);
      return new EmbeddedStore(r.state, undefined, { dir: dataDir, holder: lock.holder }, r.newestAt);
    }
    // Before the store is loaded: a fork from a process holding it would slow its next collections.
    const launcher = CompactionLauncher.start();
    try {
      const r = recover(dataDir);
      for (const w of r.warnings) log.warn(w);
      const writer = DurableWriter.start(dataDir, r, lock, launcher, { ...DEFAULTS, ...options }, log);
      return new EmbeddedStore(r.state, writer, undefined, r.newestAt);
    } catch (err) {
      void launcher.close();
      lock.release();
      throw err;
    }
  }

  /** Applies a change and logs it; refused when another process holds the data dir. */
  private change(op: Op): void {
    this.assertWritable();
    this.state.apply(op);
    this.writer?.add(op);
  }

  private assertWritable(): void {
    if (this.readOnly) throw new DataDirLockedError(this.readOnly.dir, this.readOnly.holder);
  }

  /** Writes and fsyncs every change made so far (the commit interval does this on its own). */
  async flush(): Promise<void> {
    await this.writer?.commit();
  }

  /** Folds the log into a new snapshot, in another process; resolves once it is in place. */
  async compact(): Promise<void> {
    await this.writer?.compact();
  }

  async append(batches: ReadonlyArray<AppendBatch>): Promise<void> {
    const names: string[] = [];
    const bytes: Uint8Array[] = [];
    for (const b of batches) {
      if (b.points.length === 0) continue;
      names.push(b.name);
      bytes.push(encodePoints(b.points));
    }
    if (names.length) this.change(['P', names, bytes]);
  }

  /** Columns become tuple lists: the embedded log stores each metric's points encoded as append() does. */
  /** Null: the state is this thread's memory, so its writer runs here too. */
  writerConnection(): null {
    return null;
  }

  async appendGrouped(g: GroupedPoints): Promise<void> {
    await this.append(g.names.map((name, i) => ({ name, points: pointsOf(g, i) })));
  }

  async listMetrics(): Promise<string[]> {
    return [...this.state.windows.keys()].sort();
  }

  async readRawWindows(names: ReadonlyArray<string>): Promise<Array<Uint8Array | null>> {
    return names.map((n) => (this.state.windows.has(n) ? this.state.joined(n) : null));
  }

  async readWindows(names: ReadonlyArray<string>): Promise<Array<Series | null>> {
    return names.map((n) => {
      if (!this.state.windows.has(n)) return null;
      try {
        return decodeWindow(this.state.joined(n));
      } catch {
        return null;
      }
    });
  }

  async trim(name: string, cutoff: number): Promise<TrimResult> {
    this.assertWritable();
    const result = this.state.trim(name, cutoff);
    // Only trims that changed something are logged: roomba trims every metric every minute.
    if (result.removed > 0 || result.quarantined) this.writer?.add(['T', name, cutoff]);
    return result;
  }

  async torusWrite(writes: ReadonlyArray<TorusWrite>): Promise<void> {
    this.change(['U', [...writes], Date.now() / 1000]);
  }

  private liveBucket(key: string) {
    const b = this.state.torus.get(key);
    // Expired buckets read as absent; replay and snapshots drop them by the same expiry.
    if (b && b.expireAt <= Date.now() / 1000) {
      this.state.torus.delete(key);
      return undefined;
    }
    return b;
  }

  async torusRead(type: TorusType, keys: ReadonlyArray<string>): Promise<Array<TorusValue | null>> {
    return keys.map((k): TorusValue | null => {
      const b = this.liveBucket(k);
      if (!b || b.type !== type) return null;
      switch (type) {
        case 'series':
          return { type, values: [...(b.data as number[])] };
        case 'histogram':
          return { type, counts: new Map(Object.entries(b.data as Record<string, number>)) };
        case 'count':
          return { type, total: b.data as number };
        case 'gauge':
          return { type, last: b.data as string };
        case 'set':
          return { type, members: [...(b.data as string[])] };
      }
    });
  }

  async torusIndex(key: string): Promise<string[]> {
    const b = this.liveBucket(key);
    return b?.type === 'set' ? [...(b.data as string[])] : [];
  }

  async torusKeys(pattern: string): Promise<string[]> {
    const matches = globMatcher(pattern);
    return [...this.state.torus.keys()].filter((k) => matches(k) && this.liveBucket(k)).sort();
  }

  async recordAnomalies(
    current: ReadonlyArray<AnomalyRecord>,
    retention: number,
    carried: ReadonlyArray<AnomalyRecord> = [],
  ): Promise<void> {
    this.change(['A', [...current], retention, [...carried], Date.now() / 1000]);
  }

  async currentAnomalies(): Promise<AnomalyRecord[]> {
    return [...this.state.current];
  }

  async anomalyHistory(q: HistoryQuery): Promise<AnomalyRecord[]> {
    const history = this.state.history;
    const out: AnomalyRecord[] = [];
    for (let i = history.length - 1; i >= 0 && out.length < (q.limit ?? Infinity); i--) {
      const r = history[i];
      if (q.until !== undefined && r.detectedAt > q.until) continue;
      if (q.from !== undefined && r.detectedAt < q.from) break;
      if (q.metric && r.metric !== q.metric) continue;
      out.push(r);
    }
    return out;
  }

  async claim(key: string, ttl: number): Promise<boolean> {
    this.assertWritable();
    const now = Date.now() / 1000;
    const until = this.state.claims.get(key);
    if (until !== undefined && until > now) return false;
    this.change(['C', [key], [now + ttl]]);
    return true;
  }

  async release(key: string): Promise<void> {
    this.assertWritable();
    if (this.state.claims.has(key)) this.change(['R', key]);
  }

  private readonly groupLeases = new Map<string, LocalGroupLease>();

  /** The same table for a key every time: the group is this process, its leases this store's memory. */
  groupLease(key: string): GroupLease {
    let lease = this.groupLeases.get(key);
    if (!lease) this.groupLeases.set(key, (lease = new LocalGroupLease()));
    return lease;
  }

  async saveCollection(c: Collection): Promise<void> {
    this.change(['S', [c]]);
  }

  async listCollections(): Promise<Collection[]> {
    return [...this.state.collections.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  async deleteCollection(id: string): Promise<boolean> {
    this.assertWritable();
    if (!this.state.collections.has(id)) return false;
    this.change(['D', id]);
    return true;
  }

  async readMetricState(kind: string, names: ReadonlyArray<string>): Promise<Array<Uint8Array | null>> {
    const now = Date.now() / 1000;
    return names.map((name) => {
      const got = this.state.metricState.get(`${kind}\0${name}`);
      return got && got[1] > now ? got[0] : null;
    });
  }

  async writeMetricState(
    kind: string,
    entries: ReadonlyArray<readonly [string, Uint8Array]>,
    ttl: number,
  ): Promise<void> {
    if (entries.length === 0) return;
    const expireAt = Date.now() / 1000 + ttl;
    this.change([
      'M',
      entries.map(([name]) => `${kind}\0${name}`),
      entries.map(([, bytes]) => bytes.slice()),
      entries.map(() => expireAt),
    ]);
  }

  async putStatus(service: string, status: Record<string, unknown>): Promise<void> {
    this.change(['H', [service], [status]]);
  }

  async getStatus(): Promise<Record<string, Record<string, unknown>>> {
    return Object.fromEntries(this.state.status);
  }

  /** A service on a data dir another process writes is refused here, before it opens a port. */
  async ping(): Promise<boolean> {
    this.assertWritable();
    return true;
  }

  /** Commits what is queued and releases the data dir; a process that only read writes nothing. */
  async close(): Promise<void> {
    await this.writer?.close();
  }
}

/**
 * Reads a data dir another process writes. Its compaction may delete a log segment between our
 * listing and our reading it; the files are then read again.
 */
function recoverBesideWriter(dir: string): Recovered {
  for (let attempt = 1; ; attempt++) {
    try {
      return recover(dir, { quietTornTail: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw err;
    }
  }
}
