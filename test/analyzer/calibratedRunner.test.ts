import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/log.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { AnomalyRecord, Store } from '../../core/store/store.js';
import { AnalyzerRunner } from '../../analyzer/runner.js';
import { MetricContext } from '../../analyzer/context/metricContext.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

const log = createLogger('test');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A day of one-minute noise around 100 ending at `end`, then `extra` points from `level` on. */
function points(end: number, seed: number): Array<[number, number]> {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: 1440 }, (_, i) => [end - 60 * (1439 - i), 100 + 10 * (rand() - 0.5)]);
}

interface Backend {
  readonly name: string;
  open(): Promise<{ store: Store; reopen: () => Promise<Store> }>;
}

const backends: Backend[] = [
  {
    name: 'embedded',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-calibrated-'));
      dirs.push(dir);
      const store = EmbeddedStore.open(dir);
      return {
        store,
        reopen: async () => {
          await store.close();
          return EmbeddedStore.open(dir);
        },
      };
    },
  },
];
if (redisUrl) {
  backends.push({
    name: 'redis',
    async open() {
      const url = await freshRedisDb();
      const store = RedisStore.connect(url);
      return {
        store,
        reopen: async () => {
          await store.close();
          return RedisStore.connect(url);
        },
      };
    },
  });
}

describe.each(backends)('calibrated analysis over the $name store', (backend) => {
  it("keeps each metric's state across a restart: an excursion pages once, its later rows join its episode", async () => {
    const now = Math.floor(Date.now() / 1000 / 60) * 60;
    const config = validateConfig({ analyzer: { workers: 0 } });
    const pages: AnomalyRecord[] = [];
    let { store, reopen } = await backend.open();
    const cycle = async (at: number) => {
      const runner = new AnalyzerRunner({
        store,
        config,
        log,
        writeStats: false,
        onAnomalies: (rs) => pages.push(...rs),
      });
      try {
        return await runner.runCycle(at);
      } finally {
        await runner.close();
      }
    };
    const quiet = points(now - 120, 1);
    const jump = points(now - 120, 2);
    await store.append([
      { name: 'svc.quiet', points: quiet },
      { name: 'svc.jump', points: jump },
    ]);
    expect((await cycle(now - 100)).analyzed).toBe(2);
    expect(pages).toEqual([]);
    const [state] = await store.readMetricState('calibration', ['svc.jump']);
    expect(state).not.toBeNull();

    // The level jumps and stays: the first new point pages.
    await store.append([
      { name: 'svc.jump', points: [[now - 60, 400]] },
      { name: 'svc.quiet', points: [[now - 60, 101]] },
    ]);
    await cycle(now - 40);
    expect(pages.map((p) => p.metric)).toEqual(['svc.jump']);
    const episode = pages[0].episode;

    // A restart: the state comes back from the store, so the excursion's next point is its episode's, not a new page.
    store = await reopen();
    await store.append([
      { name: 'svc.jump', points: [[now, 405]] },
      { name: 'svc.quiet', points: [[now, 99]] },
    ]);
    await cycle(now + 20);
    expect(pages).toHaveLength(1);
    const current = await store.currentAnomalies();
    expect(current.map((a) => [a.metric, a.episode, a.flagged])).toEqual([['svc.jump', episode, false]]);

    // A cycle with no new point judges nothing again: the episode stays listed, the history does not grow.
    const recorded = (await store.anomalyHistory({ metric: 'svc.jump' })).length;
    await cycle(now + 50);
    expect((await store.currentAnomalies()).map((a) => a.episode)).toEqual([episode]);
    expect(await store.anomalyHistory({ metric: 'svc.jump' })).toHaveLength(recorded);
    expect(pages).toHaveLength(1);
    const [context] = await store.readMetricState('context', ['svc.jump']);
    expect(context!.length).toBeGreaterThan(0);
    await store.close();
  });

  it("keeps a 5-minute metric's week of five-minute means across a restart, and none for a one-minute one", async () => {
    const now = Math.floor(Date.now() / 1000 / 300) * 300;
    const config = validateConfig({ analyzer: { workers: 0 } });
    let { store, reopen } = await backend.open();
    const fiveMinute: Array<[number, number]> = Array.from({ length: 288 }, (_, i) => [
      now - 300 * (287 - i),
      i,
    ]);
    await store.append([
      { name: 'svc.five', points: fiveMinute },
      { name: 'svc.minute', points: points(now, 3) },
    ]);
    const runner = new AnalyzerRunner({ store, config, log, writeStats: false });
    await runner.runCycle(now + 10);
    await runner.close();
    store = await reopen();
    const [five, minute] = await store.readMetricState('context', ['svc.five', 'svc.minute']);
    const week = MetricContext.decode(five).history(now)!;
    // Every closed five-minute slot is its one point; the newest point's slot is still open.
    expect(Array.from(week['recent.values']!)).toEqual(Array.from({ length: 287 }, (_, i) => i));
    expect(MetricContext.decode(minute).history(now)!['recent.values']).toBeUndefined();
    expect(minute!.length).toBeLessThan(five!.length);
    await store.close();
  });
});
