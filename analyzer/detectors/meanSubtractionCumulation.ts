import { pandasMean, pandasStd } from '../stats/sums.js';
import { defineDetector } from './types.js';

/**
 * Subtracts the mean of all but the last value; anomalous when the last value's deviation exceeds
 * `sigma` sample standard deviations of the others.
 */
export const meanSubtractionCumulation = defineDetector({
  name: 'mean_subtraction_cumulation',
  description: 'latest value against the mean and std of the values before it',
  defaults: { sigma: 3 },
  detect({ values }, { sigma }) {
    const n = values.length;
    if (n === 0) return null;
    // Etsy mapped falsy values (0, missing) to 0 before anything else.
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = values[i] ? values[i] : 0;
    const mean = pandasMean(w, 0, n - 1);
    for (let i = 0; i < n; i++) w[i] -= mean;
    const std = pandasStd(w, 0, n - 1);
    return Math.abs(w[n - 1]) > sigma * std;
  },
});
