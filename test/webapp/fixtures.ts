import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema, type TorusSchemaConfig } from '../../core/config/schema.js';
import { createLogger } from '../../core/log.js';
import type { RunningService } from '../../core/service.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import type { AnomalyRecord, Point, Store } from '../../core/store/store.js';
import { compileSchemas, planTorusWrites } from '../../core/torus/schemas.js';
import { startWebapp } from '../../webapp/server/service.js';

export const XSS_NAME = '<img src=x onerror=alert(1)>';

/** A day of one-minute points: a daily wave plus noise, with a spike in the last point when `spike`. */
export function daySeries(now: number, seed: number, spike: boolean): Point[] {
  const pts: Point[] = [];
  const start = Math.floor(now / 60) * 60 - 86400;
  for (let t = start, i = 0; t <= start + 86400; t += 60, i++) {
    const base = 100 + 30 * Math.sin((2 * Math.PI * i) / 1440 + seed) + 5 * Math.sin(i * 0.37 + seed * 7);
    pts.push([t, spike && t > start + 86400 - 60 ? base * 6 : base]);
  }
  return pts;
}

export function anomalyFor(metric: string, points: Point[], score = 0.9): AnomalyRecord {
  const [timestamp, value] = points[points.length - 1];
  return {
    metric, timestamp, value, preset: 'default', score, episode: `${metric}@${timestamp}`, detectedAt: timestamp + 5,
    votes: { first_hop_idle: true, mean_subtraction_cumulation: true, stddev_from_average: true, stddev_from_moving_average: true,
      least_squares: true, grubbs: true, histogram_bins: false, median_absolute_deviation: true, ks_test: null },
  };
}

/** Stores `metrics` day-long series; the first `anomalous` of them spike and are listed as current anomalies. */
export async function seedStore(store: Store, names: string[], anomalous: number, now = Math.floor(Date.now() / 1000)): Promise<AnomalyRecord[]> {
  const records: AnomalyRecord[] = [];
  const batches = names.map((name, i) => ({ name, points: daySeries(now, i, i < anomalous) }));
  for (let i = 0; i < batches.length; i += 500) await store.append(batches.slice(i, i + 500));
  batches.slice(0, anomalous).forEach((b, i) => records.push(anomalyFor(b.name, b.points, 1 - i / (anomalous + 1))));
  await store.recordAnomalies(records, 30 * 86400);
  return records;
}

export interface TestWebapp { url: string; store: Store; service: RunningService; stop(): Promise<void> }

export interface TestWebappOptions {
  webapp?: Record<string, unknown>;
  horizon?: Record<string, unknown>;
  /** Defaults to a fresh embedded store in a temporary directory. */
  store?: Store;
}

/** A real webapp on an ephemeral loopback port over a real store. */
export async function startTestWebapp({ webapp = {}, horizon = {}, store }: TestWebappOptions = {}): Promise<TestWebapp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-webapp-'));
  const s = store ?? EmbeddedStore.open(dir);
  const config = configSchema.parse({ dataDir: dir, logLevel: 'silent', webapp: { port: 0, ...webapp }, horizon });
  const service = await startWebapp({ config, store: s, log: createLogger('test') });
  return {
    url: String(service.endpoints.webapp),
    store: s,
    service,
    stop: async () => {
      await service.stop();
      if (!store) await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes points through the torus schemas as horizon's router would. */
export async function seedTorus(store: Store, schemas: TorusSchemaConfig[], name: string, points: Point[], now: number): Promise<void> {
  const compiled = compileSchemas(schemas);
  await store.torusWrite(points.flatMap(([ts, v]) => planTorusWrites(compiled, name, ts, v, now).writes));
}
