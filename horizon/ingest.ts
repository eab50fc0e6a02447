/**
 * The Sink every listener feeds: validates candidate points, applies the skip list and routing, counts
 * everything by outcome, logs rejects (sampled, with the peer), and queues valid points for the writer.
 */
import { sampledLogger, type Logger } from '../core/log.js';
import type { IngestCounters } from './counters.js';
import type { Router } from '../core/torus/router.js';
import type { Sink } from './sink.js';
import { type NameTable, PerName } from './nameTable.js';
import {
  MAX_NAME_BYTES,
  numbersReason,
  validatePoint,
  validName,
  type RejectReason,
  type ValidationLimits,
  type ValidPoint,
} from './validate.js';
import type { PointWriter } from './writer.js';

/** What a name interned in the NameTable gets, decided once per name (and router). */
const UNDECIDED = 0,
  BAD_NAME = 1,
  SKIPPED = 2,
  STORED = 3;

export class Ingest implements Sink {
  private readonly out: ValidPoint = { name: '', ts: 0, value: 0 };
  private readonly warn: ReturnType<typeof sampledLogger>;
  limits: ValidationLimits;
  /** Names of the relay fast path, interned from their bytes in the writer's table (ids go to it as they are). */
  private readonly names: NameTable;
  /** Per interned name: UNDECIDED, BAD_NAME, SKIPPED or STORED, for `verdictRouter`. */
  private readonly verdicts: PerName<Uint8Array>;
  private verdictRouter: Router | undefined;

  constructor(
    public router: Router,
    private readonly writer: PointWriter,
    private readonly counters: IngestCounters,
    limits: { maxResolution: number; maxFutureSeconds: number },
    log: Logger,
    /** Epoch seconds; injectable so tests can replay captured frames with their original timestamps. */
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    this.limits = {
      maxAge: limits.maxResolution,
      maxFuture: limits.maxFutureSeconds,
      maxNameBytes: MAX_NAME_BYTES,
    };
    this.warn = sampledLogger(log);
    this.names = writer.names;
    this.verdicts = new PerName(this.names, new Uint8Array(1024));
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
  private readonly markClockStale = () => {
    this.clockStale = true;
  };

  point(name: unknown, ts: unknown, value: unknown, peer: string): RejectReason | null {
    this.counters.received++;
    const now = this.clock();
    const reason = validatePoint(name, ts, value, now, this.limits, this.out);
    if (reason) {
      this.reject(reason, peer, rejectDetail(reason, name, ts, value));
      return reason;
    }
    const { name: n, ts: t, value: v } = this.out;
    if (this.router.isSkipped(n)) {
      this.counters.skipped++;
      return null;
    }
    this.store(n, t, v, now);
    return null;
  }

  pointBytes(
    bytes: Uint8Array,
    start: number,
    end: number,
    latin1: boolean,
    ts: number,
    value: number,
    peer: string,
  ): RejectReason | null {
    const id = this.names.idOf(bytes, start, end, latin1);
    if (id < 0) {
      return this.point(
        Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString(latin1 ? 'latin1' : 'utf8'),
        ts,
        value,
        peer,
      );
    }
    this.counters.received++;
    const now = this.clock();
    // The same checks, in the same order, as validatePoint; the name's part decided once per name.
    const verdict = this.verdict(id);
    const reason = verdict === BAD_NAME ? 'name' : numbersReason(ts, value, now, this.limits);
    if (reason) {
      this.reject(reason, peer, rejectDetail(reason, this.names.name(id), ts, value));
      return reason;
    }
    if (verdict === SKIPPED) {
      this.counters.skipped++;
      return null;
    }
    if (this.router.schemas.length === 0) this.writer.addId(id, ts, value);
    else this.store(this.names.name(id), ts, value, now);
    return null;
  }

  private verdict(id: number): number {
    if (this.router !== this.verdictRouter) {
      this.verdicts.clear();
      this.verdictRouter = this.router;
    }
    const verdicts = this.verdicts.upTo(id);
    let v = verdicts[id];
    if (v === UNDECIDED) {
      const name = this.names.name(id);
      v = !validName(name, this.limits.maxNameBytes)
        ? BAD_NAME
        : this.router.isSkipped(name)
          ? SKIPPED
          : STORED;
      verdicts[id] = v;
    }
    return v;
  }

  /** Routes a valid, unskipped point to the torus schemas and queues it. */
  private store(n: string, t: number, v: number, now: number): void {
    let route;
    try {
      route = this.router.route(n, t, v, now);
    } catch (err) {
      // A config transform that throws costs that point its rollups, never the listener.
      this.warn(
        'transform',
        `torus routing failed for ${n}: ${(err as Error).message}; stored in the raw window only`,
      );
      this.writer.add(n, t, v);
      return;
    }
    this.counters.torusExpired += route.expired;
    this.writer.add(n, t, v, route.torus);
  }

  reject(reason: RejectReason, peer: string, detail: string, count = 1): void {
    this.counters.rejected[reason] += count;
    this.warn(
      reason,
      `rejected ${count === 1 ? 'input' : `${count} inputs`} (${reason}) from ${peer}: ${detail}`,
      { peer },
    );
  }
}

/**
 * What a rejected point was, for the log: the metric and the number at fault (collectd sends `nan` for
 * a rate it could not compute; the operator needs to know which metric).
 */
function rejectDetail(reason: RejectReason, name: unknown, ts: unknown, value: unknown): string {
  const shown = (v: unknown) => {
    const s =
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : typeof v === 'string' ? v : String(v);
    return JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s);
  };
  switch (reason) {
    case 'value':
      return `bad value ${shown(value)} for ${shown(name)}`;
    case 'timestamp':
      return `bad timestamp ${shown(ts)} for ${shown(name)}`;
    case 'name':
      return `bad name ${shown(name)}`;
    default:
      return `bad ${reason}`;
  }
}
