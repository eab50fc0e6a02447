import fs from 'node:fs';
import path from 'node:path';
import { Packr, unpackMultiple } from 'msgpackr';
import { globMatcher } from '../glob.js';
import { decodeWindow, encodePoints } from './windowCodec.js';
import type {
  AnomalyRecord, AppendBatch, Collection, HistoryQuery, Series, Store, TorusType, TorusValue, TorusWrite, TrimResult,
} from './store.js';

interface Bucket {
  type: TorusType;
  /** series: number[]; histogram: Record<string, number>; count: number; gauge: string; set: string[] */
  data: unknown;
  expireAt: number;
}

interface Snapshot {
  windows: Record<string, Uint8Array>;
  quarantine: Record<string, Uint8Array>;
  torus: Record<string, Bucket>;
  current: AnomalyRecord[];
  history: AnomalyRecord[];
  claims: Record<string, number>;
  /** Snapshots written before claims were generalised kept only alert claims, under this name. */
  alerts?: Record<string, number>;
  collections: Record<string, Collection>;
  status: Record<string, Record<string, unknown>>;
  /** `kind\0name` → [bytes, expireAt]; absent in snapshots from before calibrated analysis. */
  metricState?: Record<string, [Uint8Array, number]>;
}

const SNAPSHOT_FILE = 'kale-store.msgpack';
// Variable map sizes: a snapshot routinely holds more than 65,535 metrics.
const snapshotCodec = new Packr({ variableMapSize: true, useRecords: false });

