import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { readTorus } from '../../core/torus/read.js';
import { pointsOf, startTestHorizon, testConfig, waitFor } from './support.js';

describe('routing through the live path', () => {
  it('stores raw windows, torus schemas, transforms and aggregate rollups; a throwing transform only costs rollups', async () => {
    const store = EmbeddedStore.open();
    const config = testConfig({
      skip: ['/\\.debug$/'],
      schemas: [
        {
          name: 'status',
          type: 'count',
          match: '^(app|all)\\.',
          intervals: { minute: { step: 60, steps: 10 } },
        },
        {
          name: 'ms',
          type: 'series',
          match: '\\.latency$',
          intervals: { minute: { step: 60 } },
          transform: (v: number) => v * 1000,
        },
        {
          name: 'fragile',
          type: 'gauge',
          match: '^fragile',
          intervals: { minute: { step: 60 } },
          transform: () => {
            throw new Error('boom');
          },
        },
      ],
      aggregates: [
        ['app.<status>', 'app.*.status.<status>'],
        ['all.<status>', 'app.<status>'],
      ],
    });
    const h = await startTestHorizon(store, config);
    const now = Math.floor(Date.now() / 1000);
    const s = net.connect(h.endpoints.line as number, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.end(
      [
        `app.web1.status.500 1 ${now}`,
        `app.web2.status.500 2 ${now}`,
        `app.web2.status.200 5 ${now}`,
        `db.latency 0.25 ${now}`,
        `x.debug 1 ${now}`,
        `fragile.one 3 ${now}`,
      ].join('\n') + '\n',
    );
    await waitFor(
      () => pointsOf(store, 'fragile.one'),
      (p) => p.length === 1,
    );
    await h.writer.pump();
    const q = (stat: 'sum' | 'avg', name: string) =>
      readTorus(store, config.horizon.schemas, { stat, name, interval: 'minute', steps: 1, end: now });
    expect((await q('sum', 'app.500')).datapoints[0][0]).toBe(3);
    expect((await q('sum', 'all.500')).datapoints[0][0]).toBe(3);
    expect((await q('sum', 'all.200')).datapoints[0][0]).toBe(5);
    expect((await q('sum', 'app.web1.status.500')).datapoints[0][0]).toBe(1);
    expect((await q('avg', 'db.latency')).datapoints[0][0]).toBe(250);
    expect(await pointsOf(store, 'db.latency')).toEqual([[now, 0.25]]);
    // Rollups are torus-only; skipped names are stored nowhere.
    expect(await pointsOf(store, 'app.500')).toEqual([]);
    expect(await pointsOf(store, 'x.debug')).toEqual([]);
    expect(h.counters.skipped).toBe(1);
    expect(await pointsOf(store, 'fragile.one')).toEqual([[now, 3]]);
    await h.stop();
    await store.close();
  });
});
