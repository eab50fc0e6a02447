import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { kale } from '../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

/** A fresh database and a config holding the two schemas, `old` (storing web.*) and `new` (storing nothing yet). */
async function fixture(old: object, next: object) {
  const url = await freshRedisDb();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-migrate-'));
  const config = path.join(dir, 'kale.config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      horizon: {
        schemas: [
          { name: 'old', prefix: 'old.', match: '^web\\.', ...old },
          { name: 'new', prefix: 'new.', match: '^not-yet$', ...next },
        ],
      },
    }),
  );
  return { url, dir, config };
}

describe.runIf(redisUrl)('kale migrate', () => {
  it('copies a series schema into a count schema with a coarser step, filtered by name and time', async () => {
    const { url, dir, config } = await fixture(
      { type: 'series', intervals: { minute: { step: 60 } } },
      { type: 'count', intervals: { minute: { step: 300, steps: 1000 } } },
    );
    const t0 = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
    const rows = Array.from({ length: 10 }, (_, i) => `${t0 + 60 * i},${i + 1}`).join('\n');
    fs.writeFileSync(path.join(dir, 'web.a.csv'), rows);
    fs.writeFileSync(path.join(dir, 'web.b.csv'), rows);
    fs.writeFileSync(path.join(dir, 'db.c.csv'), rows);
    expect(
      kale([
        'import',
        ...['web.a', 'web.b', 'db.c'].map((n) => path.join(dir, `${n}.csv`)),
        '--redis',
        url,
        '--config',
        config,
      ]).status,
    ).toBe(0);

    const base = [
      'migrate',
      '--redis',
      url,
      '--config',
      config,
      '--source',
      'old',
      '--destination',
      'new',
      '--interval',
      'minute',
      '--json',
    ];
    const dry = kale([...base, '--dry-run', '--match', '\\.a$']);
    expect(dry.status).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dry_run: true,
      metrics: 1,
      buckets: 10,
      values: 10,
      writes: 10,
    });

    const real = kale([
      ...base,
      '--stat',
      'web.a',
      'web.b',
      '--start',
      String(t0 + 60),
      '--end',
      String(t0 + 540),
      '--concurrency',
      '3',
    ]);
    expect(real.status).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({
      dry_run: false,
      metrics: 2,
      buckets: 18,
      values: 18,
      writes: 18,
      expired: 0,
      alreadyCopied: 0,
    });
    // Again, wider: only the two buckets the first run left out are copied.
    const again = kale([...base, '--stat', 'web.a', 'web.b']);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      buckets: 20,
      values: 2,
      writes: 2,
      alreadyCopied: 18,
      open: 0,
    });

    const store = RedisStore.connect(url);
    try {
      const first = Math.floor(t0 / 300);
      const got = await store.torusRead('count', [
        `new.web.a:minute:${first}`,
        `new.web.a:minute:${first + 1}`,
        `new.web.b:minute:${first + 1}`,
      ]);
      // Minutes 0-4 (values 1..5) and 5-9 (values 6..10), each copied once over both runs.
      expect(got.map((g) => (g?.type === 'count' ? g.total : null))).toEqual([15, 40, 40]);
      expect(await store.torusKeys('new.db.*')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('leaves a bucket that is still open for a later run', async () => {
    const day = { type: 'count', intervals: { day: { step: 86400 } } };
    const { url, dir, config } = await fixture(day, day);
    const now = Math.floor(Date.now() / 1000);
    fs.writeFileSync(path.join(dir, 'web.a.csv'), `${now - 86400},5\n${now - 60},7\n`);
    expect(kale(['import', path.join(dir, 'web.a.csv'), '--redis', url, '--config', config]).status).toBe(0);
    const r = kale([
      'migrate',
      '--redis',
      url,
      '--config',
      config,
      '--source',
      'old',
      '--destination',
      'new',
      '--interval',
      'day',
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ buckets: 2, values: 1, writes: 1, open: 1 });
  });

  it('names the schema or interval that does not exist (exit 2)', () => {
    const r = kale(['migrate', '--source', 'a', '--destination', 'b', '--interval', 'minute']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--source: no torus schema named "a"');
  });
});
