/**
 * What Ingest and self-metrics write through, and its in-thread implementation. Names and ids come from
 * one NameTable per writer: Ingest interns a relay frame's names in the writer's own `names`, so a point
 * reaches the queue as an id, with no string hashed or looked up on the way.
 */
import type { Logger } from '../core/log.js';
import type { RollupStore, TorusWrite, WindowStore } from '../core/store/store.js';
import type { IngestCounters } from './counters.js';
import { NameTable } from './nameTable.js';
import type { OutageLog } from './outageLog.js';
import { WriteQueue, type WriterOptions } from './writeQueue.js';

export type { WriterOptions } from './writeQueue.js';

/**
 * Two implementations: Writer (the embedded store, which lives in this thread's memory) and
 * ThreadedWriter, which runs the write queue in a worker thread on its own Redis connection so the
 * listeners' thread only receives, decodes and routes.
 */
export interface PointWriter {
  /** The table whose ids `addId` takes. */
  readonly names: NameTable;
  start(): void;
  setOptions(opts: WriterOptions): void;
  /** Points waiting to be written (queued and in flight). */
  readonly depth: number;
  add(name: string, ts: number, value: number, torus?: readonly TorusWrite[]): void;
  /** add() for the name with id `id` in `names` (no torus writes): no string hashed per point. */
  addId(id: number, ts: number, value: number): void;
  /** Writes what is queued now; resolves when that write has finished (or failed and been re-queued). */
  pump(): Promise<void>;
  /** Roomba forgot these metrics: the next append of each must register it in the metric set again. */
  forget(names: readonly string[]): void;
  /** Stops the timer and writes everything queued, giving up after `timeoutMs`; returns points left unwritten. */
  close(timeoutMs: number): Promise<number>;
}

/** The write queue in this thread, on this thread's Store. */
export class Writer extends WriteQueue implements PointWriter {
  constructor(
    store: WindowStore & RollupStore,
    counters: IngestCounters,
    opts: WriterOptions,
    log: Logger,
    outageTiming?: ConstructorParameters<typeof OutageLog>[3],
    /** Injectable so tests can make a small table start over. */
    readonly names = new NameTable(),
  ) {
    super(store, counters, opts, log, outageTiming);
  }

  add(name: string, ts: number, value: number, torus?: readonly TorusWrite[]): void {
    // The id first: interning it may start the table over, and the point then belongs to the new one.
    const id = this.names.idOfName(name);
    this.enqueue(this.names.strings, id, ts, value, torus);
  }

  addId(id: number, ts: number, value: number): void {
    this.enqueue(this.names.strings, id, ts, value);
  }

  /** Nothing to do: roomba trims through this writer's own Store, whose trim already forgot them. */
  forget(): void {}
}
