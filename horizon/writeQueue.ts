/**
 * The write queue behind both PointWriters (docs/horizon.md): points are queued in segments of up to
 * `batchPoints`; every `batchMs` (or as soon as a segment fills) the oldest segments are written as one Store append (one
 * Redis command) plus one torus pipeline. Segments are written strictly in order, one at a time. While
 * the Store is slow or unavailable the queue keeps growing up to `bufferPoints` and `bufferBytes`;
 * past either the oldest are dropped, counted by reason (horizon/drops.ts) and logged once per
 * DROP_LOG_MS. A failed write is retried with backoff, keeping its place at the head.
 *
 * Segments are columns (an interned name id, a timestamp and a value per point), and a write groups
 * them by metric with a counting sort into columns again, which a Redis store encodes without a
 * `[ts, value]` tuple or a Map entry per point.
 */
import type { Logger } from '../core/log.js';
import { registerIngestBacklog } from '../core/store/readPacer.js';
import type { GroupedPoints, RollupStore, TorusWrite, WindowStore } from '../core/store/store.js';
import type { IngestCounters } from './counters.js';
import { DropLog, type DropReason } from './drops.js';
import { OutageLog } from './outageLog.js';

export interface WriterOptions {
  readonly batchMs: number;
  readonly batchPoints: number;
  readonly bufferPoints: number;
  /** Bytes the queue may hold (its columns and torus writes); unset = bounded by `bufferPoints` alone. */
  readonly bufferBytes?: number;
}

/** A queued point's columns: an Int32 name id and two float64s. */
export const POINT_BYTES = 4 + 8 + 8;
/** What one queued torus write costs besides its key's characters (object, value, expiry). */
const TORUS_WRITE_BYTES = 64;

interface Segment {
  /** The names `ids` index (one NameTable's `strings`, or the writer thread's copy of them). */
  readonly names: readonly string[];
  readonly ids: Int32Array;
  readonly ts: Float64Array;
  readonly values: Float64Array;
  /** Points added; the first `start` of them were dropped. */
  n: number;
  start: number;
  /** What the segment holds in memory: its columns (allocated whole) and its torus writes. */
  bytes: number;
  /** Torus writes by point index, ascending (only points that have some), so a dropped point takes its writes along. */
  readonly torus: Array<[index: number, writes: readonly TorusWrite[]]>;
}

/** Most queued segments written together in one Store append. */
const MERGE_SEGMENTS = 10;

const newSegment = (names: readonly string[], size: number): Segment => ({
  names,
  ids: new Int32Array(size),
  ts: new Float64Array(size),
  values: new Float64Array(size),
  n: 0,
  start: 0,
  bytes: size * POINT_BYTES,
  torus: [],
});

const torusBytes = (writes: readonly TorusWrite[]) =>
  writes.reduce((n, w) => n + TORUS_WRITE_BYTES + 2 * w.key.length, 0);

export class WriteQueue {
  private readonly queue: Segment[] = [];
  private queued = 0;
  /** Bytes of the queued segments. */
  private queuedBytes = 0;
  /** Points of the write in flight. */
  private inflight = 0;
  private pumping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private readonly outage: OutageLog;
  private readonly drops: DropLog;
  private unregisterBacklog: (() => void) | undefined;

  constructor(
    private readonly store: WindowStore & RollupStore,
    private readonly counters: IngestCounters,
    private opts: WriterOptions,
    log: Logger,
    outageTiming?: ConstructorParameters<typeof OutageLog>[3],
  ) {
    this.outage = new OutageLog(log, counters, () => this.depth, outageTiming);
    this.drops = new DropLog(log, () => counters.droppedBy);
  }

  start(): void {
    // Bulk readers in this process (analyzer, oculus) hold back while this queue is long.
    this.unregisterBacklog ??= registerIngestBacklog(() => this.depth);
    this.timer = setInterval(() => {
      this.outage.check();
      this.drops.check();
      void this.pump();
    }, this.opts.batchMs);
    this.timer.unref();
  }

