/**
 * Least squares. `simpleRegression` fits v ≈ m·t + c with the timestamps centred first: epoch
 * seconds (~1.7e9) next to a column of ones make the uncentred normal equations lose about half the
 * digits, so centring is what makes the fit exact to double precision. `olsFit` solves a general
 * design by Householder QR for the ADF regressions.
 */
import { pairwiseSum } from './sums.js';

export interface LineFit {
  readonly slope: number;
  readonly intercept: number;
  /** Mean of the timestamps that the intercept is relative to: v ≈ slope·(t − centre) + intercept. */
  readonly centre: number;
}

export interface CentredSums {
  readonly centre: number;
  readonly vMean: number;
  /** Σ(t − centre)² */
  readonly sxx: number;
  /** Σ(t − centre)(v − vMean) */
  readonly sxy: number;
}

/** The sums every line fit here starts from, with numpy's pairwise means (`vMean` when known). */
export function centredSums(
  t: Float64Array,
  v: Float64Array,
  vMean = pairwiseSum(v) / v.length,
): CentredSums {
  const n = t.length;
  const centre = pairwiseSum(t) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dt = t[i] - centre;
    sxx += dt * dt;
    sxy += dt * (v[i] - vMean);
  }
  return { centre, vMean, sxx, sxy };
}

export function simpleRegression(t: Float64Array, v: Float64Array, knownMean?: number): LineFit {
  const { centre, vMean: intercept, sxx, sxy } = centredSums(t, v, knownMean);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept, centre };
}

/**
 * Residuals `v[i] − (slope·(t[i] − centre) + intercept)` into `out`, four an iteration (the loop's
 * bookkeeping costs as much as the arithmetic). With centre 0 this is `v − (m·t + c)` exactly.
 */
export function lineResiduals(
  t: Float64Array,
  v: Float64Array,
  line: LineFit,
  out: Float64Array,
): Float64Array {
  const { slope, centre, intercept } = line;
  const n = t.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    out[i] = v[i] - (slope * (t[i] - centre) + intercept);
    out[i + 1] = v[i + 1] - (slope * (t[i + 1] - centre) + intercept);
    out[i + 2] = v[i + 2] - (slope * (t[i + 2] - centre) + intercept);
    out[i + 3] = v[i + 3] - (slope * (t[i + 3] - centre) + intercept);
  }
  for (; i < n; i++) out[i] = v[i] - (slope * (t[i] - centre) + intercept);
  return out;
}

export interface OlsResult {
  readonly params: Float64Array;
  readonly ssr: number;
  readonly rank: number;
  readonly nobs: number;
  /** t statistic of each parameter (NaN for a column dropped as collinear). */
  readonly tvalues: Float64Array;
}

/**
 * Ordinary least squares of y on the columns of X (column-major: cols[k][i]). Columns that are
 * linearly dependent on earlier ones (relative tolerance like numpy's matrix_rank) are dropped.
 */
export function olsFit(y: Float64Array, cols: ReadonlyArray<Float64Array>): OlsResult {
  const n = y.length;
  const p = cols.length;
  const q = cols.map((c) => Float64Array.from(c));
  const r = new Float64Array(p * p);
  const z = Float64Array.from(y);
  const kept: number[] = [];
  let maxNorm = 0;
  for (const c of cols) maxNorm = Math.max(maxNorm, norm(c));
  const tol = maxNorm * Math.max(n, p) * 2.220446049250313e-16;
  // Householder QR applied column by column, so dependence is judged on what the kept columns leave.
  const reflectors: Array<{ v: Float64Array; row: number }> = [];
  for (let k = 0; k < p; k++) {
    const col = q[k];
    for (const h of reflectors) applyReflector(h.v, h.row, col);
    const row = reflectors.length;
    let s = 0;
    for (let i = row; i < n; i++) s += col[i] * col[i];
    const alpha = Math.sqrt(s);
    if (alpha <= tol || row >= n) continue;
    const v = new Float64Array(n);
    const sign = col[row] >= 0 ? 1 : -1;
    for (let i = row; i < n; i++) v[i] = col[i];
    v[row] += sign * alpha;
    let vn = 0;
    for (let i = row; i < n; i++) vn += v[i] * v[i];
    const scale = Math.sqrt(vn);
    for (let i = row; i < n; i++) v[i] /= scale;
    applyReflector(v, row, col);
    reflectors.push({ v, row });
    applyReflector(v, row, z);
    kept.push(k);
    for (let i = 0; i <= row; i++) r[i * p + kept.length - 1] = col[i];
  }
  const rank = kept.length;
  // Back-substitute R b = Qᵀy for the kept columns.
  const b = new Float64Array(rank);
  for (let i = rank - 1; i >= 0; i--) {
    let s = z[i];
    for (let j = i + 1; j < rank; j++) s -= r[i * p + j] * b[j];
    b[i] = s / r[i * p + i];
  }
  let ssr = 0;
  for (let i = rank; i < n; i++) ssr += z[i] * z[i];
  // (RᵀR)⁻¹ diagonal = squared row norms of R⁻¹.
  const rinv = new Float64Array(rank * rank);
  for (let i = rank - 1; i >= 0; i--) {
    rinv[i * rank + i] = 1 / r[i * p + i];
    for (let j = i + 1; j < rank; j++) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r[i * p + k] * rinv[k * rank + j];
      rinv[i * rank + j] = -s / r[i * p + i];
    }
  }
  const scale = ssr / (n - rank);
  const params = new Float64Array(p);
  const tvalues = new Float64Array(p).fill(NaN);
  for (let a = 0; a < rank; a++) {
    let d = 0;
    for (let j = a; j < rank; j++) d += rinv[a * rank + j] * rinv[a * rank + j];
    params[kept[a]] = b[a];
    tvalues[kept[a]] = b[a] / Math.sqrt(d * scale);
  }
  return { params, ssr, rank, nobs: n, tvalues };
}

function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function applyReflector(v: Float64Array, row: number, x: Float64Array): void {
  let dot = 0;
  for (let i = row; i < x.length; i++) dot += v[i] * x[i];
  dot *= 2;
  for (let i = row; i < x.length; i++) x[i] -= dot * v[i];
}
