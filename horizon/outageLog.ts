import type { Logger } from '../core/log.js';
import type { IngestCounters } from './counters.js';

/** A write unacknowledged this long means the Store is not taking writes (Redis queues commands while away). */
export const OUTAGE_AFTER_MS = 2000;
/** While an outage lasts, one line this often. */
export const OUTAGE_REPORT_MS = 60_000;

/**
 * Tells the operator about a Store outage in three kinds of line: one when it begins, one a minute
 * while it lasts, one when it ends, each with the points buffered and dropped. ioredis holds commands
 * while Redis is away rather than failing them, so a write that is not acknowledged for a while counts
 * as the beginning, as does a write that fails.
 */
export class OutageLog {
  /** When the oldest write not yet acknowledged began, and the drop count then. */
  private waitingSince: number | undefined;
  private droppedWhenWaiting = 0;
  private began: number | undefined;
  private lastLine = 0;
  private droppedBefore = 0;

  constructor(
    private readonly log: Logger,
    private readonly counters: IngestCounters,
    private readonly depth: () => number,
    private readonly timing = { afterMs: OUTAGE_AFTER_MS, everyMs: OUTAGE_REPORT_MS },
  ) {}

  get ongoing(): boolean {
    return this.began !== undefined;
  }

  writing(now = Date.now()): void {
    if (this.waitingSince !== undefined) return;
    this.waitingSince = now;
    this.droppedWhenWaiting = this.counters.dropped;
  }

  failed(err: Error, now = Date.now()): void {
    if (this.began === undefined) this.begin(now, err.message);
  }

  wrote(now = Date.now()): void {
    this.waitingSince = undefined;
    if (this.began === undefined) return;
    this.log.info(
      `store takes writes again after ${seconds(now - this.began)}: writing the ${this.depth()} points buffered; ${this.counters.dropped - this.droppedBefore} dropped during the outage`,
    );
    this.began = undefined;
  }

  /** Called on the writer's timer. */
  check(now = Date.now()): void {
    if (this.began === undefined) {
      if (this.waitingSince !== undefined && now - this.waitingSince >= this.timing.afterMs)
        this.begin(now, `no answer for ${seconds(now - this.waitingSince)}`);
    } else if (now - this.lastLine >= this.timing.everyMs) {
      this.lastLine = now;
      this.log.warn(
        `store still not taking writes after ${seconds(now - this.began)}: ${this.depth()} points buffered, ${this.counters.dropped - this.droppedBefore} dropped so far`,
      );
    }
  }

  private begin(now: number, reason: string): void {
    this.began = this.waitingSince ?? now;
    this.lastLine = now;
    this.droppedBefore = this.waitingSince === undefined ? this.counters.dropped : this.droppedWhenWaiting;
    this.log.warn(
      `store not taking writes (${reason}): buffering, ${this.depth()} points so far; the oldest are dropped beyond the buffer bound`,
    );
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
