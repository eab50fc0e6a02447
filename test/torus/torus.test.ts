import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../core/config/load.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { Store } from '../../core/store/store.js';
import { compileAggregates, expandAggregates } from '../../core/torus/aggregates.js';
import {
  bucketId,
  bucketStart,
  nextBucket,
  parseStep,
  retentionStart,
  parseInterval,
} from '../../core/torus/intervals.js';
import { readTorus, TorusReadError } from '../../core/torus/read.js';
import { compileSchemas, planTorusWrites, schemaForRead } from '../../core/torus/schemas.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

const T = Date.UTC(2026, 10, 22, 13, 45, 10) / 1000; // Sunday 2026-11-22 13:45:10 UTC, ISO week 47

describe('intervals', () => {
  it('parses fixed and calendar steps', () => {
    expect(parseStep(60)).toEqual({ seconds: 60 });
    expect(parseStep('1h')).toEqual({ seconds: 3600 });
    expect(parseStep('1d').seconds).toBe(86400);
    expect(parseStep('1w').seconds).toBe(604800);
    expect(parseStep('monthly').calendar).toBe('monthly');
    expect(() => parseStep('fortnightly')).toThrow(/bad step/);
    expect(() => parseInterval('x', { step: 60, resolution: 3600 })).toThrow(/coarser/);
  });

  it('computes bucket ids and starts, in UTC', () => {
    expect(bucketId(parseStep(3600), T)).toBe(Math.floor(T / 3600));
    expect(bucketId(parseStep('daily'), T)).toBe(20261122);
    expect(bucketId(parseStep('weekly'), T)).toBe(202647);
    expect(bucketId(parseStep('monthly'), T)).toBe(202611);
    expect(bucketId(parseStep('yearly'), T)).toBe(2026);
    expect(bucketStart(parseStep('daily'), 20261122)).toBe(Date.UTC(2026, 10, 22) / 1000);
    expect(bucketStart(parseStep('weekly'), 202647)).toBe(Date.UTC(2026, 10, 16) / 1000); // Monday
    expect(bucketStart(parseStep('monthly'), 202611)).toBe(Date.UTC(2026, 10, 1) / 1000);
    expect(nextBucket(parseStep('monthly'), 202612)).toBe(202701);
    expect(nextBucket(parseStep('weekly'), 202653)).toBe(202701);
    expect(nextBucket(parseStep('daily'), 20261231)).toBe(20270101);
    // ISO week-year: 2027-01-01 is a Friday, so it belongs to week 53 of 2026.
    expect(bucketId(parseStep('weekly'), Date.UTC(2027, 0, 1) / 1000)).toBe(202653);
  });

  it('retention keeps `steps` buckets including the current one', () => {
    expect(retentionStart(parseInterval('m', { step: 60, steps: 3 }), T)).toBe((Math.floor(T / 60) - 2) * 60);
    expect(retentionStart(parseInterval('d', { step: 'daily', steps: 2 }), T)).toBe(
      Date.UTC(2026, 10, 21) / 1000,
    );
    expect(retentionStart(parseInterval('f', { step: 60 }), T)).toBe(-Infinity);
  });
});

describe('schemas and aggregates', () => {
  const config = validateConfig({
    horizon: {
      schemas: [
        {
          name: 'requests',
          type: 'count',
          match: ['^app\\.', /\.requests$/],
          intervals: { minute: { step: 60, steps: 60 }, day: { step: 'daily' } },
        },
        {
          name: 'latency',
          type: 'series',
          match: 'latency',
          prefix: 'lat:',
          intervals: { hour: { step: '1h', steps: 24, resolution: 60 } },
        },
        { name: 'everything', type: 'gauge', match: '.', intervals: { minute: { step: 60 } } },
      ],
      aggregates: [
        ['app.<status>', 'app.*.status.<status>'],
        ['all.<status>', 'app.<status>'],
        ['loop.<a>', 'loop.<a>'],
      ],
    },
  });
  const schemas = compileSchemas(config.horizon.schemas);

  it('stores a point in every matching schema, and reads from the first that has the interval', () => {
    const { writes, expired } = planTorusWrites(schemas, 'app.latency', T, 5, T);
    expect(expired).toBe(0);
    expect(writes.map((w) => `${w.type} ${w.key}`)).toEqual([
      `count app.latency:minute:${Math.floor(T / 60)}`,
      'count app.latency:day:20261122',
      `series lat:app.latency:hour:${Math.floor(T / 3600)}:${Math.floor(T / 60)}`,
      `gauge app.latency:minute:${Math.floor(T / 60)}`,
    ]);
    expect(writes[2].index).toEqual({
      key: `lat:app.latency:hour:${Math.floor(T / 3600)}`,
      member: String(Math.floor(T / 60)),
    });
    expect(schemaForRead(schemas, 'app.latency', 'minute')?.name).toBe('requests');
    expect(schemaForRead(schemas, 'db.latency', 'minute')?.name).toBe('everything');
    expect(schemaForRead(schemas, 'db.latency', 'day')).toBeUndefined();
  });

  it('drops writes older than an interval retention and counts them', () => {
    const { writes, expired } = planTorusWrites(schemas, 'x.requests', T - 7200, 1, T);
    expect(expired).toBe(1); // minute (60 steps) drops it; day and the gauge keep it
    expect(writes.map((w) => w.key.split(':')[1])).toEqual(['day', 'minute']);
  });

  it('expands aggregates with * and <capture>, recursively, without looping', () => {
    const rules = compileAggregates(config.horizon.aggregates);
    expect(expandAggregates(rules, 'app.web1.status.500').map((r) => r.name)).toEqual(['app.500', 'all.500']);
    expect(expandAggregates(rules, 'app.web1.db.status.500')).toEqual([]);
    expect(expandAggregates(rules, 'loop.x')).toEqual([]);
    expect(() => compileAggregates([['a.<nope>', 'b.<x>']])).toThrow(/does not capture/);
  });
});