  setOptions(opts: WriterOptions): void {
    this.opts = opts;
    if (this.timer) {
      clearInterval(this.timer);
      this.start();
    }
  }

  get depth(): number {
    return this.queued + this.inflight;
  }

  /** Bytes the queue holds (the write in flight aside). */
  get bytes(): number {
    return this.queuedBytes;
  }

  /**
   * Queues the point of the metric `names[id]`. `names` is the table's array of the moment: the table
   * starting over gives a new one, so queued points keep naming their metrics by the array they came with.
   */
  enqueue(
    names: readonly string[],
    id: number,
    ts: number,
    value: number,
    torus?: readonly TorusWrite[],
  ): void {
    let tail = this.queue[this.queue.length - 1];
    if (!tail || tail.n >= Math.min(tail.ids.length, this.opts.batchPoints) || tail.names !== names) {
      tail = newSegment(names, this.opts.batchPoints);
      this.queue.push(tail);
      this.queuedBytes += tail.bytes;
    }
    const i = tail.n++;
    tail.ids[i] = id;
    tail.ts[i] = ts;
    tail.values[i] = value;
    if (torus?.length) {
      tail.torus.push([i, torus]);
      const b = torusBytes(torus);
      tail.bytes += b;
      this.queuedBytes += b;
    }
    this.queued++;
    this.keepBounds();
    if (tail.n >= this.opts.batchPoints && !this.pumping) void this.pump();
  }

  private keepBounds(): void {
    if (this.queued > this.opts.bufferPoints) this.dropOldest();
    if (this.queuedBytes > (this.opts.bufferBytes ?? Infinity)) this.dropOldestBytes();
  }

  /** Drops exactly the oldest points over the bound (whole segments, then the head of the next). */
  private dropOldest(): void {
    while (this.queued > this.opts.bufferPoints && this.queue.length) {
      const head = this.queue[0];
      const left = head.n - head.start;
      const n = Math.min(this.queued - this.opts.bufferPoints, left);
      if (n === left) this.dropHead('buffer_points');
      else {
        head.start += n;
        this.queued -= n;
        this.countDrop('buffer_points', n);
      }
    }
  }

  /**
   * Drops the oldest whole segments until the queue is within its byte budget (a segment's columns
   * are one allocation: dropping part of one frees nothing). The segment being filled stays.
   */
  private dropOldestBytes(): void {
    while (this.queuedBytes > this.opts.bufferBytes! && this.queue.length > 1) this.dropHead('buffer_bytes');
  }

  private dropHead(reason: DropReason): void {
    const head = this.queue.shift()!;
    const n = head.n - head.start;
    this.queued -= n;
    this.queuedBytes -= head.bytes;
    this.countDrop(reason, n);
  }

  private countDrop(reason: DropReason, n: number): void {
    this.counters.dropped += n;
    this.counters.droppedBy[reason] += n;
  }

