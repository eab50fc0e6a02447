/**
 * The PointWriter for Redis: the write queue runs in a worker thread on its own connection
 * (writerThread.ts), so grouping, window encoding and ioredis no longer share a core with receiving and
 * decoding. This side only appends each point to columnar typed arrays and hands them over, once per
 * event-loop turn (or every MAX_BATCH points), as transferred ArrayBuffers. A point's id is its id in
 * `names`, the one table: the thread keeps a copy of its strings, sent once each with the first batch
 * after they were interned, so no id is translated on either side. The bound, drop-oldest, order and
 * retries are the write queue's, unchanged. The channel normally holds what arrives while the thread encodes one
 * write (the thread takes batches into its bounded queue between writes); when the thread is starved of
 * CPU it is bounded too: past a quarter of the writer's budget, new points are dropped here and counted
 * (`handover`), so a stuck writer costs points, never the process's memory.
 */
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { grownArray } from '../core/grownArray.js';
import type { Logger } from '../core/log.js';
import { registerIngestBacklog } from '../core/store/readPacer.js';
import type { TorusWrite, WriterConnection } from '../core/store/store.js';
import type { IngestCounters } from './counters.js';
import { DROP_LOG_MS, DropLog, noDrops, type DropReason } from './drops.js';
import { NameTable } from './nameTable.js';
import { threadEntry } from '../core/threadEntry.js';
import { POINT_BYTES, type WriterOptions } from './writeQueue.js';
import type { PointWriter } from './writer.js';
import type {
  FromWriterThread,
  PointsMessage,
  ToWriterThread,
  WriterThreadData,
  WriterTotals,
} from './writerMessages.js';

const FIRST_CAPACITY = 256;
/** Most points per hand-over: large enough to amortise a message, small enough to keep latency low. */
const MAX_BATCH = 8192;

const YOUNG_GENERATION_MB = 128;

const NO_TOTALS: WriterTotals = {
  taken: 0,
  depth: 0,
  written: 0,
  dropped: 0,
  flushes: 0,
  flushFailures: 0,
  flushMsTotal: 0,
  flushMsMax: 0,
  encodeMsTotal: 0,
  lastWriteEpochMs: 0,
  droppedBy: noDrops(),
};

/** Points the channel may hold before new ones are dropped: a quarter of the writer's budget. */
const handoverLimit = (o: WriterOptions) =>
  Math.max(
    MAX_BATCH * 4,
    Math.floor(Math.min(o.bufferPoints, (o.bufferBytes ?? Infinity) / POINT_BYTES) / 4),
  );

export class ThreadedWriter implements PointWriter {
  private readonly worker: Worker;
  private ids = new Uint32Array(FIRST_CAPACITY);
  private ts = new Float64Array(FIRST_CAPACITY);
  private values = new Float64Array(FIRST_CAPACITY);
  private n = 0;
  private torus: Array<[number, readonly TorusWrite[]]> = [];
  /** The table's names array the thread holds a copy of, and how many of them it has been sent. */
  private mirrored: readonly string[];
  private namesSent = 0;
  private reset = false;
  private scheduled = false;
  private posted = 0;
  private totals = NO_TOTALS;
  private nextRequest = 0;
  private readonly pumps = new Map<number, () => void>();
  private closed: ((left: number) => void) | undefined;
  private exited = false;
  /** Drops made on this side (the thread's own come with its totals). */
  private readonly dropped = noDrops();
  private readonly drops: DropLog;
  private unregisterBacklog: (() => void) | undefined;
  private dropTimer: NodeJS.Timeout | undefined;
  private handoverLimit: number;