/**
 * A real single-box store: raw windows are kept as the same Skyline bytes Redis would hold, so both
 * backends decode, trim and quarantine identically. Persisted by snapshot to `dataDir` every
 * `snapshotMs` when something changed, and on close.
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  /** Appended chunks per metric; joined lazily on read. */
  private windows = new Map<string, Buffer[]>();
  private quarantine = new Map<string, Uint8Array>();
  private torus = new Map<string, Bucket>();
  private current: AnomalyRecord[] = [];
  private history: AnomalyRecord[] = [];
  private claims = new Map<string, number>();
  private collections = new Map<string, Collection>();
  private status = new Map<string, Record<string, unknown>>();
  private metricState = new Map<string, [Uint8Array, number]>();
  private snapshotAt: number | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly dataDir: string | undefined, snapshotMs: number) {
    if (dataDir) {
      this.timer = setInterval(() => { if (this.dirty) this.snapshot(); }, snapshotMs);
      this.timer.unref();
    }
  }

  /** Opens the store, loading `dataDir`'s snapshot if there is one. No `dataDir` = memory only. */
  static open(dataDir?: string, snapshotMs = 30_000): EmbeddedStore {
    const store = new EmbeddedStore(dataDir, snapshotMs);
    if (dataDir) store.load(path.join(dataDir, SNAPSHOT_FILE));
    return store;
  }

  /**
   * When the snapshot this store loaded was written (epoch seconds); undefined for a new store. A
   * running kale writes one every 30 s, so a second process reading its data dir may lag it by that.
   */
  get loadedSnapshotAt(): number | undefined {
    return this.snapshotAt;
  }

  private load(file: string): void {
    if (!fs.existsSync(file)) return;
    this.snapshotAt = fs.statSync(file).mtimeMs / 1000;
    const s = snapshotCodec.unpack(fs.readFileSync(file)) as Snapshot;
    for (const [k, v] of Object.entries(s.windows)) this.windows.set(k, [Buffer.from(v)]);
    for (const [k, v] of Object.entries(s.quarantine)) this.quarantine.set(k, v);
    for (const [k, v] of Object.entries(s.torus)) this.torus.set(k, v);
    this.current = s.current;
    this.history = s.history;
    for (const [k, v] of Object.entries(s.claims ?? {})) this.claims.set(k, v);
    for (const [k, v] of Object.entries(s.alerts ?? {})) this.claims.set(`alert.${k}`, v);
    for (const [k, v] of Object.entries(s.collections)) this.collections.set(k, v);
    for (const [k, v] of Object.entries(s.status)) this.status.set(k, v);
    for (const [k, v] of Object.entries(s.metricState ?? {})) this.metricState.set(k, v);
  }

  /** Writes the snapshot atomically (temp file + rename), so a crash leaves the previous one intact. */
  snapshot(): void {
    if (!this.dataDir) return;
    const now = Date.now() / 1000;
    const s: Snapshot = {
      windows: Object.fromEntries([...this.windows.keys()].map((k) => [k, this.joined(k)])),
      quarantine: Object.fromEntries(this.quarantine),
      torus: Object.fromEntries([...this.torus].filter(([, b]) => b.expireAt > now)),
      current: this.current,
      history: this.history,
      claims: Object.fromEntries([...this.claims].filter(([, at]) => at > now)),
      collections: Object.fromEntries(this.collections),
      status: Object.fromEntries(this.status),
      metricState: Object.fromEntries([...this.metricState].filter(([, [, at]]) => at > now)),
    };
    fs.mkdirSync(this.dataDir, { recursive: true });
    const file = path.join(this.dataDir, SNAPSHOT_FILE);
    fs.writeFileSync(`${file}.tmp`, snapshotCodec.pack(s));
    fs.renameSync(`${file}.tmp`, file);
    this.dirty = false;
  }

  private joined(name: string): Buffer {
    const chunks = this.windows.get(name)!;
    if (chunks.length > 1) {
      const one = Buffer.concat(chunks);
      chunks.length = 0;
      chunks.push(one);
    }
    return chunks[0];
  }

  async append(batches: ReadonlyArray<AppendBatch>): Promise<void> {
    for (const b of batches) {
      if (b.points.length === 0) continue;
      const chunks = this.windows.get(b.name);
      const bytes = encodePoints(b.points);
      if (chunks) chunks.push(bytes);
      else this.windows.set(b.name, [bytes]);
    }
    this.dirty = true;
  }

  async listMetrics(): Promise<string[]> {
    return [...this.windows.keys()].sort();
  }

  async readRawWindows(names: ReadonlyArray<string>): Promise<Array<Uint8Array | null>> {
    return names.map((n) => (this.windows.has(n) ? this.joined(n) : null));
  }

  async readWindows(names: ReadonlyArray<string>): Promise<Array<Series | null>> {
    return names.map((n) => {
      if (!this.windows.has(n)) return null;
      try {
        return decodeWindow(this.joined(n));
      } catch {
        return null;
      }
    });
  }

  async trim(name: string, cutoff: number): Promise<TrimResult> {
    if (!this.windows.has(name)) return { kept: 0, removed: 0, forgotten: true, quarantined: false };
    const raw = this.joined(name);
    // Same rule as the Redis Lua script: keep the original bytes of every point at or after the cutoff.
    const kept: Buffer[] = [];
    let removed = 0;
    try {
      unpackMultiple(raw, (item: unknown, start?: number, end?: number) => {
        if (!Array.isArray(item) || typeof item[0] !== 'number') throw new Error('not a [ts, value] point');
        if (item[0] >= cutoff) kept.push(raw.subarray(start, end));
        else removed++;
      });
    } catch {
      this.quarantine.set(name, raw);
      this.windows.delete(name);
      this.dirty = true;
      return { kept: 0, removed: 0, forgotten: false, quarantined: true };
    }
    // Everything above is synchronous, so no append can interleave with the rewrite.
    if (kept.length === 0) {
      this.windows.delete(name);
      this.dirty = true;
      return { kept: 0, removed, forgotten: true, quarantined: false };
    }
    if (removed > 0) {
      this.windows.set(name, [Buffer.concat(kept)]);
      this.dirty = true;
    }
    return { kept: kept.length, removed, forgotten: false, quarantined: false };
  }

  async torusWrite(writes: ReadonlyArray<TorusWrite>): Promise<void> {
    const now = Date.now() / 1000;
    for (const w of writes) {
      this.writeBucket(w.key, w.type, w.value, w.expireAt, now, w.rolling);
      if (w.index) this.writeBucket(w.index.key, 'set', w.index.member, w.expireAt, now, w.rolling);
    }
    this.dirty = true;
  }

  private writeBucket(key: string, type: TorusType, value: number | string, expireAt: number, now: number, rolling = false): void {
    let b = this.torus.get(key);
    if (b && (b.expireAt <= now || b.type !== type)) b = undefined;
    if (!b) {
      b = { type, data: emptyData(type), expireAt };
      this.torus.set(key, b);
    } else if (rolling) {
      b.expireAt = expireAt;
    }
    switch (type) {
      case 'series': (b.data as number[]).push(Number(value)); break;
      case 'histogram': { const h = b.data as Record<string, number>; const k = String(value); h[k] = (h[k] ?? 0) + 1; break; }
      case 'count': b.data = (b.data as number) + Number(value); break;
      case 'gauge': b.data = String(value); break;
      case 'set': { const s = b.data as string[]; const v = String(value); if (!s.includes(v)) s.push(v); break; }
    }
  }

  private liveBucket(key: string): Bucket | undefined {
    const b = this.torus.get(key);
    if (b && b.expireAt <= Date.now() / 1000) {
      this.torus.delete(key);
      return undefined;
    }
    return b;
  }

  async torusRead(type: TorusType, keys: ReadonlyArray<string>): Promise<Array<TorusValue | null>> {
    return keys.map((k): TorusValue | null => {
      const b = this.liveBucket(k);
      if (!b || b.type !== type) return null;
      switch (type) {
        case 'series': return { type, values: [...(b.data as number[])] };
        case 'histogram': return { type, counts: new Map(Object.entries(b.data as Record<string, number>)) };
        case 'count': return { type, total: b.data as number };
        case 'gauge': return { type, last: b.data as string };
        case 'set': return { type, members: [...(b.data as string[])] };
      }
    });
  }

  async torusIndex(key: string): Promise<string[]> {
    const b = this.liveBucket(key);
    return b?.type === 'set' ? [...(b.data as string[])] : [];
  }

  async torusKeys(pattern: string): Promise<string[]> {
    const matches = globMatcher(pattern);
    return [...this.torus.keys()].filter((k) => matches(k) && this.liveBucket(k)).sort();
  }

  async recordAnomalies(current: ReadonlyArray<AnomalyRecord>, retention: number, carried: ReadonlyArray<AnomalyRecord> = []): Promise<void> {
    this.current = [...current, ...carried];
    const newest = current.reduce((m, r) => Math.max(m, r.detectedAt), Date.now() / 1000);
    this.history = [...this.history, ...current]
      .filter((r) => r.detectedAt >= newest - retention)
      .sort((a, b) => a.detectedAt - b.detectedAt);
    this.dirty = true;
  }

  async currentAnomalies(): Promise<AnomalyRecord[]> {
    return [...this.current];
  }

  async anomalyHistory(q: HistoryQuery): Promise<AnomalyRecord[]> {
    const out: AnomalyRecord[] = [];
    for (let i = this.history.length - 1; i >= 0 && out.length < (q.limit ?? Infinity); i--) {
      const r = this.history[i];
      if (q.until !== undefined && r.detectedAt > q.until) continue;
      if (q.from !== undefined && r.detectedAt < q.from) break;
      if (q.metric && r.metric !== q.metric) continue;
      out.push(r);
    }
    return out;
  }

  async claim(key: string, ttl: number): Promise<boolean> {
    const now = Date.now() / 1000;
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    this.claims.set(key, now + ttl);
    this.dirty = true;
    return true;
  }

  async release(key: string): Promise<void> {
    this.dirty = this.claims.delete(key) || this.dirty;
  }

  async saveCollection(c: Collection): Promise<void> {
    this.collections.set(c.id, c);
    this.dirty = true;
  }

  async listCollections(): Promise<Collection[]> {
    return [...this.collections.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  async deleteCollection(id: string): Promise<boolean> {
    this.dirty = true;
    return this.collections.delete(id);
  }

  async readMetricState(kind: string, names: ReadonlyArray<string>): Promise<Array<Uint8Array | null>> {
    const now = Date.now() / 1000;
    return names.map((name) => {
      const got = this.metricState.get(`${kind}\0${name}`);
      return got && got[1] > now ? got[0] : null;
    });
  }

  async writeMetricState(kind: string, entries: ReadonlyArray<readonly [string, Uint8Array]>, ttl: number): Promise<void> {
    const expireAt = Date.now() / 1000 + ttl;
    for (const [name, bytes] of entries) this.metricState.set(`${kind}\0${name}`, [bytes.slice(), expireAt]);
    if (entries.length) this.dirty = true;
  }

  async putStatus(service: string, status: Record<string, unknown>): Promise<void> {
    this.status.set(service, status);
    this.dirty = true;
  }

  async getStatus(): Promise<Record<string, Record<string, unknown>>> {
    return Object.fromEntries(this.status);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  /**
   * Writes the snapshot only when something changed: a process that only read (`kale series` beside
   * a running kale) must not put back the older snapshot it loaded over a newer one.
   */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.dirty) this.snapshot();
  }
}

function emptyData(type: TorusType): unknown {
  switch (type) {
    case 'series': return [];
    case 'histogram': return {};
    case 'count': return 0;
    case 'gauge': return '';
    case 'set': return [];
  }
}

