import { normalCdf } from './normal.js';

/**
 * MacKinnon (1994) approximate p-value of the Dickey–Fuller τ statistic, model with a constant and
 * one variable (statsmodels `mackinnonp(stat, regression='c', N=1)`, same coefficients and branches).
 */
const TAU_MAX = 2.74;
const TAU_MIN = -18.83;
const TAU_STAR = -1.61;
const SMALL_P = [2.1659 * 1, 1.4412 * 1, 3.8269 * 1e-2];
const LARGE_P = [1.7339 * 1, 9.3202 * 1e-1, -1.2745 * 1e-1, -1.0368 * 1e-2];

export function mackinnonP(tau: number): number {
  if (tau > TAU_MAX) return 1;
  if (tau < TAU_MIN) return 0;
  const coef = tau <= TAU_STAR ? SMALL_P : LARGE_P;
  // numpy.polyval over the reversed coefficients: Horner from the highest power.
  let y = 0;
  for (let i = coef.length - 1; i >= 0; i--) y = y * tau + coef[i];
  return normalCdf(y);
}
