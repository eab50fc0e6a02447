/**
 * Paced reads: the analyzer and oculus read every window each pass, and unpaced those reads hold Redis
 * (one MGET of 500 windows of a busy day is tens of megabytes) and this process's event loop long
 * enough for horizon's writer to fall behind and drop points. So bulk readers go through a ReadPacer:
 * - small batches (`reads.batch` names per command, fewer when their windows are long: as many as fit
 *   `reads.batchBytes` at the bytes per name of the last batch read), at most `reads.inFlight` at once,
 *   so Redis interleaves the writer's appends between them and what a reader holds in flight does not
 *   grow with the windows' length;
 * - a turn of the event loop before each batch, and then, while this process runs an ingest (a
 *   writer has registered its backlog, as in `kale start`) and this thread has been busier than
 *   `reads.threadShare` since the previous batch, a pause until it is not: a turn alone lets UDP take
 *   only about 32 datagrams per socket before the next batch's decoding, which at 300,000 points/s is
 *   less than arrives (the kernel then drops the rest); the thread's busy time counts the listeners'
 *   own work, so the busier ingest is, the more the readers give way. Without an ingest here (`kale
 *   analyzer`, `kale oculus` alone) the pause would only idle the reader: at 1M shapes it was about
 *   half of an import's wall time;
 * - while the ingest backlog of this process is above `reads.backlogMark` points, no new batch starts
 *   (for at most `reads.maxWaitMs` per batch, so a reader slows down but never stops: the analyzer's
 *   cycle deadline bounds the rest).
 * Ingest in another process (`kale horizon` apart from `kale analyzer`) is not visible here: there the
 * batch size and in-flight bound are what protect it.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { countWithin } from './byteBudget.js';

export interface ReadPaceOptions {
  readonly batch: number;
  /** Bytes one read command returns at most, as far as the last batch's bytes per name predict it. */
  readonly batchBytes: number;
  readonly inFlight: number;
  readonly backlogMark: number;
  readonly maxWaitMs: number;
  /** Most of this thread's time readers may keep it busy for, between 0 (always pause) and 1 (never). */
  readonly threadShare: number;
}

const backlogs = new Set<() => number>();

/** Makes a writer's queue depth part of the backlog readers yield to; returns the call that removes it. */
export function registerIngestBacklog(depth: () => number): () => void {
  backlogs.add(depth);
  return () => backlogs.delete(depth);
}

/** Whether this process runs an ingest: only then do readers give up their thread's time to it. */
export function ingestRegistered(): boolean {
  return backlogs.size > 0;
}

/** Points this process's ingest has accepted and not yet written. */
export function ingestBacklog(): number {
  let n = 0;
  for (const depth of backlogs) n += depth();
  return n;
}

/** How often a reader waiting for the backlog to fall looks again. */
const POLL_MS = 10;

export class ReadPacer {
  /** Milliseconds spent waiting for the backlog to fall, and batches that gave up waiting (reports say so). */
  waitedMs = 0;
  overrides = 0;
  private busySince: EventLoopUtilization | undefined;
  /**
   * Bytes per name of the last measured read, kept across passes: the analyzer reads each chunk in a
   * pass of its own, and its first command would otherwise be a whole batch of long windows.
   */
  private bytesPerName = 0;

  constructor(
    readonly opts: ReadPaceOptions,
    private readonly backlog: () => number = ingestBacklog,
    private readonly ingestHere: () => boolean = ingestRegistered,
  ) {}

  /** Before each batch: a turn of the event loop, a pause while this thread is too busy, then a wait while ingest is behind. */
  async turn(): Promise<void> {
    await nextTurn();
    await this.shareThread();
    if (this.backlog() <= this.opts.backlogMark) return;
    const since = performance.now();
    while (this.backlog() > this.opts.backlogMark) {
      if (performance.now() - since >= this.opts.maxWaitMs) {
        this.overrides++;
        break;
      }
      await sleep(POLL_MS);
    }
    this.waitedMs += performance.now() - since;
  }

  /**
   * With an ingest in this process, pauses until this thread's busy share since the previous batch is
   * within `threadShare` (at most maxWaitMs).
   */
  private async shareThread(): Promise<void> {
    const { threadShare, maxWaitMs } = this.opts;
    if (threadShare >= 1) return;
    if (!this.ingestHere()) {
      // An ingest that starts mid-pass is shared with from the batch after it is seen, not for the past.
      this.busySince = undefined;
      return;
    }
    if (this.busySince) {
      const { active, idle } = performance.eventLoopUtilization(this.busySince);
      const pause = Math.min(maxWaitMs, active / Math.max(threadShare, 0.01) - (active + idle));
      if (pause >= 1) {
        await sleep(pause);
        this.waitedMs += pause;
      }
    }
    this.busySince = performance.eventLoopUtilization();
  }

  /**
   * `read` over `names` in paced batches, in order, each with its names; the next batches are read
   * while the caller handles one (at most `inFlight` outstanding). With `bytes` (the size of what a
   * read returned), batches hold as many names as fit `batchBytes` at the last batch's bytes per name.
   */
  async *batches<T>(
    names: ReadonlyArray<string>,
    read: (batch: string[]) => Promise<T>,
    bytes?: (value: T) => number,
  ): AsyncGenerator<{ names: string[]; value: T }> {
    const { batch, batchBytes, inFlight } = this.opts;
    const ahead: Array<Promise<{ names: string[]; value: T }>> = [];
    let at = 0;
    const measured = (chunk: string[], value: T) => {
      if (bytes) this.bytesPerName = bytes(value) / chunk.length;
      return { names: chunk, value };
    };
    try {
      while (at < names.length || ahead.length) {
        while (ahead.length < inFlight && at < names.length) {
          await this.turn();
          const chunk = names.slice(at, (at += countWithin(batchBytes, this.bytesPerName, batch)));
          ahead.push(read(chunk).then((value) => measured(chunk, value)));
        }
        yield await ahead.shift()!;
      }
    } finally {
      // A caller that stops early (or a read that failed) leaves reads outstanding: nobody awaits them now.
      for (const p of ahead) p.catch(() => {});
    }
  }

  /** Every item `read` returns for `names`, in order, read in paced batches (sized by `bytes`, as in `batches`). */
  async readAll<T>(
    names: ReadonlyArray<string>,
    read: (batch: string[]) => Promise<T[]>,
    bytes?: (value: T[]) => number,
  ): Promise<T[]> {
    const out: T[] = [];
    for await (const { value } of this.batches(names, read, bytes)) for (const v of value) out.push(v);
    return out;
  }
}