  constructor(
    connection: WriterConnection,
    private readonly counters: IngestCounters,
    opts: WriterOptions,
    private readonly log: Logger,
    /** Injectable so tests can make a small table start over. */
    readonly names = new NameTable(),
  ) {
    this.mirrored = names.strings;
    this.handoverLimit = handoverLimit(opts);
    this.drops = new DropLog(log, () => this.dropped);
    const data: WriterThreadData = { connection, options: opts };
    // A young generation large enough for a whole write's points and tuples to die young: with the
    // default, the queued segments were promoted and the thread spent about a quarter of its time in GC.
    this.worker = new Worker(threadEntry('writerThread', import.meta.url), {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.worker.on('message', (m: FromWriterThread) => this.onMessage(m));
    this.worker.on('error', (err) => log.error(`writer thread failed: ${err.message}`));
    this.worker.on('exit', () => {
      this.exited = true;
      clearInterval(this.dropTimer);
      this.unregisterBacklog?.();
      for (const done of this.pumps.values()) done();
      this.pumps.clear();
      this.closed?.(this.depth);
    });
  }

  start(): void {
    // Bulk readers in this process (analyzer, oculus) hold back while this queue is long.
    this.unregisterBacklog ??= registerIngestBacklog(() => this.depth);
    this.send({ t: 'start' });
    this.dropTimer = setInterval(() => this.drops.check(), DROP_LOG_MS / 10);
    this.dropTimer.unref();
  }

  setOptions(opts: WriterOptions): void {
    this.handoverLimit = handoverLimit(opts);
    this.send({ t: 'options', options: opts });
  }

  get depth(): number {
    return this.n + (this.posted - this.totals.taken) + this.totals.depth;
  }

  add(name: string, ts: number, value: number, torus?: readonly TorusWrite[]): void {
    if (this.refused()) return;
    this.push(this.names.idOfName(name), ts, value, torus);
  }

  /**
   * True (and the point counted as dropped) when the point cannot be handed over: the writer thread
   * died (its error is logged; take nothing more rather than hoard), or has not taken what it was
   * already given.
   */
  private refused(): boolean {
    if (this.exited) this.drop('writer_exited');
    else if (this.posted - this.totals.taken + this.n >= this.handoverLimit) this.drop('handover');
    else return false;
    return true;
  }

  private drop(reason: DropReason): void {
    this.dropped[reason]++;
    this.counters.dropped++;
    this.counters.droppedBy[reason]++;
  }

  addId(id: number, ts: number, value: number): void {
    if (this.refused()) return;
    this.push(id, ts, value, undefined);
  }

  /** Batches a point whose id is of the table as it is now. */
  private push(id: number, ts: number, value: number, torus: readonly TorusWrite[] | undefined): void {
    if (this.names.strings !== this.mirrored) {
      // The table started over: points already batched carry ids of the old one, so they go first
      // (with the old names they still need), then the thread starts its copy over too.
      this.post();
      this.mirrored = this.names.strings;
      this.namesSent = 0;
      this.reset = true;
    }
    if (this.n === this.ids.length) {
      this.ids = grownArray(this.ids, this.n + 1);
      this.ts = grownArray(this.ts, this.n + 1);
      this.values = grownArray(this.values, this.n + 1);
    }
    this.ids[this.n] = id;
    this.ts[this.n] = ts;
    this.values[this.n] = value;
    if (torus?.length) this.torus.push([this.n, torus]);
    this.n++;
    if (this.n >= MAX_BATCH) this.post();
    else if (!this.scheduled) {
      this.scheduled = true;
      // Everything decoded in this turn of the event loop goes over as one batch.
      setImmediate(() => {
        this.scheduled = false;
        this.post();
      });
    }
  }

  pump(): Promise<void> {
    this.post();
    if (this.exited) return Promise.resolve();
    const id = this.nextRequest++;
    return new Promise((resolve) => {
      this.pumps.set(id, resolve);
      this.send({ t: 'pump', id });
    });
  }

  forget(names: readonly string[]): void {
    this.send({ t: 'forget', names });
  }

  async close(timeoutMs: number): Promise<number> {
    this.unregisterBacklog?.();
    clearInterval(this.dropTimer);
    this.drops.check(Date.now(), true);
    this.post();
    if (this.exited) return this.depth;
    const left = await new Promise<number>((resolve) => {
      this.closed = resolve;
      this.send({ t: 'close', timeoutMs });
    });
    await this.worker.terminate();
    this.exited = true;
    return left;
  }

  /** The writer thread's event-loop utilisation (benchmarks report where the time goes). */
  utilization(since?: EventLoopUtilization): EventLoopUtilization {
    return this.worker.performance.eventLoopUtilization(since);
  }

  private post(): void {
    if (this.n === 0 || this.exited) return;
    const m: PointsMessage = {
      t: 'points',
      reset: this.reset,
      names: this.mirrored.slice(this.namesSent),
      n: this.n,
      ids: this.ids,
      ts: this.ts,
      values: this.values,
      torus: this.torus,
    };
    this.worker.postMessage(m, [this.ids.buffer, this.ts.buffer, this.values.buffer]);
    this.posted += this.n;
    this.namesSent = this.mirrored.length;
    // The next batch is sized for this one, so a steady rate allocates once per batch and never grows.
    const size = Math.min(MAX_BATCH, Math.max(FIRST_CAPACITY, 2 ** Math.ceil(Math.log2(this.n))));
    this.ids = new Uint32Array(size);
    this.ts = new Float64Array(size);
    this.values = new Float64Array(size);
    this.n = 0;
    this.torus = [];
    this.reset = false;
  }

  private send(m: ToWriterThread): void {
    if (!this.exited) this.worker.postMessage(m);
  }

  private onMessage(m: FromWriterThread): void {
    switch (m.t) {
      case 'totals': {
        const t = m.totals;
        this.totals = t;
        const c = this.counters;
        c.written = t.written;
        c.dropped = t.dropped;
        for (const r of Object.keys(this.dropped) as DropReason[]) {
          c.droppedBy[r] = t.droppedBy[r] + this.dropped[r];
          c.dropped += this.dropped[r];
        }
        c.flushes = t.flushes;
        c.flushFailures = t.flushFailures;
        c.flushMsTotal = t.flushMsTotal;
        c.flushMsMax = Math.max(c.flushMsMax, t.flushMsMax);
        c.encodeMsTotal = t.encodeMsTotal;
        c.lastWriteAt = t.lastWriteEpochMs - performance.timeOrigin;
        break;
      }
      case 'pumped':
        this.pumps.get(m.id)?.();
        this.pumps.delete(m.id);
        break;
      case 'log':
        this.log[m.level](m.msg, m.fields);
        break;
      case 'closed':
        this.closed?.(m.left);
        break;
    }
  }
}
