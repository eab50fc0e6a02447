import { describe, expect, it } from 'vitest';
import {
  AGGREGATES,
  consolidateTo,
  resample,
  type Aggregate,
  type GSeries,
} from '../../webapp/server/routes/graphite/series.js';
import { SeriesJsonWriter } from '../../webapp/server/routes/graphite/seriesJsonWriter.js';

// The series model's hot paths (every series of a render passes through them) against their
// definitions written out plainly here: graphite-web's aggregates over the values a slot covers,
// and its JSON with null for gaps.

const series = (start: number, step: number, values: number[]): GSeries => ({
  name: 'a.b',
  pathExpression: 'a.b',
  tags: { name: 'a.b' },
  start,
  step,
  values: Float64Array.from(values),
  metrics: ['a.b'],
  consolidate: 'average',
});

/** What each aggregate means, over the non-null values of one slot (null when there are none). */
function byDefinition(xs: number[], how: Aggregate): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  switch (how) {
    case 'average':
    case 'avg':
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'sum':
    case 'total':
      return xs.reduce((a, b) => a + b, 0);
    case 'min':
      return sorted[0];
    case 'max':
      return sorted.at(-1)!;
    case 'first':
      return xs[0];
    case 'last':
      return xs.at(-1)!;
    case 'count':
      return xs.length;
    case 'median': {
      const m = sorted.length >> 1;
      return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
  }
}

describe('Graphite series', () => {
  // 60 one-minute values with gaps, some negative, onto 7-minute slots starting 3 minutes early.
  const values = Array.from({ length: 60 }, (_, i) =>
    i % 11 === 3 || (i >= 20 && i < 30) ? NaN : Math.sin(i) * 100,
  );
  const s = series(6000, 60, values);
  const start = 6000 - 180;
  const step = 420;
  const length = 10;

  it.each(AGGREGATES)(
    'resamples by %s as the aggregate is defined, null where a slot has no value',
    (how) => {
      const expected = Array.from({ length }, (_, j) =>
        byDefinition(
          values.filter((v, i) => !Number.isNaN(v) && Math.floor((6000 + i * 60 - start) / step) === j),
          how,
        ),
      );
      expect(Array.from(resample(s, start, step, length, how))).toEqual(expected);
    },
  );

  it('consolidates to maxDataPoints by the series own aggregate', () => {
    const c = consolidateTo({ ...s, consolidate: 'max' }, 20);
    // Bands 3 steps wide, aligned to multiples of their width: the first starts at 6120 (index 2).
    expect([c.start, c.step, c.values.length]).toEqual([6120, 180, 20]);
    expect(c.values[1]).toBe(byDefinition(values.slice(5, 8), 'max'));
  });

  it("writes graphite-web's JSON: every value's shortest digits, null for NaN and infinities, its own timestamps", () => {
    const odd = [0.1 + 0.2, -0, 1e21, 5e-324, Number.POSITIVE_INFINITY, Number.NaN, -1.5, 42];
    const writer = new SeriesJsonWriter();
    const seriesJson = (x: GSeries) =>
      Buffer.concat(writer.body([x]))
        .toString()
        .slice(1, -1);
    const parsed = (x: GSeries) => JSON.parse(seriesJson(x));
    expect(seriesJson(series(100, 10, odd))).toBe(
      '{"target":"a.b","tags":{"name":"a.b"},"datapoints":[[0.30000000000000004,100],[0,110],[1e+21,120],[5e-324,130],[null,140],[null,150],[-1.5,160],[42,170]]}',
    );
    // Series on other grids, one after another, keep their own timestamps.
    expect(parsed(series(40, 20, [1, 2])).datapoints).toEqual([
      [1, 40],
      [2, 60],
    ]);
    expect(parsed(series(100, 10, [3])).datapoints).toEqual([[3, 100]]);
    expect(parsed(series(100, 10, [])).datapoints).toEqual([]);
  });
});
