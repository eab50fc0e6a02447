/**
 * The messages between ThreadedWriter (the listeners' thread) and its writer thread. Points travel
 * columnar: a name id and two float64 columns in transferred ArrayBuffers, so handing over a batch costs
 * neither a copy nor a structured clone per point. Ids are those of the listeners' NameTable: its names
 * new since the previous message come along in `names`, in id order, and `reset` says the table
 * started over (it is bounded), so the copy starts over too.
 */
import type { LogLevel } from '../core/log.js';
import type { TorusWrite, WriterConnection } from '../core/store/store.js';
import type { DropCounts } from './drops.js';
import type { WriterOptions } from './writeQueue.js';

export interface PointsMessage {
  readonly t: 'points';
  readonly reset: boolean;
  /** The table's names new since the previous message, in id order (after `reset`: from id 0). */
  readonly names: string[];
  readonly n: number;
  readonly ids: Uint32Array;
  readonly ts: Float64Array;
  readonly values: Float64Array;
  /** Torus writes by point index (only points that have some). */
  readonly torus: Array<[index: number, writes: readonly TorusWrite[]]>;
}

export type ToWriterThread =
  | PointsMessage
  | { readonly t: 'start' }
  | { readonly t: 'options'; readonly options: WriterOptions }
  | { readonly t: 'pump'; readonly id: number }
  | { readonly t: 'forget'; readonly names: readonly string[] }
  | { readonly t: 'close'; readonly timeoutMs: number };

/** The writer's running totals (the fields of IngestCounters the writer owns). */
export interface WriterTotals {
  /** Points taken off the message channel into the writer's queue. */
  readonly taken: number;
  readonly depth: number;
  readonly written: number;
  readonly dropped: number;
  readonly droppedBy: DropCounts;
  readonly flushes: number;
  readonly flushFailures: number;
  readonly flushMsTotal: number;
  /** Longest flush since the previous report (self-metrics report and reset the maximum). */
  readonly flushMsMax: number;
  readonly encodeMsTotal: number;
  /** Epoch milliseconds of the last successful write (threads have different performance.now origins). */
  readonly lastWriteEpochMs: number;
}

export type FromWriterThread =
  | { readonly t: 'totals'; readonly totals: WriterTotals }
  | { readonly t: 'pumped'; readonly id: number }
  | {
      readonly t: 'log';
      readonly level: Exclude<LogLevel, 'silent'>;
      readonly msg: string;
      readonly fields?: Record<string, unknown>;
    }
  | { readonly t: 'closed'; readonly left: number };

export interface WriterThreadData {
  readonly connection: WriterConnection;
  readonly options: WriterOptions;
}
