import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { kale } from '../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kale-import-'));
const now = Math.floor(Date.now() / 60_000) * 60;

function writeFiles(dir: string) {
  const csv = path.join(dir, 'web.requests.csv');
  fs.writeFileSync(csv, `timestamp,value\n${now - 120},1\n${now - 60},oops\n${now},3\n`);
  const graphite = path.join(dir, 'render.json');
  fs.writeFileSync(
    graphite,
    JSON.stringify(
      [
        {
          target: 'web.errors',
          datapoints: [
            [5, now - 60],
            [null, now],
            [6, now],
          ],
        },
      ],
      null,
      1,
    ),
  );
  const skyline = path.join(dir, 'old.json');
  fs.writeFileSync(skyline, `{"results": [[${now - 30 * 86400}, 7],\n[${now}, 8]]}`);
  return { csv, graphite, skyline };
}

describe('kale import', () => {
  it('backfills the embedded store, lists bad rows with file:line and prints a summary', () => {
    const dir = tmp();
    const f = writeFiles(dir);
    const r = kale(['import', f.csv, f.graphite, f.skyline, '--data-dir', path.join(dir, 'data'), '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${f.csv}:3: bad value "oops"`);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      files: 3,
      metrics: 3,
      points: 6,
      windowPoints: 5,
      olderThanWindow: 1,
      badRows: 1,
      emptyValues: 1,
      torus: 'no torus schemas configured',
    });
    expect(r.stderr).toContain(
      '1 points older than FULL_DURATION were not stored (no torus schema); --shift-to-now imports them as recent',
    );
    const series = JSON.parse(
      kale(['series', 'web.requests', '--data-dir', path.join(dir, 'data'), '--json']).stdout,
    );
    expect(series).toEqual([
      [now - 120, 1],
      [now, 3],
    ]);
  });

  it('--shift-to-now replays an old export as recent data, spacing kept', () => {
    const dir = tmp();
    const file = path.join(dir, 'old.csv');
    fs.writeFileSync(file, '1500000000,1\n1500000060,2\n');
    const r = kale(['import', file, '--shift-to-now', '--data-dir', dir, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ points: 2, windowPoints: 2 });
    const [[t0], [t1]] = JSON.parse(kale(['series', 'old', '--data-dir', dir, '--json']).stdout);
    expect(t1 - t0).toBe(60);
    expect(Math.abs(Date.now() / 1000 - t1)).toBeLessThan(60);
  });

  it('exits 2 for a missing file and 1 when a file yields nothing', () => {
    const dir = tmp();
    expect(kale(['import', path.join(dir, 'nope.csv'), '--data-dir', dir]).status).toBe(2);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"results": [}');
    const r = kale(['import', path.join(dir, 'bad.json'), '--data-dir', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.json:1: invalid JSON/);
  });

  it.runIf(redisUrl)(
    'writes the raw window and every matching torus schema and aggregate in Redis',
    async () => {
      const url = await freshRedisDb();
      const dir = tmp();
      const f = writeFiles(dir);
      const config = path.join(dir, 'kale.config.json');
      fs.writeFileSync(
        config,
        JSON.stringify({
          horizon: {
            schemas: [
              {
                name: 'web',
                type: 'count',
                match: '^web\\.',
                intervals: { minute: { step: 60, steps: 60 }, day: { step: 'daily' } },
              },
            ],
            aggregates: [['web.all', 'web.*']],
          },
        }),
      );
      const r = kale(['import', f.csv, f.graphite, '--redis', url, '--config', config, '--json']);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ points: 4, windowPoints: 4, torusWrites: 16 });
      const store = RedisStore.connect(url);
      try {
        expect((await store.listMetrics()).sort()).toEqual(['web.errors', 'web.requests']);
        const minute = (name: string, ts: number) => `${name}:minute:${Math.floor(ts / 60)}`;
        const totals = await store.torusRead('count', [
          minute('web.requests', now),
          minute('web.all', now),
          minute('web.all', now - 60),
        ]);
        expect(totals.map((t) => (t?.type === 'count' ? t.total : null))).toEqual([3, 9, 5]);
      } finally {
        await store.close();
      }
    },
  );
});
