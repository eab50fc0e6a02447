/**
 * Horizon's points and rejects by protocol: each listener is handed Ingest through one of these, which
 * counts what passes through it (plain numbers, read when Prometheus scrapes) and forwards everything.
 * Ingest's own totals stay the sum over every protocol.
 */
import type { Ingest } from '../../horizon/ingest.js';
import type { Sink } from '../../horizon/sink.js';
import { REJECT_REASONS, type RejectReason } from '../../horizon/validate.js';

export class ProtocolSink implements Sink {
  received = 0;
  readonly rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;

  constructor(
    readonly protocol: string,
    private readonly ingest: Ingest,
  ) {}

  point(name: unknown, ts: unknown, value: unknown, peer: string): void {
    this.received++;
    const reason = this.ingest.point(name, ts, value, peer);
    if (reason) this.rejected[reason]++;
  }

  pointBytes(
    bytes: Uint8Array,
    start: number,
    end: number,
    latin1: boolean,
    ts: number,
    value: number,
    peer: string,
  ): void {
    this.received++;
    const reason = this.ingest.pointBytes(bytes, start, end, latin1, ts, value, peer);
    if (reason) this.rejected[reason]++;
  }

  reject(reason: RejectReason, peer: string, detail: string, count = 1): void {
    this.rejected[reason] += count;
    this.ingest.reject(reason, peer, detail, count);
  }
}
