import { roundHalfEven } from '../stats/ksTwoSample.js';
import { simpleRegression } from '../stats/ols.js';
import { numpyStd } from '../stats/sums.js';
import { defineDetector } from './types.js';

/**
 * Fits `v ≈ m·ts + c`; anomalous when the mean residual of the last three points exceeds `sigma`
 * residual standard deviations (population), unless that std or mean rounds to 0 (Etsy's guard
 * against flat series; Python 3's round, half to even).
 */
export const leastSquares = defineDetector({
  name: 'least_squares',
  description: 'last three residuals of a least-squares line against the residual std',
  defaults: { sigma: 3 },
  detect({ timestamps, values }, { sigma }) {
    const n = values.length;
    if (n < 3) return false;
    const fit = simpleRegression(timestamps, values);
    const errors = new Float64Array(n);
    for (let i = 0; i < n; i++) errors[i] = values[i] - (fit.slope * (timestamps[i] - fit.centre) + fit.intercept);
    const std = numpyStd(errors);
    const t = (errors[n - 1] + errors[n - 2] + errors[n - 3]) / 3;
    return Math.abs(t) > std * sigma && roundHalfEven(std) !== 0 && roundHalfEven(t) !== 0;
  },
});
