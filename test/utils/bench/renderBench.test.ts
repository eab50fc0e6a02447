import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../../core/store/redisStore.js';
import { KALE_BIN } from '../../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../../support/redis.js';

const bench = (args: string[]) =>
  spawnSync(process.execPath, [KALE_BIN, 'bench', 'render', ...args], { encoding: 'utf8', timeout: 120_000 });

describe('kale bench render', () => {
  it.runIf(redisUrl)('runs on an empty Redis it is given', async () => {
    const url = await freshRedisDb();
    const r = bench(['--redis', url, '--series', '3', '--requests', '1', '--repeat', '1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ bench: 'render', backend: 'redis', series: 3 });
    expect(result.glob_kb).toBeGreaterThan(0);
  });

  it.runIf(redisUrl)('refuses a Redis that holds keys instead of flushing it', async () => {
    const url = await freshRedisDb();
    const store = RedisStore.connect(url);
    await store.append([{ name: 'someone.else', points: [[1_800_000_000, 1.5]] }]);
    const before = await store.readRawWindows(['someone.else']);
    const r = bench(['--redis', url, '--series', '3', '--requests', '1', '--repeat', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('holds 2 keys');
    expect(await store.listMetrics()).toEqual(['someone.else']);
    expect(await store.readRawWindows(['someone.else'])).toEqual(before);
    await store.close();
  });
});
