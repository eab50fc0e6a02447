/**
 * The line `numpy.linalg.lstsq([ts, 1], v, rcond=-1)` returns, which is what Etsy's least_squares
 * used. LAPACK's dgelsd drops singular values ≤ eps·s_max (eps = 2⁻⁵³) and returns the minimum-norm
 * solution. With epoch timestamps (~1.7e9) the second singular value of [ts, 1] is about
 * std(ts)/ts² of the first, so any window shorter than roughly 20 minutes is "rank 1": the fit is
 * then v ≈ k·(v₁·[ts, 1]) along the top singular vector, a line through the origin rather than the
 * least-squares line — a quirk the etsy preset keeps. Longer windows get the exact (centred) OLS.
 */
import { centredSums, lineResiduals } from './ols.js';

const LAPACK_EPS = 2 ** -53;

/**
 * Residuals `v[i] − (m·t[i] + c)` of that fit, as Etsy computed them, written into `out`;
 * `knownMean` is numpy's mean of `v` when the caller has it.
 */
export function lstsqResiduals(
  t: Float64Array,
  v: Float64Array,
  out: Float64Array = new Float64Array(t.length),
  knownMean?: number,
): Float64Array {
  const n = t.length;
  const { centre, vMean, sxx, sxy } = centredSums(t, v, knownMean);
  // Eigenvalues of AᵀA = [[Σx², Σx], [Σx, n]]: λ1·λ2 = n·Sxx, so s2/s1 = √(n·Sxx)/λ1.
  const sx = n * centre;
  const sx2 = sxx + n * centre * centre;
  const lambda1 = (sx2 + n) / 2 + Math.sqrt(((sx2 - n) / 2) ** 2 + sx * sx);
  if (Math.sqrt(n * sxx) > LAPACK_EPS * lambda1) {
    return lineResiduals(t, v, { slope: sxx === 0 ? 0 : sxy / sxx, intercept: vMean, centre }, out);
  }
  // Rank 1: top eigenvector of AᵀA, (Σx, λ1 − Σx²) normalised; coefficients v1·(v1·Aᵀy)/λ1.
  let sty = 0;
  for (let i = 0; i < n; i++) sty += t[i] * v[i];
  let e0 = sx;
  let e1 = lambda1 - sx2;
  if (Math.abs(e0) + Math.abs(e1) === 0) {
    e0 = 1;
    e1 = 0;
  }
  const norm = Math.hypot(e0, e1);
  e0 /= norm;
  e1 /= norm;
  const k = (e0 * sty + e1 * n * vMean) / lambda1;
  // v − (m·(t − 0) + c) is v − (m·t + c) to the bit.
  return lineResiduals(t, v, { slope: e0 * k, intercept: e1 * k, centre: 0 }, out);
}
