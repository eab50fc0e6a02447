/**
 * Why horizon dropped points it had accepted, so an operator can tell a slow Store from a stuck
 * writer thread (`kale.horizon.dropped.<reason>`, the horizon status document, and one log line per
 * DROP_LOG_MS while drops continue).
 * - `buffer_points`: the writer's queue held `horizon.bufferPoints`; the oldest went.
 * - `buffer_bytes`: the writer's queue held `horizon.bufferBytes`; the oldest went.
 * - `handover`: the writer thread had not taken a quarter of `bufferBytes` handed to it (it was starved
 *   of CPU); the newest went, so the listeners' thread never hoards what the writer cannot take.
 * - `writer_exited`: the writer thread was gone (its error is logged).
 */
import type { Logger } from '../core/log.js';

export const DROP_REASONS = ['buffer_points', 'buffer_bytes', 'handover', 'writer_exited'] as const;
export type DropReason = (typeof DROP_REASONS)[number];
export type DropCounts = Record<DropReason, number>;

export const noDrops = (): DropCounts => Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as DropCounts;

/** While points are being dropped, one line this often (not one per drop: a drop storm is not a log storm). */
export const DROP_LOG_MS = 10_000;

/** Logs the drops `counts` gained since its previous line, at most once per `everyMs`. */
export class DropLog {
  private logged = noDrops();
  private lastLine = 0;

  constructor(
    private readonly log: Logger,
    private readonly counts: () => Readonly<DropCounts>,
    private readonly everyMs = DROP_LOG_MS,
  ) {}

  /** `final`: say what is left now, whenever the previous line was (on close). */
  check(now = Date.now(), final = false): void {
    if (!final && now - this.lastLine < this.everyMs) return;
    const counts = this.counts();
    const gained = DROP_REASONS.filter((r) => counts[r] > this.logged[r]);
    if (!gained.length) return;
    const total = gained.reduce((n, r) => n + counts[r] - this.logged[r], 0);
    const since = this.lastLine ? `in the last ${Math.round((now - this.lastLine) / 1000)} s` : 'so far';
    this.log.warn(
      `dropped ${total} points ${since} (${gained.map((r) => `${r} ${counts[r] - this.logged[r]}`).join(', ')}): the Store takes writes slower than they arrive`,
    );
    this.logged = { ...counts };
    this.lastLine = now;
  }
}
