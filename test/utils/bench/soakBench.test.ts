import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../../core/store/redisStore.js';
import { commandSecondsSpent, redisCommandSeconds } from '../../../utils/bench/redisCommandTime.js';
import { prefillWindows } from '../../../utils/bench/soakPrefill.js';
import { soakValue } from '../../../utils/bench/soakSender.js';
import { KALE_BIN } from '../../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../../support/redis.js';

const bench = (args: string[]) =>
  spawnSync(process.execPath, [KALE_BIN, 'bench', 'soak', ...args], { encoding: 'utf8', timeout: 120_000 });

describe.runIf(redisUrl)('the soak prefill (real Redis)', () => {
  let store: RedisStore;
  beforeAll(async () => {
    store = RedisStore.connect(await freshRedisDb());
  });
  afterAll(async () => {
    await store.close();
  });

  it('fills every window with `seconds` of points before the first second sent, at the rate per metric', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `soak.test.m${i}`);
    const now = 1_800_000_000.7;
    const filled = await prefillWindows(store, names, 3, 40, now);
    expect(filled).toMatchObject({ points: 120 * 40 * 3, sentFrom: 1_800_000_000 });
    expect((await store.listMetrics()).sort()).toEqual([...names].sort());
    const picked = [0, 49, 50, 119].map((i) => [i, names[i]] as const);
    const raws = await store.readRawWindows(picked.map(([, name]) => name));
    const windows = await store.readWindows(picked.map(([, name]) => name));
    picked.forEach(([i], k) => {
      // Three points a second of 15 bytes each, as the sender sends each metric 3 × metrics points a second.
      expect(raws[k]).toHaveLength(40 * 3 * 15);
      // One value per second once decoded (the reader keeps one point per timestamp).
      const { timestamps, values } = windows[k]!;
      expect(timestamps).toHaveLength(40);
      expect([timestamps[0], values[0]]).toEqual([1_800_000_000 - 40, soakValue(i, 1_800_000_000 - 40)]);
      expect([timestamps[39], values[39]]).toEqual([1_800_000_000 - 1, soakValue(i, 1_800_000_000 - 1)]);
    });
  });
});

describe.runIf(redisUrl)("Redis's time by command (real Redis)", () => {
  it('counts the time of the commands sent between two readings, largest first', async () => {
    const store = RedisStore.connect(await freshRedisDb());
    try {
      const before = await redisCommandSeconds(store.client);
      await prefillWindows(store, ['soak.time.a', 'soak.time.b'], 10, 2000);
      const after = await redisCommandSeconds(store.client);
      expect(after.get('append')!).toBeGreaterThan(before.get('append') ?? 0);
    } finally {
      await store.close();
    }
  });

  it('reports the changes of at least 10 ms, largest first, at most `top`', () => {
    const before = new Map([
      ['append', 1],
      ['get', 5],
    ]);
    const after = new Map([
      ['append', 3.5],
      ['get', 5.005],
      ['evalsha', 4.25],
      ['mget', 0.5],
    ]);
    expect(commandSecondsSpent(before, after)).toBe('evalsha:4.25 append:2.50 mget:0.50');
    expect(commandSecondsSpent(before, after, 1)).toBe('evalsha:4.25');
  });
});

describe('kale bench soak --prefill (its own redis-server and kale start)', () => {
  it('counts only what the timed part sent, not the prefill still in the windows', () => {
    const r = bench([
      ...['--rate', '2000', '--metrics', '100', '--duration', '11', '--prefill', '71'],
      ...['--analyzer-interval', '3', '--oculus-interval', '4', '--json'],
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out).toMatchObject({ bench: 'soak', windows: 'prefilled 71 s', metrics: 100 });
    expect(r.stderr).toMatch(/prefill: 142,000 points \(71 s x 20\/s per metric\)/);
    expect(out.sent).toBeGreaterThan(0);
    // Every point sent is stored, and none of the prefill counts as stored.
    expect(out.stored).toBe(out.sent);
    expect(out.lost).toBe(0);
    expect(out.redis_seconds_by_command).toEqual(expect.any(String));
    // Kale's main-thread memory, sampled from its own GET /metrics beside the RSS.
    expect(out.main_heap_total_mb).toMatch(/^\d+s:\d+(\.\d)? ?/);
    expect(out.main_external_mb).toMatch(/^\d+s:\d+(\.\d)? ?/);
  }, 120_000);

  it('refuses a prefill roomba would trim before the timed part is counted, and a prefill with --steps', () => {
    const short = bench(['--duration', '60', '--prefill', '100']);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain(
      '--prefill: expected whole seconds of at least --duration + 60 (120), got "100"',
    );
    const steps = bench(['--steps', '1000,2000', '--prefill', '600']);
    expect(steps.status).toBe(2);
    expect(steps.stderr).toContain('--prefill measures one rate');
  });
});
