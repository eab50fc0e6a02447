import { DROP_REASONS, noDrops } from './drops.js';
import { REJECT_REASONS, type RejectReason } from './validate.js';

/** Horizon's running totals; self-metrics report the change since the previous report. */
export class IngestCounters {
  received = 0;
  written = 0;
  skipped = 0;
  /** Points accepted and then dropped before the Store took them (the sum of `droppedBy`). */
  dropped = 0;
  /** `dropped` by reason (horizon/drops.ts). */
  droppedBy = noDrops();
  /** Torus interval writes older than the interval's retention. */
  torusExpired = 0;
  flushes = 0;
  flushFailures = 0;
  flushMsTotal = 0;
  flushMsMax = 0;
  /** Time spent encoding writes on this thread (inside flushMsTotal). */
  encodeMsTotal = 0;
  /** performance.now() of the last successful write (benchmarks measure up to it). */
  lastWriteAt = 0;
  readonly rejected: Record<RejectReason, number> = Object.fromEntries(
    REJECT_REASONS.map((r) => [r, 0]),
  ) as Record<RejectReason, number>;

  get rejectedTotal(): number {
    return REJECT_REASONS.reduce((s, r) => s + this.rejected[r], 0);
  }

  /** A flat copy, `rejected.<reason>` keys included, for status documents and deltas. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {
      received: this.received,
      written: this.written,
      skipped: this.skipped,
      dropped: this.dropped,
      torus_expired: this.torusExpired,
      flushes: this.flushes,
      flush_failures: this.flushFailures,
      rejected: this.rejectedTotal,
    };
    for (const r of REJECT_REASONS) out[`rejected.${r}`] = this.rejected[r];
    for (const r of DROP_REASONS) out[`dropped.${r}`] = this.droppedBy[r];
    return out;
  }
}
