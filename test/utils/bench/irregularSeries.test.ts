import { describe, expect, it } from 'vitest';
import { irregularSeries, parseIrregularities } from '../../../utils/bench/irregularSeries.js';
import type { LabelledSeries } from '../../../utils/bench/labelledCsv.js';

/** Ten days at 5 minutes, rows 1000..1009 labelled. */
function series(file = 'web__a.csv'): LabelledSeries {
  const n = 2880;
  return {
    file,
    domain: 'web',
    timestamps: Float64Array.from({ length: n }, (_, i) => 1_700_000_000 + 300 * i),
    values: Float64Array.from({ length: n }, (_, i) => i),
    labels: Uint8Array.from({ length: n }, (_, i) => (i >= 1000 && i < 1010 ? 1 : 0)),
  };
}

const labelledValues = (s: LabelledSeries) => Array.from(s.values).filter((_, i) => s.labels[i] === 1);

describe('irregular series for bench detection', () => {
  it('jitters every timestamp within ±10 % of the step, keeping order and every row', () => {
    const s = irregularSeries(series(), parseIrregularities('jitter', '--irregular'));
    expect(s.timestamps).toHaveLength(2880);
    const moved = Array.from(s.timestamps, (t, i) => t - (1_700_000_000 + 300 * i));
    expect(Math.max(...moved.map(Math.abs))).toBeLessThanOrEqual(30);
    expect(moved.filter((d) => d !== 0).length).toBeGreaterThan(2500);
    for (let i = 1; i < s.timestamps.length; i++)
      expect(s.timestamps[i]).toBeGreaterThan(s.timestamps[i - 1]);
  });

  it('moves a point of uneven sampling by at most a tenth of the smaller gap beside it, so none cross', () => {
    // Pairs 10 s apart every 300 s: a tenth of the mean step (155 s) would swap every pair.
    const even = series();
    const timestamps = Float64Array.from(even.timestamps, (t, i) => t - (i % 2 ? 290 : 0));
    const s = irregularSeries({ ...even, timestamps }, parseIrregularities('jitter', '--irregular'));
    for (let i = 0; i < s.timestamps.length; i++)
      expect(Math.abs(s.timestamps[i] - timestamps[i])).toBeLessThanOrEqual(1);
    for (let i = 1; i < s.timestamps.length; i++)
      expect(s.timestamps[i]).toBeGreaterThan(s.timestamps[i - 1]);
  });

  it('drops about 15 % of the unlabelled rows, and an outage of six hours, never a labelled row', () => {
    const dropped = irregularSeries(series(), parseIrregularities('drop', '--irregular'));
    expect(dropped.timestamps.length).toBeGreaterThan(2880 * 0.8);
    expect(dropped.timestamps.length).toBeLessThan(2880 * 0.9);
    expect(labelledValues(dropped)).toEqual(labelledValues(series()));
    const outage = irregularSeries(series(), parseIrregularities('outage', '--irregular'));
    expect(outage.timestamps).toHaveLength(2880 - 72);
    const gaps = Array.from(outage.timestamps.subarray(1), (t, i) => t - outage.timestamps[i]);
    expect(gaps.filter((g) => g > 300)).toEqual([73 * 300]);
  });

  it('stretches or shrinks every step by up to half its length, keeping every row in order', () => {
    const s = irregularSeries(series(), parseIrregularities('wander', '--irregular'));
    expect(s.values).toEqual(series().values);
    const steps = Array.from(s.timestamps.subarray(1), (t, i) => t - s.timestamps[i]);
    expect(Math.min(...steps)).toBeGreaterThanOrEqual(150);
    expect(Math.max(...steps)).toBeLessThanOrEqual(450);
    expect(steps.filter((d) => d < 270).length).toBeGreaterThan(2880 * 0.3);
    expect(steps.filter((d) => d > 330).length).toBeGreaterThan(2880 * 0.3);
  });

  it('is the same for the same file name and differs between names', () => {
    const kinds = parseIrregularities('jitter,drop,outage', '--irregular');
    expect(irregularSeries(series(), kinds)).toEqual(irregularSeries(series(), kinds));
    expect(irregularSeries(series('web__b.csv'), kinds).timestamps).not.toEqual(
      irregularSeries(series(), kinds).timestamps,
    );
    expect(irregularSeries(series(), parseIrregularities('', '--irregular'))).toEqual(series());
  });

  it('names the known kinds when given an unknown one', () => {
    expect(() => parseIrregularities('jitter,gaps', '--irregular')).toThrow(
      '--irregular: unknown irregularity "gaps" (known: jitter, drop, outage, wander)',
    );
  });
});
