import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../../core/store/redisStore.js';
import { KALE_BIN } from '../../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../../support/redis.js';

const bench = (args: string[]) =>
  spawnSync(process.execPath, [KALE_BIN, 'bench', 'roomba', ...args], { encoding: 'utf8', timeout: 120_000 });

describe('kale bench roomba', () => {
  it('refuses a count that is not a whole number, naming the flag', () => {
    const r = bench(['--per-second', '0.5']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--per-second: expected a whole number of at least 1, got "0.5"');
  });

  it.runIf(redisUrl)(
    'trims nothing in the first pass and the oldest 60 s in the second, then refills',
    async () => {
      const url = await freshRedisDb();
      const r = bench([
        '--redis',
        url,
        '--metrics',
        '20',
        '--seconds',
        '120',
        '--per-second',
        '2',
        '--repeat',
        '2',
        '--json',
      ]);
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({
        bench: 'roomba',
        metrics: 20,
        points_per_window: 240,
        rounds: 2,
        nothing_expired: { removed: 0 },
        expired_60s: { removed: 20 * 60 * 2 },
      });
      expect(result.expired_60s.redis_trim_s).toBeGreaterThan(0);
      // Each round appends the 60 s it expired, so the windows end as long as they began.
      const store = RedisStore.connect(url);
      const names = await store.listMetrics();
      expect(names).toHaveLength(20);
      const raws = await store.readRawWindows(names);
      for (const raw of raws) expect(raw).toHaveLength(240 * 15);
      await store.close();
    },
  );

  it.runIf(redisUrl)('refuses a Redis that holds keys instead of flushing it', async () => {
    const url = await freshRedisDb();
    const store = RedisStore.connect(url);
    await store.append([{ name: 'someone.else', points: [[1_800_000_000, 1]] }]);
    const r = bench([
      '--redis',
      url,
      '--metrics',
      '2',
      '--seconds',
      '120',
      '--per-second',
      '1',
      '--repeat',
      '1',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('holds 2 keys');
    expect(await store.listMetrics()).toEqual(['someone.else']);
    await store.close();
  });
});
