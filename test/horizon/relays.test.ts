import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { freePort } from '../../utils/redisServer.js';
import { startCarbonRelay } from '../support/carbonRelay.js';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { pointsOf, waitFor } from './support.js';

// End to end through the built `kale horizon` into Redis, fed by the real relays that sit in front of Kale:
// Debian graphite-carbon's carbon-relay (test/support/carbonRelay.ts: DESTINATION_PROTOCOL = pickle) and the npm statsd daemon.

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe.runIf(redisUrl)('real relays into kale horizon and Redis', () => {
  let horizon: RunningKale;
  let store: RedisStore;

  beforeAll(async () => {
    const url = await freshRedisDb();
    store = RedisStore.connect(url);
    horizon = await startKale([
      'horizon',
      '--redis',
      url,
      '--pickle-port',
      '0',
      '--udp-port',
      'off',
      '--line-port',
      'off',
      '--log-level',
      'warn',
    ]);
  });
  afterAll(async () => {
    await horizon?.stop();
    await store?.close();
  });

  it('carbon-relay forwarding with DESTINATION_PROTOCOL = pickle: every point arrives', async () => {
    const relay = await startCarbonRelay([Number(horizon.ready.pickle)]);
    const { linePort } = relay;
    try {
      const now = Math.floor(Date.now() / 1000);
      const sent = new Map<string, Array<[number, number]>>();
      let text = '';
      for (let i = 0; i < 1200; i++) {
        const name = `relay.host${i % 12}.cpu`;
        const p: [number, number] = [now - 600 + Math.floor(i / 12), Math.round(i * 1.37 * 100) / 100];
        (sent.get(name) ?? sent.set(name, []).get(name)!).push(p);
        text += `${name} ${p[1]} ${p[0]}\n`;
      }
      const s = net.connect(linePort, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      s.end(text);
      for (const [name, pts] of sent) {
        expect(
          await waitFor(
            () => pointsOf(store, name),
            (got) => got.length >= pts.length,
            30_000,
          ),
        ).toEqual(pts);
      }
    } finally {
      await relay.stop();
    }
  });

  it('the npm statsd daemon with graphiteProtocol "pickle": counters and gauges arrive', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-statsd-'));
    const [udpPort, mgmtPort] = [await freePort(), await freePort()];
    const cfg = path.join(dir, 'config.js');
    fs.writeFileSync(
      cfg,
      `({ port: ${udpPort}, address: '127.0.0.1', mgmt_address: '127.0.0.1', mgmt_port: ${mgmtPort},
      graphiteHost: '127.0.0.1', graphitePicklePort: ${horizon.ready.pickle}, graphiteProtocol: 'pickle',
      flushInterval: 250, backends: ['./backends/graphite'] })`,
    );
    const statsdDir = path.resolve('node_modules/statsd');
    const daemon = spawn(process.execPath, ['stats.js', cfg], { cwd: statsdDir, stdio: 'ignore' });
    try {
      expect(
        await waitFor(
          () => canConnect(mgmtPort),
          (ok) => ok,
          30_000,
        ),
      ).toBe(true);
      const sock = dgram.createSocket('udp4');
      for (const line of ['kale.e2e.hits:3|c', 'kale.e2e.temp:42.5|g']) {
        await new Promise<void>((r) => sock.send(line, udpPort, '127.0.0.1', () => r()));
      }
      sock.close();
      const gauge = await waitFor(
        () => pointsOf(store, 'stats.gauges.kale.e2e.temp'),
        (p) => p.length > 0,
        30_000,
      );
      expect(gauge[0][1]).toBe(42.5);
      expect(Math.abs(gauge[0][0] - Date.now() / 1000)).toBeLessThan(60);
      // statsd's legacy namespace (its default): raw counts under stats_counts.
      const counts = await waitFor(
        () => pointsOf(store, 'stats_counts.kale.e2e.hits'),
        (p) => p.length > 0,
        30_000,
      );
      expect(counts[0][1]).toBe(3);
      // statsd's own metrics come with every flush, on a new connection each time.
      expect(
        (
          await waitFor(
            () => pointsOf(store, 'statsd.numStats'),
            (p) => p.length >= 2,
            30_000,
          )
        ).length,
      ).toBeGreaterThanOrEqual(2);
    } finally {
      await stopChild(daemon);
    }
  });
});
