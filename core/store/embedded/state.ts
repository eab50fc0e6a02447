import { Packr, unpackMultiple } from 'msgpackr';
import type { AnomalyRecord, Collection, TorusType, TorusWrite, TrimResult } from '../store.js';

export interface Bucket {
  type: TorusType;
  /** series: number[]; histogram: Record<string, number>; count: number; gauge: string; set: string[] */
  data: unknown;
  expireAt: number;
}

/**
 * Every change to the store as one replayable operation. The live store applies an op and logs it;
 * recovery applies the snapshot's ops and then the log's, through the same `apply`, so what is
 * replayed is exactly what ran. Times (`now`, expiries) travel inside the op: replay is deterministic.
 */
export type Op =
  | readonly ['P', names: string[], bytes: Uint8Array[]] // points appended to windows (a snapshot's windows too)
  | readonly ['T', name: string, cutoff: number] // a trim that changed something
  | readonly ['X', names: string[], bytes: Uint8Array[]] // quarantined windows (snapshot)
  | readonly ['U', writes: TorusWrite[], now: number] // torus writes
  | readonly ['B', keys: string[], buckets: Bucket[]] // torus buckets (snapshot)
  | readonly ['A', current: AnomalyRecord[], retention: number, carried: AnomalyRecord[], now: number] // recordAnomalies
  | readonly ['N', current: AnomalyRecord[], history: AnomalyRecord[]] // anomalies (snapshot)
  | readonly ['C', keys: string[], until: number[]] // claims won
  | readonly ['R', key: string] // claim released
  | readonly ['S', collections: Collection[]] // collections saved
  | readonly ['D', id: string] // collection deleted
  | readonly ['M', keys: string[], bytes: Uint8Array[], expireAt: number[]] // per-metric state, keyed `kind\0name`
  | readonly ['H', services: string[], statuses: Array<Record<string, unknown>>]; // service status documents

const MAX_CHUNKS = 64;

// Variable map sizes: a snapshot routinely holds more than 65,535 metrics. Decoded windows are views
// of the read buffer (records.ts never reuses one): a copy each would double the garbage of a load.
export const opCodec = new Packr({ variableMapSize: true, useRecords: false });

/** The store's contents in memory, changed only through `apply`. */
export class EmbeddedState {
  /** Appended chunks per metric; joined lazily on read. */
  readonly windows = new Map<string, Buffer[]>();
  readonly quarantine = new Map<string, Uint8Array>();
  readonly torus = new Map<string, Bucket>();
  current: AnomalyRecord[] = [];
  history: AnomalyRecord[] = [];
  readonly claims = new Map<string, number>();
  readonly collections = new Map<string, Collection>();
  readonly status = new Map<string, Record<string, unknown>>();
  readonly metricState = new Map<string, [Uint8Array, number]>();

  apply(op: Op): void {
    switch (op[0]) {
      case 'P':
        op[1].forEach((name, i) =>
          this.appendBytes(name, Buffer.from(op[2][i].buffer, op[2][i].byteOffset, op[2][i].byteLength)),
        );
        break;
      case 'T':
        this.trim(op[1], op[2]);
        break;
      case 'X':
        op[1].forEach((name, i) => this.quarantine.set(name, op[2][i]));
        break;
      case 'U':
        for (const w of op[1]) this.torusWrite(w, op[2]);
        break;
      case 'B':
        op[1].forEach((key, i) => this.torus.set(key, op[2][i]));
        break;
      case 'A':
        this.recordAnomalies(op[1], op[2], op[3], op[4]);
        break;
      case 'N':
        this.current = op[1];
        this.history = op[2];
        break;
      case 'C':
        op[1].forEach((key, i) => this.claims.set(key, op[2][i]));
        break;
      case 'R':
        this.claims.delete(op[1]);
        break;
      case 'S':
        for (const c of op[1]) this.collections.set(c.id, c);
        break;
      case 'D':
        this.collections.delete(op[1]);
        break;
      case 'M':
        op[1].forEach((key, i) => this.metricState.set(key, [op[2][i], op[3][i]]));
        break;
      case 'H':
        op[1].forEach((service, i) => this.status.set(service, op[2][i]));
        break;
      default:
        throw new Error(`unknown operation ${JSON.stringify((op as unknown[])[0])}`);
    }
  }

  private appendBytes(name: string, bytes: Buffer): void {
    if (bytes.length === 0) return;
    const chunks = this.windows.get(name);
    if (!chunks) {
      this.windows.set(name, [bytes]);
      return;
    }
    // A window nobody reads (horizon alone) would otherwise hold one object per append: a heap of
    // millions that every major GC walks. The recent chunks are joined, the big first one left be.
    if (chunks.length >= MAX_CHUNKS) chunks.push(Buffer.concat(chunks.splice(1)));
    chunks.push(bytes);
  }

