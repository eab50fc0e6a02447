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
  private inflight: Segment | undefined;
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
    return this.queued + (this.inflight?.names.length ?? 0);
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
      const seg = this.takeBatch();
      this.inflight = seg;
      const started = performance.now();
      try {
        await this.write(seg);
        const ms = performance.now() - started;
        this.counters.flushes++;
        this.counters.flushMsTotal += ms;
        this.counters.flushMsMax = Math.max(this.counters.flushMsMax, ms);
        this.counters.written += seg.names.length;
        this.counters.lastWriteAt = performance.now();
        if (this.backoffMs) this.log.info('store writes recovered', { queued: this.depth });
        this.backoffMs = 0;
      } catch (err) {
        this.counters.flushFailures++;
        // Back at the head, so order is kept; new points keep queuing (and the bound keeps holding).
        this.queue.unshift(seg);
        this.queued += seg.names.length;
        this.backoffMs = Math.min(Math.max(50, this.backoffMs * 2), 2000);
        const msg = (err as Error).message;
        if (msg !== this.lastError) this.log.warn(`store write failed, retrying: ${msg}`, { queued: this.depth });
        this.lastError = msg;
        await new Promise((r) => setTimeout(r, this.backoffMs).unref());
        if (this.queued > this.opts.bufferPoints) this.dropOldest();
      } finally {
        this.inflight = undefined;
      }
    }
  }

  /**
   * Takes the oldest segment, merged with the ones behind it up to `MERGE_SEGMENTS` segments. While
   * Redis is slow, points pile up and each write then carries several points per metric, so one APPEND
   * moves more points: throughput adapts to the load instead of falling behind it.
   */
  private takeBatch(): Segment {
    const seg = this.queue.shift()!;
    this.queued -= seg.names.length;
    for (let n = 1; n < MERGE_SEGMENTS && this.queue.length; n++) {
      const next = this.queue.shift()!;
      this.queued -= next.names.length;
      for (let i = 0; i < next.names.length; i++) {
        seg.names.push(next.names[i]);
        seg.ts.push(next.ts[i]);
        seg.values.push(next.values[i]);
        seg.torus.push(next.torus[i]);
      }
    }
    return seg;
  }

  private async write(seg: Segment): Promise<void> {
    const byName = new Map<string, Point[]>();
    for (let i = 0; i < seg.names.length; i++) {
      const pts = byName.get(seg.names[i]);
      const p: Point = [seg.ts[i], seg.values[i]];
      if (pts) pts.push(p);
      else byName.set(seg.names[i], [p]);
    }
    const batches: AppendBatch[] = [];
    for (const [name, points] of byName) batches.push({ name, points });
    // The synchronous part of append is client-side work (encoding, command serialisation); the rest
    // is waiting on the Store. Counted apart so benchmarks can say where the time goes.
    const started = performance.now();
    const appended = this.store.append(batches);
    this.counters.encodeMsTotal += performance.now() - started;
    await appended;
    const torus = seg.torus.filter((t) => t !== undefined).flat();
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
