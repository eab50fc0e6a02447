import { pairwiseSum } from '../stats/sums.js';
import { defineDetector } from './types.js';

/**
 * Subtracts the mean of all but the last value; anomalous when the last value's deviation exceeds
 * `sigma` sample standard deviations of the others. Etsy first mapped falsy values to 0
 * (`x if x else 0`): that only changes −0 in Python, where NaN is truthy, so values are used as they
 * are. The arithmetic is pandas': a pairwise mean, then bottleneck's sequential two-pass std of the
 * mean-subtracted values, computed here without materialising them.
 */
export const meanSubtractionCumulation = defineDetector({
  name: 'mean_subtraction_cumulation',
  description: 'latest value against the mean and std of the values before it',
  defaults: { sigma: 3 },
  detect({ values }, { sigma }) {
    const n = values.length;
    if (n === 0) return null;
    const m = n - 1;
    const mean = pairwiseSum(values, 0, m) / m;
    let std = NaN;
    if (m > 1) {
      let s = 0;
      for (let i = 0; i < m; i++) s += values[i] - mean;
      const wMean = s / m;
      let ss = 0;
      for (let i = 0; i < m; i++) {
        const d = values[i] - mean - wMean;
        ss += d * d;
      }
      std = Math.sqrt(ss / (m - 1));
    }
    return Math.abs(values[n - 1] - mean) > sigma * std;
  },
});
