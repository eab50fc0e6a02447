import { describe, expect, it } from 'vitest';
import { analyzeSeries } from '../../analyzer/analyze.js';
import { getPreset } from '../../analyzer/presets.js';
import { rulesFromConfig } from '../../analyzer/rules.js';
import {
  historyContext,
  historySource,
  SeasonalHistoryReader,
  seasonalPeriods,
} from '../../analyzer/seasonalHistory.js';
import { validateConfig } from '../../core/config/load.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import type { TorusType } from '../../core/store/store.js';
import { compileSchemas, planTorusWrites } from '../../core/torus/schemas.js';

describe('seasonal history source', () => {
  const schemas = compileSchemas([
    { name: 'counts', type: 'count', match: '^app\\.', intervals: { hour: { step: '1h', steps: 24 * 30 } } },
    {
      name: 'short',
      type: 'series',
      match: '^app\\.short',
      intervals: { minute: { step: 60, steps: 1440 } },
    },
    {
      name: 'values',
      type: 'series',
      match: '^app\\.',
      intervals: {
        minute: { step: 60, steps: 50000 },
        tenMin: { step: 600, steps: 2000 },
        hour: { step: '1h', steps: 24 * 14 },
        day: { step: 'daily' },
      },
    },
  ]);
  const eightDays = 8 * 86400;

  it('takes the first value schema keeping eight days, at its coarsest interval of at most an hour', () => {
    // `counts` holds per-bucket totals, not values on the metric's scale; `short` keeps one day.
    const s = historySource(schemas, 'app.short.latency', eightDays);
    expect([s?.schema.name, s?.interval.name]).toEqual(['values', 'hour']);
    expect(historySource(schemas, 'db.latency', eightDays)).toBeNull();
    expect(historySource(schemas, 'app.latency', 30 * 86400)?.interval.name).toBe('minute');
  });

  it('asks only for the periods of the seasonal detectors in the line-up', () => {
    expect(seasonalPeriods(getPreset('consensus'))).toEqual([86400, 7 * 86400]);
    expect(seasonalPeriods(getPreset('etsy'))).toEqual([]);
  });

  it('unpacks one metric of a chunk, none for a metric without history', () => {
    const history = {
      timestamps: Float64Array.of(10, 20, 30),
      values: Float64Array.of(1, 2, 3),
      steps: Float64Array.of(10, 0, 60),
      offsets: Int32Array.of(0, 2, 2, 0, 2, 1),
    };
    expect(Array.from(historyContext(history, 0)!['history.values']!)).toEqual([1, 2]);
    expect(historyContext(history, 1)).toBeUndefined();
    expect(Array.from(historyContext(history, 2)!['history.step']!)).toEqual([60]);
    expect(historyContext(undefined, 0)).toBeUndefined();
  });
});

describe('seasonal gate in the consensus preset', () => {
  const rules = rulesFromConfig(validateConfig({}));
  const preset = getPreset('consensus');
  // A quiet hourly series whose last value jumps; the history says it jumped at this hour before.
  const n = 25;
  const timestamps = Float64Array.from({ length: n }, (_, i) => 1_700_000_000 + i * 3600);
  const values = Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? 500 : 100 + (i % 3)));
  const historyAt = (last: number) => {
    const ts = Float64Array.from({ length: 8 * 24 }, (_, i) => timestamps[n - 1] - 8 * 86400 + i * 3600);
    return {
      'history.timestamps': ts,
      'history.values': Float64Array.from(ts, (t, i) =>
        (timestamps[n - 1] - t) % 86400 === 0 ? last : 100 + (i % 3),
      ),
      'history.step': Float64Array.of(3600),
    };
  };

  it('flags a jump the history has not seen, and lets one it saw every day at this hour pass', () => {
    const opts = { preset, rules, now: timestamps[n - 1] };
    expect(analyzeSeries(timestamps, values, opts).verdict).toBe('anomalous');
    expect(analyzeSeries(timestamps, values, { ...opts, context: historyAt(100) }).verdict).toBe('anomalous');
    const expected = analyzeSeries(timestamps, values, { ...opts, context: historyAt(500) });
    expect(expected.votes).toMatchObject({ seasonal_daily: false, seasonal_weekly: false });
    expect(expected.verdict).toBe('normal');
  });

  it('lazily (the live cycle) skips the seasonal detectors without consensus, with the same verdicts', () => {
    const opts = { preset, rules, now: timestamps[n - 1] };
    const quiet = Float64Array.from(values, (v, i) => (i === n - 1 ? 101 : v));
    for (const series of [values, quiet]) {
      for (const context of [undefined, historyAt(100), historyAt(500)]) {
        const full = analyzeSeries(timestamps, series, { ...opts, context });
        const lazy = analyzeSeries(timestamps, series, { ...opts, context, lazy: true });
        expect(lazy.verdict).toBe(full.verdict);
        expect(Object.keys(lazy.votes!)).toEqual(Object.keys(full.votes!));
        if (full.verdict === 'anomalous') expect(lazy).toEqual(full);
      }
    }
    const skipped = analyzeSeries(timestamps, quiet, { ...opts, context: historyAt(500), lazy: true });
    expect(skipped.votes).toMatchObject({ seasonal_daily: null, seasonal_weekly: null });
    expect(
      analyzeSeries(timestamps, quiet, { ...opts, context: historyAt(500) }).votes!.seasonal_daily,
    ).not.toBeNull();
  });
});

