import { REJECT_REASONS } from '../../../horizon/validate.js';
import type { Series, WindowStore } from '../../../core/store/store.js';

/** [timestamp, value] pairs over the last hour, ready for a sparkline. */
export type Spark = Array<[number, number]>;

export interface SelfSeries {
  /** Points per second received, written, and rejected in total and by reason (reasons seen this hour only). */
  ingest: { received: Spark; written: Spark; rejected: Spark; rejectedBy: Record<string, Spark> };
  /** Seconds each analyzer cycle took. */
  analyzerRunTime: Spark;
}

const HORIZON = 'kale.horizon.';
const HOUR = 3600;

/**
 * Horizon's self-metrics are counts since its previous report (horizon/selfMetrics.ts): divided by
 * the time since that report they are rates. A first point, or one long after the previous (horizon
 * restarted, and its counters with it), is divided by the configured report interval.
 */
function perSecond(series: Series | null, since: number, reportInterval: number): Spark {
  const out: Spark = [];
  if (!series) return out;
  for (let i = 0; i < series.timestamps.length; i++) {
    const t = series.timestamps[i];
    if (t < since) continue;
    const gap = i > 0 ? t - series.timestamps[i - 1] : 0;
    out.push([t, series.values[i] / (gap > 0 && gap <= 3 * reportInterval ? gap : reportInterval)]);
  }
  return out;
}

function raw(series: Series | null, since: number): Spark {
  const out: Spark = [];
  if (!series) return out;
  for (let i = 0; i < series.timestamps.length; i++)
    if (series.timestamps[i] >= since) out.push([series.timestamps[i], series.values[i]]);
  return out;
}

/** Reads the last hour of horizon's and the analyzer's self-metric series from the store. */
export async function readSelfSeries(
  store: WindowStore,
  now: number,
  reportInterval: number,
  analyzerStatusKey = 'analyzer',
): Promise<SelfSeries> {
  const names = [
    `${HORIZON}received`,
    `${HORIZON}written`,
    `${HORIZON}rejected`,
    ...REJECT_REASONS.map((r) => `${HORIZON}rejected.${r}`),
    `kale.${analyzerStatusKey}.run_time`,
  ];
  const windows = await store.readWindows(names);
  const since = now - HOUR;
  const [received, written, rejected, ...rest] = windows.map((w) => perSecond(w, since, reportInterval));
  const rejectedBy: Record<string, Spark> = {};
  REJECT_REASONS.forEach((r, i) => {
    if (rest[i].some(([, v]) => v > 0)) rejectedBy[r] = rest[i];
  });
  return {
    ingest: { received, written, rejected, rejectedBy },
    analyzerRunTime: raw(windows[windows.length - 1], since),
  };
}
