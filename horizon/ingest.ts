/**
 * The Sink every listener feeds: validates candidate points, applies the skip list and routing, counts
 * everything by outcome, logs rejects (sampled, with the peer), and queues valid points for the writer.
 */
import { sampledLogger, type Logger } from '../core/log.js';
import type { IngestCounters } from './counters.js';
import type { Router } from '../core/torus/router.js';
import type { Sink } from './sink.js';
import { MAX_NAME_BYTES, validatePoint, type RejectReason, type ValidationLimits, type ValidPoint } from './validate.js';
import type { PointWriter } from './writer.js';

export class Ingest implements Sink {
  private readonly out: ValidPoint = { name: '', ts: 0, value: 0 };
  private readonly warn: ReturnType<typeof sampledLogger>;
  limits: ValidationLimits;

  constructor(
    public router: Router,
    private readonly writer: PointWriter,
    private readonly counters: IngestCounters,
    limits: { maxResolution: number; maxFutureSeconds: number },
    log: Logger,
    /** Epoch seconds; injectable so tests can replay captured frames with their original timestamps. */
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    this.limits = { maxAge: limits.maxResolution, maxFuture: limits.maxFutureSeconds, maxNameBytes: MAX_NAME_BYTES };
    this.warn = sampledLogger(log);
  }

  /**
   * The clock, read once per synchronous run of deliveries (one TCP read, one datagram: the time the
   * bytes arrived) instead of once per point; a microtask marks it stale when that run ends.
   */
  private clock(): number {
    if (this.clockStale) {
      this.clockValue = this.now();
      this.clockStale = false;
      queueMicrotask(this.markClockStale);
    }
    return this.clockValue;
  }

  private clockValue = 0;
  private clockStale = true;
  private readonly markClockStale = () => { this.clockStale = true; };

  point(name: unknown, ts: unknown, value: unknown, peer: string): void {
    this.counters.received++;
    const now = this.clock();
    const reason = validatePoint(name, ts, value, now, this.limits, this.out);
    if (reason) { this.reject(reason, peer, `bad ${reason}`); return; }
    const { name: n, ts: t, value: v } = this.out;
    if (this.router.isSkipped(n)) { this.counters.skipped++; return; }
    let route;
    try {
      route = this.router.route(n, t, v, now);
    } catch (err) {
      // A config transform that throws costs that point its rollups, never the listener.
      this.warn('transform', `torus routing failed for ${n}: ${(err as Error).message}; stored in the raw window only`);
      this.writer.add(n, t, v);
      return;
    }
    this.counters.torusExpired += route.expired;
    this.writer.add(n, t, v, route.torus);
  }

  reject(reason: RejectReason, peer: string, detail: string, count = 1): void {
    this.counters.rejected[reason] += count;
    this.warn(reason, `rejected ${count === 1 ? 'input' : `${count} inputs`} (${reason}) from ${peer}: ${detail}`, { peer });
  }
}
