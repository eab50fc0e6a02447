import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { unpackMultiple } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { waitForStored } from '../../utils/loadgen/countStored.js';
import { startRedisCluster, type RedisCluster } from '../../utils/redisCluster.js';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { redisUrl } from '../support/redis.js';
import { startCarbonRelay, type CarbonRelay } from '../support/carbonRelay.js';

/** Horizon's point counters as its own /metrics reports them (one process, one scrape target). */
async function pointCounters(h: RunningKale): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${h.ready.metrics}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^kale_horizon_points_total\{outcome="(\w+)"\} (\d+)$/gm))
    out[m[1]] = Number(m[2]);
  return out;
}

/** docs/redis-cluster.md, "Many horizons": carbon-relay's consistent hashing over two horizons, one Redis Cluster. */
describe.runIf(redisUrl)('two horizons behind carbon-relay into one Redis Cluster', () => {
  let cluster: RedisCluster;
  let horizons: RunningKale[] = [];
  let relay: CarbonRelay;
  let store: RedisStore;
  let dir: string;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-two-horizons-'));
    const config = path.join(dir, 'kale.json');
    // No self-metric points during the test, so `written` counts only what the relay forwarded.
    fs.writeFileSync(config, JSON.stringify({ horizon: { selfMetricsInterval: 3600 } }));
    const args = ['horizon', '--redis', cluster.url, '--config', config, '--pickle-port', '0'];
    horizons = await Promise.all(
      [0, 1].map(() =>
        startKale([
          ...args,
          '--udp-port',
          'off',
          '--line-port',
          'off',
          '--metrics-port',
          '0',
          '--log-level',
          'warn',
        ]),
      ),
    );
    relay = await startCarbonRelay(horizons.map((h) => Number(h.ready.pickle)));
    store = RedisStore.connect(cluster.url);
  });
  afterAll(async () => {
    await relay?.stop();
    await Promise.all(horizons.map((h) => h.stop()));
    await store?.close();
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores every point exactly once and the horizons’ counters add up to what was sent', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `relay2.host${i}.cpu`);
    const sent = 8000;
    const t0 = Math.floor(Date.now() / 1000) - 600;
    // Value k for the k-th point: each one can be found, or found twice.
    let text = '';
    for (let k = 0; k < sent; k++)
      text += `${names[k % names.length]} ${k} ${t0 + Math.floor(k / names.length)}\n`;
    const s = net.connect(relay.linePort, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    await new Promise<void>((r) => s.end(text, () => r()));

    expect(await waitForStored(store, names, sent, 5000, 60_000)).toBe(sent);
    const seen = new Map<number, number>();
    for (const raw of await store.readRawWindows(names))
      unpackMultiple(raw as Buffer, (p: [number, number]) => {
        seen.set(p[1], (seen.get(p[1]) ?? 0) + 1);
      });
    expect(seen.size).toBe(sent);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(await store.listMetrics())).toEqual(new Set(names));

    const [a, b] = await Promise.all(horizons.map(pointCounters));
    // Both horizons took a share (the ring splits 40 names), and together exactly what was sent.
    expect(a.received).toBeGreaterThan(0);
    expect(b.received).toBeGreaterThan(0);
    expect(a.received + b.received).toBe(sent);
    expect(a.written + b.written).toBe(sent);
    expect(a.dropped + b.dropped).toBe(0);
    expect(a.written).toBe(a.received);
    // Consistent hashing is by name: each name's points all went to one horizon.
    expect(a.received % (sent / names.length)).toBe(0);
  }, 120_000);
});
