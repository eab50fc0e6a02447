import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { startRedisServer, type RedisServer } from '../../utils/redisServer.js';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { redisUrl } from '../support/redis.js';

/** `redis-cli shutdown nosave` on a server started without persistence, then the same server again: empty. */
async function restartEmpty(server: RedisServer): Promise<void> {
  const c = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => {});
  await c.call('SHUTDOWN', 'NOSAVE').catch(() => {});
  c.disconnect();
  await server.kill();
  await server.restart();
}

const now = () => Math.floor(Date.now() / 1000);

/** Its own redis-server (the run's shared one must not restart), so it needs redis-server like the rest. */
describe.runIf(redisUrl)('the metric set after Redis loses it', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is whole again after the first write once Redis restarted empty, or was flushed under a live connection', async () => {
    const store = RedisStore.connect(server.url);
    try {
      await store.append(['a', 'b', 'c'].map((name) => ({ name, points: [[now(), 1]] })));
      expect(await store.listMetrics()).toEqual(['a', 'b', 'c']);

      await restartEmpty(server);
      expect(await store.listMetrics()).toEqual([]);
      await store.append(['a', 'b', 'c'].map((name) => ({ name, points: [[now(), 2]] })));
      expect(await store.listMetrics()).toEqual(['a', 'b', 'c']);

      // No reconnect to notice this time: the set's size behind the appends tells.
      const other = new Redis(server.url);
      await other.flushdb();
      other.disconnect();
      await store.append([{ name: 'b', points: [[now(), 3]] }]);
      expect(await store.listMetrics()).toEqual(['b']);
      expect(store.metricSetRepairs).toBeGreaterThan(0);
      // A name whose key went too comes back with its next point, not before (it has no data to list).
      await store.append([{ name: 'a', points: [[now(), 4]] }]);
      expect(await store.listMetrics()).toEqual(['a', 'b']);
    } finally {
      await store.close();
    }
  });

  describe('on a running kale start', () => {
    let k: RunningKale;
    beforeAll(async () => {
      k = await startKale([
        'start',
        '--redis',
        server.url,
        '--pickle-port',
        'off',
        '--udp-port',
        'off',
        '--line-port',
        '0',
        '--webapp-port',
        '0',
        '--interval',
        '1',
      ]);
    });
    afterAll(async () => {
      await k?.stop();
    });

    const send = (names: string[]) =>
      new Promise<void>((resolve, reject) => {
        const s = net.connect(Number(k.ready.line), '127.0.0.1', () =>
          s.end(names.map((n) => `${n} 1 ${now()}\n`).join('')),
        );
        s.on('close', () => resolve()).on('error', reject);
      });
    /**
     * Polls until the web API lists the drill's metrics and the analyzer's last cycle counted at least
     * as many (both read the metric set; the analyzer also counts Kale's own kale.* metrics).
     */
    const seen = async () => {
      let last = { drill: 0, analyzer: 0 };
      for (let i = 0; i < 300; i++) {
        const listed = await (await fetch(`${k.ready.webapp}/api/metrics?q=drill.*`)).json();
        const status = await (await fetch(`${k.ready.webapp}/api/status`)).json();
        last = { drill: listed.total, analyzer: status.services.analyzer?.totalMetrics ?? 0 };
        if (last.drill === 3 && last.analyzer >= 3) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return last;
    };

    it('lists every metric again, in the web API and the analyzer, once new points arrive', async () => {
      const names = ['drill.web.requests', 'drill.web.errors', 'drill.db.load'];
      await send(names);
      const before = await seen();
      expect(before.drill).toBe(3);
      expect(before.analyzer).toBeGreaterThanOrEqual(3);
      // Redis's copy of the analyzer's status goes too: what /api/status shows next is a later cycle's.
      await restartEmpty(server);
      await send(names);
      const after = await seen();
      expect(after.drill).toBe(3);
      expect(after.analyzer).toBeGreaterThanOrEqual(3);
    });
  });
});
