import { describe, expect, it } from 'vitest';
import { analyzerService } from '../../analyzer/service.js';
import { validateConfig } from '../../core/config/load.js';
import type { Logger } from '../../core/log.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

/** Keeps what the analyzer logs. */
function recordingLog(lines: string[]): Logger {
  const log: Logger = {
    debug: () => {},
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    child: () => log,
  };
  return log;
}

/** 200 points a minute apart ending now, never flat, so every metric reaches the detectors. */
function window(seed: number, now: number): Array<[number, number]> {
  return Array.from({ length: 200 }, (_, i) => [
    now - 60 * (199 - i),
    100 + ((seed * 7 + i * 13) % 11) + 0.5,
  ]);
}

describe.runIf(redisUrl)('a cycle past its deadline', () => {
  it('ends with the metrics it did not reach counted as Deadline, logs it, and the next cycle runs', async () => {
    const store = RedisStore.connect(await freshRedisDb());
    const now = Math.floor(Date.now() / 1000);
    const names = Array.from({ length: 600 }, (_, i) => `late.m${String(i).padStart(3, '0')}`);
    await store.append(names.map((name, i) => ({ name, points: window(i, now) })));
    const lines: string[] = [];
    const config = validateConfig({
      analyzer: {
        interval: 1,
        cycleDeadline: 1,
        preset: 'consensus',
        customDetectors: {
          // At least 5 ms a metric: the first chunk (500 metrics) alone outlasts the 1 s deadline.
          slow: () => {
            const until = performance.now() + 5;
            while (performance.now() < until);
            return false;
          },
        },
      },
    });
    const service = await analyzerService()({ config, store, log: recordingLog(lines) });
    const cycles: Array<Record<string, unknown>> = [];
    try {
      for (const until = Date.now() + 60_000; cycles.length < 2 && Date.now() < until; ) {
        const doc = (await store.getStatus()).analyzer;
        if (doc && doc.startedAt !== cycles.at(-1)?.startedAt) cycles.push(doc);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await service.stop();
    }
    expect(cycles.length).toBe(2);
    for (const c of cycles) {
      const exceptions = c.exceptions as Record<string, number>;
      // The second chunk was never read: its metrics are the ones counted, and every metric is accounted for
      // (from the second cycle on, the analyzer's own kale.analyzer.* series are listed too, first).
      const total = c.totalMetrics as number;
      expect(total).toBeGreaterThanOrEqual(600);
      expect(exceptions.Deadline).toBe(total - 500);
      expect((c.analyzed as number) + Object.values(exceptions).reduce((a, b) => a + b, 0)).toBe(total);
      expect(c.deadlineSeconds).toBe(1);
    }
    const said = lines.filter((l) => l.startsWith('warn cycle deadline of 1 s reached: '));
    expect(said.length).toBeGreaterThanOrEqual(2);
    expect(said[0]).toBe(
      'warn cycle deadline of 1 s reached: 100 of 600 metrics not analysed (counted as Deadline; the first: late.m500); the next cycle starts on schedule',
    );
    await store.close();
  }, 90_000);
});
