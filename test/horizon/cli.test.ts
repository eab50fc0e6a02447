import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { kale, startKale } from '../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { pointsOf, waitFor } from './support.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kale-horizon-'));
const NOW = Math.floor(Date.now() / 1000);

async function sendLines(port: number, text: string): Promise<void> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  s.end(text);
  await new Promise((r) => s.once('close', r));
}

describe('kale horizon', () => {
  it('prints the ready line with only the opened listeners, and flushes everything on SIGTERM', async () => {
    const d = tmp();
    // Batches of a minute: nothing reaches the Store before SIGTERM unless the stop path flushes it.
    const cfg = path.join(d, 'kale.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ horizon: { batchMs: 60_000, batchPoints: 1_000_000 } }));
    const k = await startKale([
      'horizon',
      '--config',
      cfg,
      '--data-dir',
      d,
      '--pickle-port',
      'off',
      '--udp-port',
      '0',
      '--line-port',
      '0',
      '--log-level',
      'warn',
    ]);
    expect(Object.keys(k.ready).sort()).toEqual(['line', 'udp']);
    expect(k.ready.line).toBeGreaterThan(0);
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `term.m${i % 20} ${i} ${NOW - 500 + Math.floor(i / 20)}\n`,
    ).join('');
    await sendLines(k.ready.line as number, lines);
    expect(await k.stop()).toBe(0);
    // The embedded store snapshots on close: what was flushed on SIGTERM is on disk.
    const store = EmbeddedStore.open(d);
    let total = 0;
    for (let m = 0; m < 20; m++) total += (await pointsOf(store, `term.m${m}`)).length;
    expect(total).toBe(2000);
    await store.close();
  });

  it.runIf(redisUrl)('with Redis, flushes everything the writer thread holds on SIGTERM', async () => {
    const d = tmp();
    const cfg = path.join(d, 'kale.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ horizon: { batchMs: 60_000, batchPoints: 1_000_000 } }));
    const url = await freshRedisDb();
    const k = await startKale([
      'horizon',
      '--config',
      cfg,
      '--redis',
      url,
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      '0',
      '--log-level',
      'warn',
    ]);
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `rterm.m${i % 20} ${i} ${NOW - 500 + Math.floor(i / 20)}\n`,
    ).join('');
    await sendLines(k.ready.line as number, lines);
    expect(await k.stop()).toBe(0);
    const store = RedisStore.connect(url);
    let total = 0;
    for (let m = 0; m < 20; m++) total += (await pointsOf(store, `rterm.m${m}`)).length;
    expect(total).toBe(2000);
    expect((await store.listMetrics()).filter((n) => n.startsWith('rterm.')).length).toBe(20);
    await store.close();
  });

  it('names the port and the flag when a port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const r = kale([
      'horizon',
      '--data-dir',
      tmp(),
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      String(port),
    ]);
    blocker.close();
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      `kale: port ${port} is already in use: choose another with --line-port (0 = any free port, off = closed)`,
    );
  });

  it('reloads the skip list and schemas on SIGHUP without dropping data', async () => {
    const d = tmp();
    const cfg = path.join(d, 'kale.config.json');
    const base = {
      dataDir: d,
      logLevel: 'info',
      horizon: { picklePort: 'off', udpPort: 'off', linePort: 0 },
    };
    fs.writeFileSync(cfg, JSON.stringify(base));
    const k = await startKale(['horizon', '--config', cfg]);
    await sendLines(k.ready.line as number, `hup.noisy 1 ${NOW}\nhup.kept 1 ${NOW}\n`);
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        ...base,
        horizon: {
          ...base.horizon,
          skip: ['noisy'],
          schemas: [{ name: 'all', type: 'count', match: 'hup', intervals: { m: { step: 60 } } }],
        },
      }),
    );
    k.child.kill('SIGHUP');
    await waitFor(
      () => k.stderr(),
      (e) => e.includes('reloaded skip list'),
    );
    await sendLines(k.ready.line as number, `hup.noisy 2 ${NOW + 1}\nhup.kept 2 ${NOW + 1}\n`);
    expect(await k.stop()).toBe(0);
    const store = EmbeddedStore.open(d);
    expect(await pointsOf(store, 'hup.noisy')).toEqual([[NOW, 1]]);
    expect(await pointsOf(store, 'hup.kept')).toEqual([
      [NOW, 1],
      [NOW + 1, 2],
    ]);
    expect(await store.torusRead('count', [`hup.kept:m:${Math.floor((NOW + 1) / 60)}`])).toEqual([
      { type: 'count', total: 2 },
    ]);
    await store.close();
  });

  it('runs inside kale start, with the listeners in the ready line', async () => {
    const k = await startKale([
      'start',
      '--data-dir',
      tmp(),
      '--pickle-port',
      '0',
      '--udp-port',
      '0',
      '--line-port',
      '0',
      '--webapp-port',
      '0',
    ]);
    for (const key of ['pickle', 'udp', 'line']) expect(k.ready[key]).toBeGreaterThan(0);
    expect(await k.stop()).toBe(0);
  });
});

describe('kale schema-debug', () => {
  it('prints the schemas, keys and aggregates a name produces, recursively', () => {
    const d = tmp();
    const cfg = path.join(d, 'kale.config.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        horizon: {
          skip: ['/^tmp\\./'],
          schemas: [
            {
              name: 'status',
              type: 'count',
              match: '\\.status\\.',
              intervals: { minute: { step: 60, steps: 60 }, day: { step: 'daily' } },
            },
            {
              name: 'rollups',
              type: 'count',
              match: '^(app|all)\\.\\d+$',
              prefix: 'r:',
              intervals: { hour: { step: '1h', resolution: 60 } },
            },
          ],
          aggregates: [
            ['app.<status>', 'app.*.status.<status>'],
            ['all.<status>', 'app.<status>'],
          ],
        },
      }),
    );
    const r = kale(['schema-debug', '--config', cfg, '--json', 'app.web1.status.500', 'tmp.x', 'other']);
    expect(r.status).toBe(0);
    const [app, tmpName, other] = JSON.parse(r.stdout);
    expect(app.skipped).toBe(false);
    expect(app.schemas.map((s: { schema: string }) => s.schema)).toEqual(['status']);
    expect(app.schemas[0].keys[0]).toMatch(/^app\.web1\.status\.500:minute:\d+$/);
    expect(app.schemas[0].keys[1]).toMatch(/^app\.web1\.status\.500:day:\d{8}$/);
    expect(app.rollups.map((x: { name: string }) => x.name)).toEqual(['app.500', 'all.500']);
    expect(app.rollups[1].via).toEqual(['app.web1.status.500', 'app.500']);
    expect(app.rollups[1].schemas[0].keys[0]).toMatch(/^r:all\.500:hour:\d+:\d+$/);
    expect(tmpName.skipped).toBe(true);
    expect(other).toEqual({ name: 'other', skipped: false, schemas: [], rollups: [] });
    const text = kale(['schema-debug', '--config', cfg, 'app.web1.status.500']).stdout;
    expect(text).toContain('schema status (count)');
    expect(text).toContain('aggregate → all.500 (via app.web1.status.500 → app.500)');
  });

  it('exits 2 with one line for a bad aggregate', () => {
    const d = tmp();
    const cfg = path.join(d, 'kale.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ horizon: { aggregates: [['a.<x>', 'b.*']] } }));
    const r = kale(['schema-debug', '--config', cfg, 'b.c']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('does not capture');
  });
});