  joined(name: string): Buffer {
    const chunks = this.windows.get(name)!;
    if (chunks.length > 1) {
      const one = Buffer.concat(chunks);
      chunks.length = 0;
      chunks.push(one);
    }
    return chunks[0];
  }

  trim(name: string, cutoff: number): TrimResult {
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
      return { kept: 0, removed: 0, forgotten: false, quarantined: true };
    }
    // Everything above is synchronous, so no append can interleave with the rewrite.
    if (kept.length === 0) {
      this.windows.delete(name);
      return { kept: 0, removed, forgotten: true, quarantined: false };
    }
    if (removed > 0) this.windows.set(name, [Buffer.concat(kept)]);
    return { kept: kept.length, removed, forgotten: false, quarantined: false };
  }

  private torusWrite(w: TorusWrite, now: number): void {
    this.writeBucket(w.key, w.type, w.value, w.expireAt, now, w.rolling);
    if (w.index) this.writeBucket(w.index.key, 'set', w.index.member, w.expireAt, now, w.rolling);
  }

  private writeBucket(
    key: string,
    type: TorusType,
    value: number | string,
    expireAt: number,
    now: number,
    rolling = false,
  ): void {
    let b = this.torus.get(key);
    if (b && (b.expireAt <= now || b.type !== type)) b = undefined;
    if (!b) {
      b = { type, data: emptyData(type), expireAt };
      this.torus.set(key, b);
    } else if (rolling) {
      b.expireAt = expireAt;
    }
    switch (type) {
      case 'series':
        (b.data as number[]).push(Number(value));
        break;
      case 'histogram': {
        const h = b.data as Record<string, number>;
        const k = String(value);
        h[k] = (h[k] ?? 0) + 1;
        break;
      }
      case 'count':
        b.data = (b.data as number) + Number(value);
        break;
      case 'gauge':
        b.data = String(value);
        break;
      case 'set': {
        const s = b.data as string[];
        const v = String(value);
        if (!s.includes(v)) s.push(v);
        break;
      }
    }
  }

  private recordAnomalies(
    current: AnomalyRecord[],
    retention: number,
    carried: AnomalyRecord[],
    now: number,
  ): void {
    this.current = [...current, ...carried];
    const newest = current.reduce((m, r) => Math.max(m, r.detectedAt), now);
    this.history = [...this.history, ...current]
      .filter((r) => r.detectedAt >= newest - retention)
      .sort((a, b) => a.detectedAt - b.detectedAt);
  }

  /**
   * The whole state as ops that rebuild it from empty, in chunks of about `chunkBytes` so a snapshot
   * is written and read a record at a time; what has expired by `now` is left out.
   */
  *restoreOps(now: number, chunkBytes = 1 << 20): Generator<Op> {
    yield* chunked(
      this.windows.keys(),
      chunkBytes,
      (name) => this.joined(name),
      (names, bytes) => ['P', names, bytes] as const,
    );
    yield* chunked(
      this.quarantine.keys(),
      chunkBytes,
      (name) => this.quarantine.get(name)!,
      (names, bytes) => ['X', names, bytes] as const,
    );
    const live = [...this.torus].filter(([, b]) => b.expireAt > now);
    for (let i = 0; i < live.length; i += 1000) {
      const part = live.slice(i, i + 1000);
      yield ['B', part.map(([k]) => k), part.map(([, b]) => b)];
    }
    yield ['N', this.current, this.history];
    const claims = [...this.claims].filter(([, at]) => at > now);
    yield ['C', claims.map(([k]) => k), claims.map(([, at]) => at)];
    yield ['S', [...this.collections.values()]];
    yield ['H', [...this.status.keys()], [...this.status.values()]];
    const liveStates = [...this.metricState].filter(([, [, at]]) => at > now).map(([key]) => key);
    yield* chunked(
      liveStates,
      chunkBytes,
      (key) => this.metricState.get(key)![0],
      (keys, bytes) => ['M', keys, bytes, keys.map((key) => this.metricState.get(key)![1])] as const,
    );
  }
}

function* chunked(
  names: Iterable<string>,
  chunkBytes: number,
  bytesOf: (name: string) => Uint8Array,
  op: (names: string[], bytes: Uint8Array[]) => Op,
): Generator<Op> {
  let part: string[] = [];
  let parts: Uint8Array[] = [];
  let size = 0;
  for (const name of names) {
    const b = bytesOf(name);
    part.push(name);
    parts.push(b);
    size += b.length + name.length;
    if (size >= chunkBytes) {
      yield op(part, parts);
      part = [];
      parts = [];
      size = 0;
    }
  }
  if (part.length) yield op(part, parts);
}

function emptyData(type: TorusType): unknown {
  switch (type) {
    case 'series':
      return [];
    case 'histogram':
      return {};
    case 'count':
      return 0;
    case 'gauge':
      return '';
    case 'set':
      return [];
  }
}
