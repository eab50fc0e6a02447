import { describe, expect, it } from 'vitest';
import { holtResidual } from '../../../analyzer/detectors/holtResidual.js';
import { levelShift } from '../../../analyzer/detectors/levelShift.js';
import { localTrend } from '../../../analyzer/detectors/localTrend.js';
import { seasonalDaily } from '../../../analyzer/detectors/seasonalBaseline.js';
import type { Detector } from '../../../analyzer/detectors/types.js';
import { FLAT_DEPARTURE } from '../../../analyzer/stats/robust.js';
import { input, run } from './series.js';

const evidence = (d: Detector, values: number[], step?: number) =>
  d.evidence!(input(values, step), d.defaults);
const still = (n: number) => Array.from({ length: n }, () => 5);

describe('a departure from a flat reference', () => {
  // Each detector's reference is perfectly still (robust scale 0) and the rows it judges leave it.
  const cases: Array<[string, Detector, number[]]> = [
    ['holt_residual', holtResidual, [9]],
    ['local_trend', localTrend, [9, 9, 9]],
    ['level_shift', levelShift, [9, 9, 9, 9, 9]],
  ];
  for (const [name, detector, departure] of cases) {
    it(`is the strongest evidence ${name} gives, and changes no vote`, () => {
      expect(evidence(detector, still(200))).toBe(0);
      expect(evidence(detector, [...still(200), ...departure])).toBe(FLAT_DEPARTURE);
      expect(evidence(detector, [...still(200), ...departure.map((v) => 10 - v)])).toBe(FLAT_DEPARTURE);
      // The voting line-ups (`consensus`) keep saying "no evidence" there.
      expect(run(detector, input([...still(200), ...departure]))).toBe(false);
    });
  }

  it('is not a departure when it is only rounding', () => {
    expect(evidence(holtResidual, [...still(200), 5 + 1e-12])).toBe(0);
  });

  it('is judged against a day that repeats exactly, where the votes abstain', () => {
    // Hourly, the same 24 values every day for a week, then one hour off its usual value.
    const day = Array.from({ length: 24 }, (_, h) => (h < 12 ? 80 : 20));
    const week = Array.from({ length: 7 * 24 }, (_, i) => day[i % 24]);
    expect(evidence(seasonalDaily, [...week, day[0]], 3600)).toBe(0);
    expect(evidence(seasonalDaily, [...week, 20], 3600)).toBe(FLAT_DEPARTURE);
    expect(run(seasonalDaily, input([...week, 20], 3600))).toBeNull();
  });
});
