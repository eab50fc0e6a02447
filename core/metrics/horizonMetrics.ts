/**
 * Horizon's figures, read from its running totals (IngestCounters) when Prometheus scrapes: the same
 * numbers as the `kale.horizon.*` series and the Status page. Several horizons in one process (tests)
 * are summed.
 */
import { Counter, Gauge } from 'prom-client';
import type { IngestCounters } from '../../horizon/counters.js';
import { REJECT_REASONS } from '../../horizon/validate.js';
import type { ProtocolSink } from './protocolSink.js';
import { registry } from './registry.js';

interface HorizonSource {
  readonly counters: IngestCounters;
  readonly writer: { readonly depth: number };
  /** The sinks its listeners were given, one per protocol. */
  readonly protocols: readonly ProtocolSink[];
}
const sources = new Set<HorizonSource>();
const sum = (f: (s: HorizonSource) => number) => [...sources].reduce((t, s) => t + f(s), 0);

new Counter({
  name: 'kale_horizon_points_total',
  help: 'Points horizon received, wrote to the Store, skipped (skip list) and dropped (buffer bound while the Store was away)',
  labelNames: ['outcome'],
  registers: [registry],
  collect() {
    this.reset();
    this.inc(
      { outcome: 'received' },
      sum((s) => s.counters.received),
    );
    this.inc(
      { outcome: 'written' },
      sum((s) => s.counters.written),
    );
    this.inc(
      { outcome: 'skipped' },
      sum((s) => s.counters.skipped),
    );
    this.inc(
      { outcome: 'dropped' },
      sum((s) => s.counters.dropped),
    );
  },
});
new Counter({
  name: 'kale_horizon_rejected_total',
  help: 'Inputs horizon refused, by reason (docs/horizon.md)',
  labelNames: ['reason'],
  registers: [registry],
  collect() {
    this.reset();
    for (const reason of REJECT_REASONS)
      this.inc(
        { reason },
        sum((s) => s.counters.rejected[reason]),
      );
  },
});
new Gauge({
  name: 'kale_horizon_writer_queue_points',
  help: 'Points waiting for the Store (queued and in flight)',
  registers: [registry],
  collect() {
    this.set(sum((s) => s.writer.depth));
  },
});
new Counter({
  name: 'kale_horizon_store_writes_total',
  help: 'Batched writes to the Store, by outcome',
  labelNames: ['outcome'],
  registers: [registry],
  collect() {
    this.reset();
    this.inc(
      { outcome: 'ok' },
      sum((s) => s.counters.flushes),
    );
    this.inc(
      { outcome: 'failed' },
      sum((s) => s.counters.flushFailures),
    );
  },
});
new Counter({
  name: 'kale_horizon_store_write_seconds_total',
  help: 'Time spent in batched Store writes: divided by kale_horizon_store_writes_total, the Store latency',
  registers: [registry],
  collect() {
    this.reset();
    this.inc(sum((s) => s.counters.flushMsTotal) / 1000);
  },
});

new Counter({
  name: 'kale_horizon_protocol_points_total',
  help: 'Points each listener received, and of those or before them (frames, connections) what was rejected, by protocol and reason',
  labelNames: ['protocol', 'outcome', 'reason'],
  registers: [registry],
  collect() {
    this.reset();
    for (const source of sources) {
      for (const p of source.protocols) {
        this.inc({ protocol: p.protocol, outcome: 'received', reason: '' }, p.received);
        for (const reason of REJECT_REASONS)
          if (p.rejected[reason])
            this.inc({ protocol: p.protocol, outcome: 'rejected', reason }, p.rejected[reason]);
      }
    }
  },
});

/** Counts a running horizon in this process's /metrics until the returned function is called. */
export function exposeHorizon(source: HorizonSource): () => void {
  sources.add(source);
  return () => {
    sources.delete(source);
  };
}

export const remoteWriteRequests = new Counter({
  name: 'kale_horizon_remote_write_requests_total',
  help: 'Prometheus remote_write requests, by HTTP status answered',
  labelNames: ['code'],
  registers: [registry],
});
export const remoteWriteSamples = new Counter({
  name: 'kale_horizon_remote_write_samples_total',
  help: 'Samples in the remote_write bodies horizon decoded (stale markers included)',
  registers: [registry],
});
