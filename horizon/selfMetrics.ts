/**
 * Self-metrics: every interval, horizon writes what it did since the last report as
 * points `kale.horizon.<counter>` (received, written, skipped, dropped, rejected and rejected.<reason>,
 * torus_expired, flush_failures, queue_depth, flush_latency_ms mean and max), through its own writer so
 * they reach the Store like any metric, and a status document (running totals) for the Status page.
 */
import type { StatusStore } from '../core/store/store.js';
import type { IngestCounters } from './counters.js';
import type { PointWriter } from './writer.js';

export const SELF_PREFIX = 'kale.horizon.';

export function reportSelfMetrics(
  counters: IngestCounters,
  writer: PointWriter,
  store: StatusStore,
  previous: Record<string, number>,
  extra: Record<string, unknown>,
  now = Date.now() / 1000,
): Record<string, number> {
  const current = counters.snapshot();
  const ts = Math.floor(now);
  for (const [k, v] of Object.entries(current)) writer.add(`${SELF_PREFIX}${k}`, ts, v - (previous[k] ?? 0));
  const flushes = counters.flushes - (previous.flushes ?? 0);
  const flushMs = counters.flushMsTotal - (previous.flush_ms_total ?? 0);
  writer.add(`${SELF_PREFIX}queue_depth`, ts, writer.depth);
  writer.add(`${SELF_PREFIX}flush_latency_ms`, ts, flushes ? flushMs / flushes : 0);
  writer.add(`${SELF_PREFIX}flush_latency_ms_max`, ts, counters.flushMsMax);
  counters.flushMsMax = 0;
  void store
    .putStatus('horizon', { ...current, queue_depth: writer.depth, updatedAt: ts, ...extra })
    .catch(() => {});
  return { ...current, flush_ms_total: counters.flushMsTotal };
}
