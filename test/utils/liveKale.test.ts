import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { kale, startKale, type RunningKale } from '../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

/** seed and loadgen against a real `kale start` on Redis, over each ingest protocol. */
describe.runIf(redisUrl)('seed and loadgen against a running kale', () => {
  let url: string;
  let k: RunningKale;
  const port = (proto: string) =>
    proto === 'udp'
      ? ['--udp-port', String(k.ready.udp)]
      : proto === 'line'
        ? ['--line-port', String(k.ready.line)]
        : ['--pickle-port', String(k.ready.pickle)];

  beforeAll(async () => {
    url = await freshRedisDb();
    k = await startKale([
      'start',
      '--redis',
      url,
      '--pickle-port',
      '0',
      '--udp-port',
      '0',
      '--line-port',
      '0',
      '--webapp-port',
      '0',
      '--interval',
      '2',
    ]);
  });
  afterAll(async () => {
    await k?.stop();
  });

  it.each(['pickle', 'udp', 'line', 'pickle-udp'])(
    'seed over %s: history imported, live tail sent, every point verified',
    (proto) => {
      const r = kale([
        'seed',
        '--redis',
        url,
        '--proto',
        proto,
        ...port(proto),
        '--metrics',
        '8',
        '--hours',
        '1',
        '--json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.metrics).toBe(8);
      expect(report.livePoints).toBeGreaterThan(0);
      expect(report.historyPoints + report.livePoints).toBe(8 * 60);
      expect(report.arrived).toBe(report.expected);
      expect(report.injected.map((i: { kind: string }) => i.kind)).toEqual(['spike', 'drop', 'level-shift']);
    },
  );

  it('seed stores the generated values under seed.* names', async () => {
    const store = RedisStore.connect(url);
    try {
      const names = (await store.listMetrics()).filter((n) => n.startsWith('seed.'));
      expect(names).toHaveLength(8);
      const [w] = await store.readWindows([names[0]]);
      // An hour at 60 s per run; runs that straddle a minute boundary add the next minute.
      expect(w!.timestamps.length).toBeGreaterThanOrEqual(60);
      expect(Date.now() / 1000 - w!.timestamps[w!.timestamps.length - 1]).toBeLessThan(180);
    } finally {
      await store.close();
    }
  });

  it('seed --wait reports which injected anomalies the next analyzer run flagged', async () => {
    // A Kale of its own: the seeds above sent the same points, and an anomaly is flagged once, when
    // its point is new (a second seed within the minute re-sends the very same timestamps).
    const fresh = await freshRedisDb();
    const own = await startKale([
      'start',
      '--redis',
      fresh,
      '--pickle-port',
      '0',
      '--udp-port',
      'off',
      '--line-port',
      'off',
      '--webapp-port',
      '0',
      '--interval',
      '2',
    ]);
    let r;
    try {
      r = kale([
        'seed',
        '--redis',
        fresh,
        '--pickle-port',
        String(own.ready.pickle),
        '--metrics',
        '8',
        '--hours',
        '6',
        '--wait',
        '--wait-timeout',
        '50',
        '--json',
      ]);
    } finally {
      await own.stop();
    }
    expect(r.status).toBe(0);
    const { wait } = JSON.parse(r.stdout);
    expect(wait.analyzerRan).toBe(true);
    expect(wait.verdicts.map((v: { kind: string }) => v.kind)).toEqual(['spike', 'drop', 'level-shift']);
    // A spike of five times the daily peak is what every detector catches; the rest is the analyzer's call.
    expect(wait.verdicts[0]).toMatchObject({ kind: 'spike', flagged: true });
    expect(wait.verdicts[0].detectors.length).toBeGreaterThan(0);
  });

  it.each(['pickle', 'udp', 'line'])('loadgen over %s counts sent and stored exactly', (proto) => {
    const r = kale([
      'loadgen',
      '--redis',
      url,
      '--proto',
      proto,
      ...port(proto),
      '--rate',
      '5000',
      '--duration',
      '1',
      '--metrics',
      '7',
      '--cleanup',
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ proto, sent: 5000, stored: 5000, lost: 0 });
  });

  it('loadgen --cleanup leaves no loadgen metrics behind', async () => {
    const store = RedisStore.connect(url);
    try {
      expect((await store.listMetrics()).filter((n) => n.startsWith('loadgen.'))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses to seed without the shared store, and names an unreachable listener', () => {
    const noRedis = kale(['seed', '--pickle-port', '1']);
    expect(noRedis.status).toBe(2);
    expect(noRedis.stderr).toContain('--redis');
    const closed = kale(['seed', '--redis', url, '--proto', 'line', '--line-port', '1', '--hours', '1']);
    expect(closed.status).toBe(1);
    expect(closed.stderr).toContain('cannot connect to the line listener at 127.0.0.1:1');
  });
});

describe.runIf(redisUrl)('loadgen against a kale that skips its metrics', () => {
  it('reports every point lost, and horizon counting them as skipped', async () => {
    const url = await freshRedisDb();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-loadgen-'));
    const config = path.join(dir, 'kale.config.json');
    fs.writeFileSync(config, JSON.stringify({ horizon: { skip: ['loadgen.'], selfMetricsInterval: 1 } }));
    const k = await startKale([
      'start',
      '--redis',
      url,
      '--config',
      config,
      '--pickle-port',
      '0',
      '--udp-port',
      'off',
      '--line-port',
      'off',
      '--webapp-port',
      'off',
    ]);
    try {
      const r = kale([
        'loadgen',
        '--redis',
        url,
        '--config',
        config,
        '--proto',
        'pickle',
        '--pickle-port',
        String(k.ready.pickle),
        '--rate',
        '2000',
        '--duration',
        '1',
        '--json',
      ]);
      expect(r.status).toBe(1);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ sent: 2000, stored: 0, lost: 2000 });
      expect(result.horizon_skipped).toBeGreaterThanOrEqual(2000);
    } finally {
      await k.stop();
    }
  });
});
