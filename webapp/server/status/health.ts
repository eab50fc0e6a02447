import type { KaleConfig } from '../../../core/config/schema.js';

/** One line of the Status page's health table: what a glance at a dashboard should answer. */
export interface Health {
  service: string;
  state: 'ok' | 'degraded' | 'down';
  reason: string;
}

type Doc = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** "42 s", "3 min", "2 h": for reasons, which the page shows as they are. */
export function duration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 90) return `${Math.round(s * 10) / 10} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/**
 * Horizon reports every `selfMetricsInterval` seconds; three missed reports mean it is gone (or
 * stuck). A write queue over half its buffer, or points rejected in the last report, degrade it.
 */
export function horizonHealth(
  doc: Doc | undefined,
  cfg: KaleConfig,
  now: number,
  rejectingPerSecond: number,
): Health {
  const service = 'horizon';
  const updatedAt = num(doc?.updatedAt);
  if (!doc || updatedAt === undefined)
    return {
      service,
      state: 'down',
      reason: 'no status reported: horizon is not running, or has not reported yet',
    };
  const age = now - updatedAt;
  if (age > 3 * cfg.horizon.selfMetricsInterval + 5)
    return {
      service,
      state: 'down',
      reason: `last report ${duration(age)} ago (reports every ${duration(cfg.horizon.selfMetricsInterval)})`,
    };
  const queue = num(doc.queue_depth) ?? 0;
  if (queue > cfg.horizon.bufferPoints / 2)
    return {
      service,
      state: 'degraded',
      reason: `write queue holds ${queue} points, over half its buffer of ${cfg.horizon.bufferPoints}`,
    };
  if (rejectingPerSecond > 0)
    return {
      service,
      state: 'degraded',
      reason: `rejecting ${rejectingPerSecond.toPrecision(3)} points/s (see rejects by reason)`,
    };
  return { service, state: 'ok', reason: `reported ${duration(age)} ago` };
}

/**
 * The analyzer writes its status after each cycle (analyzer/runner.ts). None yet: the first cycle has
 * not finished. A cycle slower than its interval falls behind; three intervals without one, it is gone.
 */
export function analyzerHealth(name: string, doc: Doc | undefined, cfg: KaleConfig, now: number): Health {
  const interval = cfg.analyzer.interval;
  const startedAt = num(doc?.startedAt);
  const runTime = num(doc?.runTime) ?? 0;
  if (!doc || startedAt === undefined)
    return {
      service: name,
      state: 'degraded',
      reason: 'no cycle finished yet: the analyzer is starting, or not running',
    };
  const age = now - (startedAt + runTime);
  if (age > 3 * interval + runTime + 5)
    return {
      service: name,
      state: 'down',
      reason: `last cycle ended ${duration(age)} ago (runs every ${duration(interval)})`,
    };
  if (runTime > interval)
    return {
      service: name,
      state: 'degraded',
      reason: `a cycle takes ${duration(runTime)}, longer than its ${duration(interval)} interval`,
    };
  return {
    service: name,
    state: 'ok',
    reason: `last cycle ${duration(age)} ago, took ${duration(runTime)} of its ${duration(interval)} interval`,
  };
}

/** Oculus imports shapes every `oculus.interval` seconds; failures are retried with backoff. */
export function oculusHealth(doc: Doc | undefined, cfg: KaleConfig, now: number): Health {
  const service = 'oculus';
  if (!doc)
    return {
      service,
      state: 'degraded',
      reason: `no shape import yet (the first runs within 20 s of start, then every ${duration(cfg.oculus.interval)}): Similar finds nothing until then`,
    };
  const failures = num(doc.failures) ?? 0;
  if (failures > 0) {
    const retry = num(doc.retryInMs);
    return {
      service,
      state: 'degraded',
      reason: `${failures} failed import${failures === 1 ? '' : 's'}${typeof doc.lastError === 'string' ? `: ${doc.lastError}` : ''}${retry !== undefined ? `; retrying in ${duration(retry / 1000)}` : ''}`,
    };
  }
  const last = num(doc.lastImport);
  if (last === undefined) return { service, state: 'degraded', reason: 'no import has finished' };
  const age = now - last;
  if (age > 3 * cfg.oculus.interval + 60)
    return {
      service,
      state: 'down',
      reason: `last import ${duration(age)} ago (imports every ${duration(cfg.oculus.interval)})`,
    };
  return { service, state: 'ok', reason: `last import ${duration(age)} ago` };
}
