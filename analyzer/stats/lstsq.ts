/**
 * The line `numpy.linalg.lstsq([ts, 1], v, rcond=-1)` returns, which is what Etsy's least_squares
 * used. LAPACK's dgelsd drops singular values ≤ eps·s_max (eps = 2⁻⁵³) and returns the minimum-norm
 * solution. With epoch timestamps (~1.7e9) the second singular value of [ts, 1] is about
 * std(ts)/ts² of the first, so any window shorter than roughly 20 minutes is "rank 1": the fit is
 * then v ≈ k·(v₁·[ts, 1]) along the top singular vector, a line through the origin rather than the
 * least-squares line — a quirk the etsy preset keeps. Longer windows get the exact (centred) OLS.
 */
import { simpleRegression } from './ols.js';
import { pairwiseSum } from './sums.js';

const LAPACK_EPS = 2 ** -53;

/** Fitted value for each timestamp, as Etsy's `m * x[i] + c`. */
export function lstsqFitted(t: Float64Array, v: Float64Array): Float64Array {
  const n = t.length;
  const out = new Float64Array(n);
  const centre = pairwiseSum(t) / n;
  let sxx = 0;
  let sx2 = 0;
  let sx = 0;
  let sxy = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const d = t[i] - centre;
    sxx += d * d;
    sx2 += t[i] * t[i];
    sx += t[i];
    sxy += t[i] * v[i];
    sy += v[i];
  }
  // Eigenvalues of AᵀA = [[Σx², Σx], [Σx, n]]: λ1 λ2 = n·Sxx, so s2/s1 = √(n·Sxx)/λ1.
  const half = (sx2 + n) / 2;
  const lambda1 = half + Math.sqrt(((sx2 - n) / 2) ** 2 + sx * sx);
  if (Math.sqrt(n * sxx) > LAPACK_EPS * lambda1) {
    const fit = simpleRegression(t, v);
    for (let i = 0; i < n; i++) out[i] = fit.slope * (t[i] - fit.centre) + fit.intercept;
    return out;
  }
  // Rank 1: top eigenvector of AᵀA, (Σx, λ1 − Σx²) normalised; coefficients v1·(v1·Aᵀy)/λ1.
  let e0 = sx;
  let e1 = lambda1 - sx2;
  if (Math.abs(e0) + Math.abs(e1) === 0) { e0 = 1; e1 = 0; }
  const norm = Math.hypot(e0, e1);
  e0 /= norm;
  e1 /= norm;
  const k = (e0 * sxy + e1 * sy) / lambda1;
  const m = e0 * k;
  const c = e1 * k;
  for (let i = 0; i < n; i++) out[i] = m * t[i] + c;
  return out;
}
