/**
 * Summation orders matter when a preset must reproduce another implementation's verdicts bit for
 * bit: numpy sums contiguous float64 arrays pairwise (8-way unrolled blocks of up to 128), while
 * pandas' `Series.std()` goes through bottleneck, which sums sequentially. Thresholds such as
 * `abs(x) > 3 * std` can flip on the last bit, so both orders are provided and each detector says
 * which one its reference used.
 */

import { scratch } from './scratch.js';

const BLOCK = 128;

/** numpy's pairwise_sum over `a[from, from + n)`. */
export function pairwiseSum(a: Float64Array, from = 0, n = a.length - from): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[from + i];
    return res;
  }
  if (n <= BLOCK) {
    let r0 = a[from], r1 = a[from + 1], r2 = a[from + 2], r3 = a[from + 3];
    let r4 = a[from + 4], r5 = a[from + 5], r6 = a[from + 6], r7 = a[from + 7];
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      const p = from + i;
      r0 += a[p]; r1 += a[p + 1]; r2 += a[p + 2]; r3 += a[p + 3];
      r4 += a[p + 4]; r5 += a[p + 5]; r6 += a[p + 6]; r7 += a[p + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[from + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
}

/** Sequential left-to-right sum (bottleneck, plain loops). */
export function sequentialSum(a: Float64Array, from = 0, n = a.length - from): number {
  let s = 0;
  for (let i = from; i < from + n; i++) s += a[i];
  return s;
}

/** `numpy.mean` of `a[from, from + n)`: NaN when empty. */
export function numpyMean(a: Float64Array, from = 0, n = a.length - from): number {
  return pairwiseSum(a, from, n) / n;
}

/** `numpy.std(a, ddof)`: two passes, both pairwise. */
export function numpyStd(a: Float64Array, ddof = 0, from = 0, n = a.length - from): number {
  if (n - ddof <= 0) return NaN;
  const mean = pairwiseSum(a, from, n) / n;
  const sq = scratch('numpyStd', n);
  for (let i = 0; i < n; i++) {
    const d = a[from + i] - mean;
    sq[i] = d * d;
  }
  return Math.sqrt(pairwiseSum(sq) / (n - ddof));
}

/** pandas `Series.mean()`: numpy's pairwise sum divided by the count (NaN when empty). */
export const pandasMean = numpyMean;

/** pandas `Series.std()` (ddof 1) as computed through bottleneck's nanstd: two sequential passes. */
export function pandasStd(a: Float64Array, from = 0, n = a.length - from, ddof = 1): number {
  if (n <= ddof) return NaN;
  const mean = sequentialSum(a, from, n) / n;
  let s = 0;
  for (let i = from; i < from + n; i++) {
    const d = a[i] - mean;
    s += d * d;
  }
  return Math.sqrt(s / (n - ddof));
}
