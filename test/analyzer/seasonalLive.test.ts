import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyzerRunner } from '../../analyzer/runner.js';
import { validateConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/log.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { AppendBatch } from '../../core/store/store.js';
import { compileSchemas, planTorusWrites } from '../../core/torus/schemas.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

const DAY = 86400;
/**
 * The latest 12:02 UTC: three minutes into the hour in which the `batch` metric jumps every day.
 * Relative to the wall clock because rollups expire by it; a fixed date would age out of retention.
 */
const NOW = Math.floor((Date.now() / 1000 - 12 * 3600 - 120) / DAY) * DAY + 12 * 3600 + 120;
const log = createLogger('test');
/** Hourly rollups kept two weeks (what seasonal history reads) and minute ones kept a day (too short). */
const schemas = [
  {
    name: 'svc',
    type: 'series' as const,
    match: '^svc\\.',
    intervals: { minute: { step: 60, steps: 1440 }, hour: { step: '1h', steps: 24 * 14 } },
  },
];

/** Eight days of minute points ending at NOW: noise around 100, plus `extra(ts)`. */
function series(name: string, seed: number, extra: (ts: number) => number): AppendBatch {
  let s = seed;
  const points: Array<[number, number]> = [];
  for (let t = NOW - 8 * DAY; t <= NOW; t += 60) {
    s = (s * 1103515245 + 12345) % 2147483648;
    points.push([t, 100 + 10 * (s / 2147483648 - 0.5) + extra(t)]);
  }
  return { name, points };
}

const hourOfDay = (t: number) => Math.floor((t % DAY) / 3600);
/** A job that lifts the metric by 200 from 12:00 to 13:00 every day, today included. */
const batch = series('svc.batch', 1, (t) => (hourOfDay(t) === 12 ? 200 : 0));
/** The same lift, only today, for the last three minutes: never seen before. */
const novel = series('svc.novel', 2, (t) => (t > NOW - 180 ? 200 : 0));

if (redisUrl) {
  describe('seasonal history from torus rollups in the live cycle', () => {
    let store: RedisStore;
    beforeAll(async () => {
      store = RedisStore.connect(await freshRedisDb());
      // The raw window holds the last day (FULL_DURATION); the rollups hold all eight.
      await store.append(
        [batch, novel].map((b) => ({ name: b.name, points: b.points.filter(([t]) => t >= NOW - DAY) })),
      );
      const compiled = compileSchemas(schemas);
      // In day-sized batches, as horizon's writer sends them.
      for (const b of [batch, novel]) {
        for (let i = 0; i < b.points.length; i += 1440) {
          await store.torusWrite(
            b.points
              .slice(i, i + 1440)
              .flatMap(([t, v]) => planTorusWrites(compiled, b.name, t, v, NOW).writes),
          );
        }
      }
    });
    afterAll(async () => store?.close());

    const flagged = async (config: ReturnType<typeof validateConfig>) => {
      const runner = new AnalyzerRunner({ store, config, log, writeStats: false });
      try {
        await runner.runCycle(NOW + 30);
        return Object.fromEntries((await store.currentAnomalies()).map((a) => [a.metric, a.votes]));
      } finally {
        await runner.close();
      }
    };

    for (const workers of [1, 0]) {
      it(`a daily spike is expected, a novel one is flagged (${workers} workers)`, async () => {
        const anomalies = await flagged(
          validateConfig({ analyzer: { workers, preset: 'consensus' }, horizon: { schemas } }),
        );
        expect(Object.keys(anomalies)).toEqual(['svc.novel']);
        expect(anomalies['svc.novel']).toMatchObject({ seasonal_daily: true, seasonal_weekly: true });
      });
    }

    it('without rollups the seasonal detectors abstain and the daily spike is flagged too', async () => {
      const anomalies = await flagged(validateConfig({ analyzer: { workers: 0, preset: 'consensus' } }));
      expect(Object.keys(anomalies).sort()).toEqual(['svc.batch', 'svc.novel']);
      expect(anomalies['svc.batch']).toMatchObject({ seasonal_daily: null, seasonal_weekly: null });
    });
  });
} else {
  describe.skip('seasonal history from torus rollups (no Redis for this run)', () => {
    it('skipped', () => {});
  });
}