function readSuite(open: () => Promise<Store>) {
  const config = validateConfig({
    horizon: {
      schemas: [
        {
          name: 's',
          type: 'series',
          match: '^s\\.',
          intervals: { min: { step: 60, steps: 10 }, hr: { step: 3600, resolution: 60 } },
        },
        { name: 'c', type: 'count', match: '^c\\.', intervals: { min: { step: 60 } } },
        { name: 'h', type: 'histogram', match: '^h\\.', intervals: { min: { step: 60 } } },
        { name: 'g', type: 'gauge', match: '^g\\.', intervals: { day: { step: 'daily' } } },
        { name: 'set', type: 'set', match: '^u\\.', intervals: { min: { step: 60 } } },
      ],
    },
  });
  const schemas = compileSchemas(config.horizon.schemas);
  // The next hour: buckets expire by the wall clock, so a fixed date would age out of retention.
  const base = Math.ceil(Date.now() / 1000 / 3600) * 3600;

  it('reads every stat of every type back from what was written', async () => {
    const store = await open();
    const points: Array<[string, number, number]> = [
      ['s.x', base + 1, 1],
      ['s.x', base + 2, 3],
      ['s.x', base + 61, 10],
      ['c.x', base + 1, 2],
      ['c.x', base + 5, 3],
      ['h.x', base + 1, 5],
      ['h.x', base + 2, 5],
      ['h.x', base + 3, 7],
      ['g.x', base + 1, 4],
      ['g.x', base + 100, 9],
      ['u.x', base + 1, 1],
      ['u.x', base + 2, 1],
      ['u.x', base + 3, 2],
    ];
    for (const [n, t, v] of points)
      await store.torusWrite(planTorusWrites(schemas, n, t, v, base + 120).writes);
    const q = (stat: string, name: string, interval: string, extra = {}) =>
      readTorus(store, config.horizon.schemas, {
        stat: stat as never,
        name,
        interval,
        start: base,
        end: base + 60,
        ...extra,
      });
    expect((await q('avg', 's.x', 'min')).datapoints).toEqual([
      [2, base],
      [10, base + 60],
    ]);
    expect((await q('max', 's.x', 'min')).datapoints[0][0]).toBe(3);
    expect((await q('min', 's.x', 'min')).datapoints[0][0]).toBe(1);
    expect((await q('count', 's.x', 'min')).datapoints[0][0]).toBe(2);
    expect((await q('last', 's.x', 'min')).datapoints[0][0]).toBe(3);
    expect((await q('rate', 's.x', 'min')).datapoints[0][0]).toBeCloseTo(4 / 60);
    expect((await q('sum', 'c.x', 'min')).datapoints).toEqual([
      [5, base],
      [null, base + 60],
    ]);
    expect((await q('mean', 'h.x', 'min')).datapoints[0][0]).toBeCloseTo(17 / 3);
    expect((await q('count', 'h.x', 'min')).datapoints[0][0]).toBe(3);
    expect((await q('last', 'g.x', 'day', { start: base, end: base })).datapoints).toEqual([
      [9, Math.floor(base / 86400) * 86400],
    ]);
    expect((await q('count', 'u.x', 'min')).datapoints[0][0]).toBe(2);
    // Resolution: one datapoint per sub-bucket, or condensed per bucket.
    expect((await q('sum', 's.x', 'hr', { start: base, end: base })).datapoints).toEqual([
      [4, base],
      [10, base + 60],
    ]);
    expect((await q('sum', 's.x', 'hr', { start: base, end: base, condense: true })).datapoints).toEqual([
      [14, base],
    ]);
    // steps + end: the last N buckets.
    expect(
      (
        await readTorus(store, schemas, {
          stat: 'sum',
          name: 's.x',
          interval: 'min',
          steps: 3,
          end: base + 60,
        })
      ).datapoints.map((d) => d[1]),
    ).toEqual([base - 60, base, base + 60]);
    await expect(readTorus(store, schemas, { stat: 'avg', name: 'nope', interval: 'min' })).rejects.toThrow(
      TorusReadError,
    );
    await expect(
      readTorus(store, schemas, { stat: 'median' as never, name: 's.x', interval: 'min' }),
    ).rejects.toThrow(/unknown stat/);
    await expect(
      readTorus(store, schemas, { stat: 'avg', name: 's.x', interval: 'min', start: 0, end: T }),
    ).rejects.toThrow(/more than/);
    await store.close();
  });

  it('applies writeFn as values are stored and readFn as they are read back', async () => {
    const store = await open();
    const fns = compileSchemas(
      validateConfig({
        horizon: {
          schemas: [
            // Latencies in ms, stored in 10 ms classes, read back in seconds.
            {
              name: 'lat',
              type: 'histogram',
              match: '^lat\\.',
              intervals: { min: { step: 60 } },
              writeFn: (v: number | string) => Math.round(Number(v) / 10) * 10,
              readFn: (v: number | string) => Number(v) / 1000,
            },
            {
              name: 'raw',
              type: 'series',
              match: '^lat\\.',
              prefix: 'raw:',
              intervals: { min: { step: 60 } },
            },
          ],
        },
      }).horizon.schemas,
    );
    for (const [t, v] of [
      [1, 12],
      [2, 14],
      [3, 27],
    ])
      await store.torusWrite(planTorusWrites(fns, 'lat.api', base + t, v, base + 30).writes);
    expect(await store.torusRead('histogram', [`lat.api:min:${base / 60}`])).toEqual([
      {
        type: 'histogram',
        counts: new Map([
          ['10', 2],
          ['30', 1],
        ]),
      },
    ]);
    const read = (stat: string, name = 'lat.api') =>
      readTorus(store, fns, { stat: stat as never, name, interval: 'min', start: base, end: base });
    expect((await read('max')).datapoints[0][0]).toBe(0.03);
    expect((await read('mean')).datapoints[0][0]).toBeCloseTo(0.05 / 3);
    expect((await read('count')).datapoints[0][0]).toBe(3);
    await store.close();
  });

  it("keeps a rolling schema's bucket for its retention after each write, a fixed one from its start", async () => {
    const store = await open();
    const two = { min: { step: 60, steps: 2 } };
    const fns = compileSchemas(
      validateConfig({
        horizon: {
          schemas: [
            { name: 'fixed', type: 'count', match: '.', prefix: 'f:', intervals: two },
            { name: 'rolling', type: 'count', match: '.', prefix: 'r:', intervals: two, rolling: true },
          ],
        },
      }).horizon.schemas,
    );
    // A point in the previous minute: the fixed bucket expires 3 steps after that minute began, the
    // rolling one 2 steps after the write.
    const now = Math.floor(Date.now() / 1000);
    const start = (Math.floor(now / 60) - 1) * 60;
    const writes = planTorusWrites(fns, 'x', start + 1, 1, now).writes;
    expect(writes.map((w) => [w.key.slice(0, 2), w.expireAt, w.rolling ?? false])).toEqual([
      ['f:', start + 180, false],
      ['r:', now + 120, true],
    ]);
    // Each write of a rolling bucket sets its expiry (here a later write that leaves it 2 s);
    // a fixed bucket keeps the expiry it got when it was created.
    await store.torusWrite(writes);
    await store.torusWrite(writes.map((w) => ({ ...w, expireAt: now + 2 })));
    await new Promise((r) => setTimeout(r, (now + 3.1) * 1000 - Date.now()));
    expect(await store.torusRead('count', [`r:x:min:${start / 60}`, `f:x:min:${start / 60}`])).toEqual([
      null,
      { type: 'count', total: 2 },
    ]);
    await store.close();
  });
}

describe('readTorus on the embedded store', () => readSuite(async () => EmbeddedStore.open()));
describe.runIf(redisUrl)('readTorus on Redis', () =>
  readSuite(async () => RedisStore.connect(await freshRedisDb())),
);
