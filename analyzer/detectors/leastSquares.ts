import { lstsqResiduals } from '../stats/lstsq.js';
import { lineResiduals, simpleRegression } from '../stats/ols.js';
import { roundHalfEven } from '../stats/rounding.js';
import { scratch } from '../stats/scratch.js';
import { summaryOf } from '../stats/seriesSummary.js';
import { numpyStd } from '../stats/sums.js';
import { defineDetector } from './types.js';

/**
 * Fits `v ≈ m·ts + c` (`fit: 'exact'` = centred OLS; `'lstsq'` = numpy.linalg.lstsq as Etsy called it,
 * which degenerates to a line through the origin on windows shorter than ~20 minutes); anomalous when the mean residual of the last three points exceeds `sigma`
 * residual standard deviations (population), unless that std or mean rounds to 0 (Etsy's guard
 * against flat series; Python 3's round, half to even).
 */
export const leastSquares = defineDetector({
  name: 'least_squares',
  description: 'last three residuals of a least-squares line against the residual std',
  defaults: { sigma: 3, fit: 'exact' },
  detect(input, { sigma, fit }) {
    const { timestamps, values } = input;
    const n = values.length;
    if (n < 3) return false;
    const errors = scratch('leastSquares', n);
    const vMean = summaryOf(input).mean;
    if (fit === 'lstsq') {
      lstsqResiduals(timestamps, values, errors, vMean);
    } else {
      const line = simpleRegression(timestamps, values, vMean);
      lineResiduals(timestamps, values, line, errors);
    }
    const std = numpyStd(errors);
    const t = (errors[n - 1] + errors[n - 2] + errors[n - 3]) / 3;
    return Math.abs(t) > std * sigma && roundHalfEven(std) !== 0 && roundHalfEven(t) !== 0;
  },
});