describe('seasonal history reader', () => {
  const config = [
    {
      name: 'v',
      type: 'series' as const,
      match: '^svc\\.',
      intervals: { hour: { step: '1h', steps: 24 * 14 } },
    },
  ];
  // Near the wall clock: the embedded store expires buckets past their retention by it.
  const wall = Math.floor(Date.now() / 1000);
  const hourStart = wall - (wall % 3600);

  async function storeWith(names: string[], now: number): Promise<EmbeddedStore> {
    const store = EmbeddedStore.open();
    const compiled = compileSchemas(config);
    for (const name of names) {
      for (let t = now - 9 * 86400; t <= now; t += 3600) {
        await store.torusWrite(
          planTorusWrites(compiled, name, t, Math.floor((t % 86400) / 3600), now).writes,
        );
      }
    }
    return store;
  }

  it('reads at most its budget of buckets a cycle; metrics past it get history in a later cycle', async () => {
    const now = hourStart + 120;
    const store = await storeWith(['svc.a', 'svc.b'], now);
    const reader = new SeasonalHistoryReader(store, config, getPreset('consensus'), 86400, 60);
    const first = (await reader.read(['svc.a', 'svc.b'], now))!;
    expect(historyContext(first, 0)!['history.values']).toHaveLength(50);
    expect(historyContext(first, 1)).toBeUndefined();
    // Same cycle: the budget is spent.
    expect(await reader.read(['svc.b'], now)).toBeUndefined();
    reader.startCycle();
    const second = (await reader.read(['svc.a', 'svc.b'], now + 60))!;
    expect(historyContext(second, 0)!['history.values']).toHaveLength(50);
    expect(historyContext(second, 1)!['history.values']).toHaveLength(50);
    await store.close();
  });

  it('reads the buckets one period before the window once, then only those that came into range', async () => {
    const now = hourStart + 120;
    // Hourly points for nine days; each bucket's mean is its hour of day.
    const store = await storeWith(['svc.a'], now);
    const keysRead: string[] = [];
    const counting = Object.assign(Object.create(store), {
      torusRead: (type: TorusType, keys: ReadonlyArray<string>) => {
        keysRead.push(...keys);
        return store.torusRead(type, keys);
      },
    });
    const reader = new SeasonalHistoryReader(counting, config, getPreset('consensus'), 86400, 25_000);
    const first = (await reader.read(['svc.a', 'db.b'], now))!;
    // One day's buckets (25, both ends included) for each of the two periods; nothing for db.b.
    expect(keysRead).toHaveLength(50);
    const ctx = historyContext(first, 0)!;
    expect(ctx['history.timestamps']![0]).toBe(Math.floor((now - 8 * 86400) / 3600) * 3600);
    expect(Array.from(ctx['history.timestamps']!).every((t, i, a) => i === 0 || t > a[i - 1])).toBe(true);
    expect(Array.from(ctx['history.values']!).slice(0, 3)).toEqual([
      ...[0, 1, 2].map((k) => (Math.floor((now % 86400) / 3600) + k) % 24),
    ]);
    expect(historyContext(first, 1)).toBeUndefined();
    keysRead.length = 0;
    await reader.read(['svc.a'], now + 60);
    expect(keysRead).toHaveLength(0);
    const later = (await reader.read(['svc.a'], now + 3600))!;
    expect(keysRead).toHaveLength(2);
    expect(historyContext(later, 0)!['history.values']).toHaveLength(50);
    await store.close();
  });
});
