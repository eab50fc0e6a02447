/**
 * The batched writer (DESIGN §5.4): points are queued in segments of up to `batchPoints`; every
 * `batchMs` (or as soon as a segment fills) the oldest segments are written as one Store append (one
 * Redis command) plus one torus pipeline. Segments are written strictly in order, one at a time. While
 * the Store is unavailable the queue keeps growing up to `bufferPoints`; past that the oldest segments
 * are dropped and counted. A failed write is retried with backoff, keeping its place at the head.
 */
import type { Logger } from '../core/log.js';
import type { AppendBatch, Point, Store, TorusWrite } from '../core/store/store.js';
import type { IngestCounters } from './counters.js';
import type { NameTable } from './nameTable.js';

export interface WriterOptions {
  readonly batchMs: number;
  readonly batchPoints: number;
  readonly bufferPoints: number;
}

/**
 * What Ingest and self-metrics write through. Two implementations: this in-thread Writer (the embedded
 * store, which lives in this thread's memory) and ThreadedWriter, which runs this Writer in a worker
 * thread on its own Redis connection so the listeners' thread only receives, decodes and routes.
 */
export interface PointWriter {
  start(): void;
  setOptions(opts: WriterOptions): void;
  /** Points waiting to be written (queued and in flight). */
  readonly depth: number;
  add(name: string, ts: number, value: number, torus?: readonly TorusWrite[]): void;
  /** add() for the name with id `id` in `names` (no torus writes): no string hashed per point. */
  addId(names: NameTable, id: number, ts: number, value: number): void;
  /** Writes what is queued now; resolves when that write has finished (or failed and been re-queued). */
  pump(): Promise<void>;
  /** Roomba forgot these metrics: the next append of each must register it in the metric set again. */
  forget(names: readonly string[]): void;
  /** Stops the timer and writes everything queued, giving up after `timeoutMs`; returns points left unwritten. */
  close(timeoutMs: number): Promise<number>;
}

interface Segment {
  names: string[];
  ts: number[];
  values: number[];
  /** Each point's torus writes, aligned with the points so a dropped point takes its writes along. */
  torus: Array<readonly TorusWrite[] | undefined>;
}

/** Most queued segments written together in one Store append. */
const MERGE_SEGMENTS = 10;

const newSegment = (): Segment => ({ names: [], ts: [], values: [], torus: [] });

export class Writer implements PointWriter {
  private readonly queue: Segment[] = [];
  private queued = 0;
  /** Points of the write in flight. */
  private inflight = 0;
  private pumping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private lastError = '';

  constructor(
    private readonly store: Store,
    private readonly counters: IngestCounters,
    private opts: WriterOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.pump(), this.opts.batchMs);
    this.timer.unref();
  }

  setOptions(opts: WriterOptions): void {
    this.opts = opts;
    if (this.timer) { clearInterval(this.timer); this.start(); }
  }

  get depth(): number {
    return this.queued + this.inflight;
  }

  add(name: string, ts: number, value: number, torus?: readonly TorusWrite[]): void {
    let tail = this.queue[this.queue.length - 1];
    if (!tail || tail.names.length >= this.opts.batchPoints) {
      tail = newSegment();
      this.queue.push(tail);
    }
    tail.names.push(name);
    tail.ts.push(ts);
    tail.values.push(value);
    tail.torus.push(torus?.length ? torus : undefined);
    this.queued++;
    if (this.queued > this.opts.bufferPoints) this.dropOldest();
    if (tail.names.length >= this.opts.batchPoints && !this.pumping) void this.pump();
  }

  addId(names: NameTable, id: number, ts: number, value: number): void {
    this.add(names.name(id), ts, value);
  }

  /** Drops exactly the oldest points over the bound (whole segments, then the head of the next). */
  private dropOldest(): void {
    while (this.queued > this.opts.bufferPoints && this.queue.length) {
      const head = this.queue[0];
      const excess = this.queued - this.opts.bufferPoints;
      const n = Math.min(excess, head.names.length);
      if (n === head.names.length) this.queue.shift();
      else for (const a of [head.names, head.ts, head.values, head.torus]) a.splice(0, n);
      this.queued -= n;
      this.counters.dropped += n;
    }
  }

  /** Writes queued segments in order until the queue is empty; one pump runs at a time. */
  pump(): Promise<void> {
    this.pumping ??= this.drain().finally(() => { this.pumping = undefined; });
    return this.pumping;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.takeBatch();
      const points = batch.reduce((n, seg) => n + seg.names.length, 0);
      this.inflight = points;
      const started = performance.now();
      try {
        await this.write(batch);
        const ms = performance.now() - started;
        this.counters.flushes++;
        this.counters.flushMsTotal += ms;
        this.counters.flushMsMax = Math.max(this.counters.flushMsMax, ms);
        this.counters.written += points;
        this.counters.lastWriteAt = performance.now();
        if (this.backoffMs) this.log.info('store writes recovered', { queued: this.depth });
        this.backoffMs = 0;
      } catch (err) {
        this.counters.flushFailures++;
        // Back at the head, so order is kept; new points keep queuing (and the bound keeps holding).
        this.queue.unshift(...batch);
        this.queued += points;
        this.backoffMs = Math.min(Math.max(50, this.backoffMs * 2), 2000);
        const msg = (err as Error).message;
        if (msg !== this.lastError) this.log.warn(`store write failed, retrying: ${msg}`, { queued: this.depth });
        this.lastError = msg;
        await new Promise((r) => setTimeout(r, this.backoffMs).unref());
        if (this.queued > this.opts.bufferPoints) this.dropOldest();
      } finally {
        this.inflight = 0;
      }
    }
  }

  /**
   * Takes the oldest segments, up to `MERGE_SEGMENTS`, to write together. While Redis is slow, points
   * pile up and each write then carries several points per metric, so one APPEND moves more points:
   * throughput adapts to the load instead of falling behind it.
   */
  private takeBatch(): Segment[] {
    const batch = this.queue.splice(0, MERGE_SEGMENTS);
    for (const seg of batch) this.queued -= seg.names.length;
    return batch;
  }

  private async write(batch: readonly Segment[]): Promise<void> {
    const byName = new Map<string, Point[]>();
    const torus: TorusWrite[] = [];
    for (const seg of batch) {
      const { names, ts, values } = seg;
      for (let i = 0; i < names.length; i++) {
        const pts = byName.get(names[i]);
        const p: Point = [ts[i], values[i]];
        if (pts) pts.push(p);
        else byName.set(names[i], [p]);
        const t = seg.torus[i];
        if (t) for (const w of t) torus.push(w);
      }
    }
    const batches: AppendBatch[] = [];
    for (const [name, points] of byName) batches.push({ name, points });
    // The synchronous part of append is client-side work (encoding, command serialisation); the rest
    // is waiting on the Store. Counted apart so benchmarks can say where the time goes.
    const started = performance.now();
    const appended = this.store.append(batches);
    this.counters.encodeMsTotal += performance.now() - started;
    await appended;
    if (torus.length) await this.store.torusWrite(torus);
  }

  /** Nothing to do: roomba trims through this writer's own Store, whose trim already forgot them. */
  forget(): void {}

  async close(timeoutMs: number): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + timeoutMs;
    while (this.depth > 0 && Date.now() < deadline) {
      await Promise.race([this.pump(), new Promise((r) => setTimeout(r, Math.max(1, deadline - Date.now())).unref())]);
    }
    return this.depth;
  }
}
