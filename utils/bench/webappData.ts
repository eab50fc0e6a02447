/**
 * Synthetic webapp data shared by `kale bench webapp` and the webapp tests: day-long one-minute series
 * (a daily wave plus ripple, optionally spiking in the last point) and the anomaly records an analyzer
 * cycle would write for them.
 */
import type { TorusSchemaConfig } from '../../core/config/schema.js';
import type { AnomalyRecord, AnomalyStore, Point, RollupStore, WindowStore } from '../../core/store/store.js';
import { compileSchemas, planTorusWrites } from '../../core/torus/schemas.js';

export function daySeries(now: number, seed: number, spike: boolean): Point[] {
  const pts: Point[] = [];
  const start = Math.floor(now / 60) * 60 - 86400;
  for (let t = start, i = 0; t <= start + 86400; t += 60, i++) {
    const base = 100 + 30 * Math.sin((2 * Math.PI * i) / 1440 + seed) + 5 * Math.sin(i * 0.37 + seed * 7);
    pts.push([t, spike && t > start + 86400 - 60 ? base * 6 : base]);
  }
  return pts;
}

export function anomalyFor(metric: string, [timestamp, value]: Point, score: number): AnomalyRecord {
  return {
    metric,
    timestamp,
    value,
    preset: 'default',
    score,
    episode: `${metric}@${timestamp}`,
    detectedAt: timestamp + 5,
    votes: {
      first_hop_idle: true,
      mean_subtraction_cumulation: true,
      stddev_from_average: true,
      stddev_from_moving_average: true,
      least_squares: true,
      grubbs: true,
      histogram_bins: false,
      median_absolute_deviation: true,
      ks_test: null,
    },
  };
}

/**
 * Stores day-long series for `names` (the first `anomalous` spike at the end) and records those as the
 * current anomalies. `withSeries` limits how many names get a stored window (the rest only appear as
 * anomalies), so a 10,000-anomaly list does not need 14 million points.
 */
export async function seedStore(
  store: WindowStore & RollupStore & AnomalyStore,
  names: readonly string[],
  anomalous: number,
  now = Math.floor(Date.now() / 1000),
  withSeries = names.length,
): Promise<AnomalyRecord[]> {
  const last: Point[] = [];
  for (let i = 0; i < names.length; i += 200) {
    const batch = names
      .slice(i, Math.min(names.length, i + 200))
      .map((name, j) => ({ name, points: daySeries(now, i + j, i + j < anomalous) }));
    batch.forEach((b) => last.push(b.points[b.points.length - 1]));
    const stored = batch.filter((_, j) => i + j < withSeries);
    if (stored.length) await store.append(stored);
  }
  const records = names
    .slice(0, anomalous)
    .map((name, i) => anomalyFor(name, last[i], 1 - i / (anomalous + 1)));
  await store.recordAnomalies(records, 30 * 86400);
  return records;
}

/** Writes points through torus schemas as horizon's router does. */
export async function seedTorus(
  store: WindowStore & RollupStore & AnomalyStore,
  schemas: TorusSchemaConfig[],
  name: string,
  points: readonly Point[],
  now: number,
): Promise<void> {
  const compiled = compileSchemas(schemas);
  const writes = points.flatMap(([ts, v]) => planTorusWrites(compiled, name, ts, v, now).writes);
  for (let i = 0; i < writes.length; i += 10_000) await store.torusWrite(writes.slice(i, i + 10_000));
}
