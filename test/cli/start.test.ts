import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kale, startKale } from '../support/kaleCli.js';

describe('kale start', () => {
  it('prints the ready line with the opened endpoints, and exits 0 on SIGTERM', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-start-'));
    const k = await startKale([
      'start',
      '--data-dir',
      d,
      '--pickle-port',
      '0',
      '--udp-port',
      '0',
      '--line-port',
      'off',
      '--webapp-port',
      '0',
    ]);
    // Every opened listener reports the port the OS chose; the closed one is left out.
    expect(Object.keys(k.ready).sort()).toEqual(['pickle', 'udp', 'webapp']);
    expect(k.ready.pickle).toBeGreaterThan(0);
    expect(k.ready.udp).toBeGreaterThan(0);
    expect(k.ready.webapp).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    expect(await k.stop()).toBe(0);
  });

  it('serves metrics and series from the data directory after a restart', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-start-'));
    const { EmbeddedStore } = await import('../../core/store/embeddedStore.js');
    const s = EmbeddedStore.open(d);
    await s.append([
      {
        name: 'web.requests',
        points: [
          [1_700_000_060, 2],
          [1_700_000_000, 1],
        ],
      },
    ]);
    await s.close();
    const listed = kale(['metrics', '--data-dir', d, '--json']);
    expect(listed.stdout.trim()).toBe('["web.requests"]');
    expect(listed.stderr).toMatch(/listed from the data dir as of \d+ s ago/);
    expect(kale(['metrics', 'web.*', '--data-dir', d]).stdout.trim()).toBe('web.requests');
    expect(kale(['metrics', 'db.*', '--data-dir', d]).stdout.trim()).toBe('');
    expect(JSON.parse(kale(['series', 'web.requests', '--data-dir', d, '--json']).stdout)).toEqual([
      [1_700_000_000, 1],
      [1_700_000_060, 2],
    ]);
    expect(
      JSON.parse(kale(['series', 'web.requests', '--data-dir', d, '--json', '--from', '1700000030']).stdout),
    ).toEqual([[1_700_000_060, 2]]);
    const missing = kale(['series', 'nope', '--data-dir', d]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such metric: nope');
    // Plainly: the data dir is read as of its last commit, which a running kale makes once a second.
    expect(missing.stderr).toMatch(
      /no such metric: nope in the data dir as of \d+ s ago \(a running kale commits once a second/,
    );
  });

  it('reloads the configuration on SIGHUP and keeps the old one when the new one is bad', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-hup-'));
    const cfg = path.join(d, 'kale.config.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        dataDir: d,
        horizon: { picklePort: 0, udpPort: 0, linePort: 0 },
        webapp: { port: 0 },
      }),
    );
    const k = await startKale(['start', '--config', cfg]);
    const waitFor = async (text: string) => {
      for (let i = 0; i < 100 && !k.stderr().includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      return k.stderr();
    };
    fs.writeFileSync(cfg, JSON.stringify({ dataDir: d, analyzer: { interval: 'soon' } }));
    k.child.kill('SIGHUP');
    expect(await waitFor('reload failed')).toContain('analyzer.interval');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        dataDir: d,
        horizon: { picklePort: 0, udpPort: 0, linePort: 0 },
        webapp: { port: 0 },
        analyzer: { interval: 30 },
      }),
    );
    k.child.kill('SIGHUP');
    expect(await waitFor('configuration reloaded')).toContain('configuration reloaded');
    expect(await k.stop()).toBe(0);
  });

  it('--seed fills the embedded store with a demo through its own listener', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-seed-'));
    // An interval of ten minutes: the seeded metrics are judged and imported at once all the same.
    const k = await startKale([
      'start',
      '--data-dir',
      d,
      '--pickle-port',
      '0',
      '--udp-port',
      'off',
      '--line-port',
      'off',
      '--webapp-port',
      'off',
      '--seed',
      '8',
      '--interval',
      '600',
    ]);
    // Anomalies, not only a cycle: the seed's injected spike is flagged without waiting for the interval.
    const judged = /cycle: \d+ metrics, [1-9]\d* analysed, [1-9]\d* anomalous/;
    const imported = /import pass done.*"metrics":[1-9]/;
    for (let i = 0; i < 600 && !(judged.test(k.stderr()) && imported.test(k.stderr())); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(k.stderr()).toMatch(/seeded 8 metrics: (\d+) of \1 points stored/);
    expect(k.stderr()).toMatch(judged);
    expect(k.stderr()).toMatch(imported);
    expect(await k.stop()).toBe(0);
    const names = JSON.parse(kale(['metrics', 'seed.*', '--data-dir', d, '--json']).stdout) as string[];
    expect(names).toHaveLength(8);
    const series = JSON.parse(kale(['series', names[0], '--data-dir', d, '--json']).stdout) as Array<
      [number, number]
    >;
    // A day of minutely history plus the live minutes.
    expect(series.length).toBeGreaterThanOrEqual(1400);
  }, 120_000);
});