  /** Writes queued segments in order until the queue is empty; one pump runs at a time. */
  pump(): Promise<void> {
    this.pumping ??= this.drain().finally(() => {
      this.pumping = undefined;
    });
    return this.pumping;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.takeBatch();
      const points = batch.reduce((n, seg) => n + seg.n - seg.start, 0);
      this.inflight = points;
      const started = performance.now();
      this.outage.writing();
      try {
        await this.write(batch, points);
        const ms = performance.now() - started;
        this.counters.flushes++;
        this.counters.flushMsTotal += ms;
        this.counters.flushMsMax = Math.max(this.counters.flushMsMax, ms);
        this.counters.written += points;
        this.counters.lastWriteAt = performance.now();
        this.backoffMs = 0;
        this.outage.wrote();
      } catch (err) {
        this.counters.flushFailures++;
        // Back at the head, so order is kept; new points keep queuing (and the bound keeps holding).
        this.queue.unshift(...batch);
        this.queued += points;
        for (const seg of batch) this.queuedBytes += seg.bytes;
        this.backoffMs = Math.min(Math.max(50, this.backoffMs * 2), 2000);
        this.outage.failed(err as Error);
        await new Promise((r) => setTimeout(r, this.backoffMs).unref());
        this.keepBounds();
      } finally {
        this.inflight = 0;
      }
    }
  }

  /**
   * Takes the oldest segments, up to `MERGE_SEGMENTS` built with the same names table, to write
   * together. While Redis is slow, points pile up and each write then carries several points per
   * metric, so one APPEND moves more points: throughput adapts to the load instead of falling behind it.
   */
  private takeBatch(): Segment[] {
    let count = 1;
    while (
      count < MERGE_SEGMENTS &&
      count < this.queue.length &&
      this.queue[count].names === this.queue[0].names
    )
      count++;
    const batch = this.queue.splice(0, count);
    for (const seg of batch) {
      this.queued -= seg.n - seg.start;
      this.queuedBytes -= seg.bytes;
    }
    return batch;
  }

  /** Per name id: how many points a write has, then where the next one goes (zero between writes). */
  private counts = new Int32Array(0);
  private grouped = { ids: new Int32Array(0), ts: new Float64Array(0), values: new Float64Array(0) };

  private async write(batch: readonly Segment[], points: number): Promise<void> {
    const g = this.group(batch, points);
    const torus: TorusWrite[] = [];
    for (const seg of batch)
      for (const [i, writes] of seg.torus) if (i >= seg.start) for (const w of writes) torus.push(w);
    // The synchronous part of append is client-side work (encoding, command serialisation); the rest
    // is waiting on the Store. Counted apart so benchmarks can say where the time goes.
    const started = performance.now();
    const appended = this.store.appendGrouped(g);
    this.counters.encodeMsTotal += performance.now() - started;
    await appended;
    if (torus.length) await this.store.torusWrite(torus);
  }

  /** The batch's points grouped by metric (counting sort by name id; each metric's points in order). */
  private group(batch: readonly Segment[], points: number): GroupedPoints {
    const names = batch[0].names;
    if (this.counts.length < names.length)
      this.counts = new Int32Array(Math.max(names.length, this.counts.length * 2));
    if (this.grouped.ts.length < points) {
      const size = Math.max(points, this.grouped.ts.length * 2);
      this.grouped = {
        ids: new Int32Array(size),
        ts: new Float64Array(size),
        values: new Float64Array(size),
      };
    }
    const counts = this.counts;
    const distinct = this.grouped.ids;
    let metrics = 0;
    for (const seg of batch) {
      for (let i = seg.start; i < seg.n; i++)
        if (counts[seg.ids[i]]++ === 0) distinct[metrics++] = seg.ids[i];
    }
    const starts = new Int32Array(metrics + 1);
    const metricNames = new Array<string>(metrics);
    for (let k = 0, at = 0; k < metrics; k++) {
      const id = distinct[k];
      starts[k] = at;
      at += counts[id];
      counts[id] = starts[k];
      metricNames[k] = names[id];
    }
    starts[metrics] = points;
    const { ts, values } = this.grouped;
    for (const seg of batch) {
      for (let i = seg.start; i < seg.n; i++) {
        const j = counts[seg.ids[i]]++;
        ts[j] = seg.ts[i];
        values[j] = seg.values[i];
      }
    }
    for (let k = 0; k < metrics; k++) counts[distinct[k]] = 0;
    return { names: metricNames, starts, ts, values };
  }

  async close(timeoutMs: number): Promise<number> {
    this.unregisterBacklog?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + timeoutMs;
    while (this.depth > 0 && Date.now() < deadline) {
      await Promise.race([
        this.pump(),
        new Promise((r) => setTimeout(r, Math.max(1, deadline - Date.now())).unref()),
      ]);
    }
    this.drops.check(Date.now(), true);
    return this.depth;
  }
}
