import { mackinnonP } from './mackinnon.js';
import { olsFit } from './ols.js';

/**
 * Augmented Dickey–Fuller test with a constant, lag length chosen by AIC up to `maxLag`, as
 * statsmodels' `adfuller(x, maxlag, regression='c', autolag='AIC')`: every candidate lag is fitted on
 * the same rows, ties go to the shorter lag, and the chosen lag is refitted on all rows it allows.
 */
export interface AdfResult {
  readonly stat: number;
  readonly p: number;
  readonly usedLag: number;
  readonly nobs: number;
}

export class AdfError extends Error {}

export function adfuller(x: Float64Array, maxLag: number): AdfResult {
  const n = x.length;
  // statsmodels refuses a lag the sample cannot support (and Etsy's analyzer then voted nothing).
  if (maxLag > Math.floor(n / 2) - 1 - 1) {
    throw new AdfError(`maxlag must be less than (nobs/2 - 1 - ntrend): ${maxLag} with ${n} observations`);
  }
  const diff = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) diff[i] = x[i + 1] - x[i];

  const design = (lags: number) => {
    const rows = n - 1 - lags;
    const y = diff.subarray(lags);
    const cols: Float64Array[] = [x.slice(lags, lags + rows)];
    for (let k = 1; k <= lags; k++) cols.push(diff.slice(lags - k, lags - k + rows));
    return { y, cols, rows };
  };

  // Autolag on the rows of the longest lag, constant first (as add_trend(prepend=True)).
  const full = design(maxLag);
  const withConst = !full.cols.some(isNonZeroConstant);
  const ones = new Float64Array(full.rows).fill(1);
  const rhs = withConst ? [ones, ...full.cols] : full.cols;
  const startLag = withConst ? 2 : 1;
  let bestAic = Infinity;
  let bestCols = -1;
  for (let lag = startLag; lag <= startLag + maxLag; lag++) {
    const fit = olsFit(full.y, rhs.slice(0, lag));
    const half = fit.nobs / 2;
    const llf = -half * Math.log(2 * Math.PI) - half * Math.log(fit.ssr / fit.nobs) - half;
    const aic = -2 * llf + 2 * fit.rank;
    // Python's min over (aic, lag) tuples: NaN never compares smaller, ties keep the first.
    if (bestCols < 0 || aic < bestAic) {
      bestAic = aic;
      bestCols = lag;
    }
  }
  const usedLag = bestCols - startLag;

  const chosen = design(usedLag);
  const finalConst = !chosen.cols.some(isNonZeroConstant);
  const cols = finalConst ? [...chosen.cols, new Float64Array(chosen.rows).fill(1)] : chosen.cols;
  const fit = olsFit(chosen.y, cols);
  const stat = fit.tvalues[0];
  return { stat, p: mackinnonP(stat), usedLag, nobs: chosen.rows };
}

function isNonZeroConstant(c: Float64Array): boolean {
  if (c.length === 0 || c[0] === 0) return false;
  for (let i = 1; i < c.length; i++) if (c[i] !== c[0]) return false;
  return true;
}
