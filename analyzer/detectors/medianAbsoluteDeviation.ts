import { median } from '../stats/median.js';
import { robustZ } from '../stats/robust.js';
import { scratch } from '../stats/scratch.js';
import { summaryOf } from '../stats/seriesSummary.js';
import type { CountBounds, ValueBuckets } from '../stats/valueBuckets.js';
import { defineDetector } from './types.js';

/** `d = |v − median(v)|`; anomalous when MAD ≠ 0 and d[last] / MAD exceeds `threshold`. */
export const medianAbsoluteDeviation = defineDetector({
  name: 'median_absolute_deviation',
  description: 'latest deviation from the median, in median absolute deviations',
  // Etsy's function fell off its end (returning None) when not triggered: `abstainWhenNormal`
  // reproduces that, which its consensus then counted as "not false".
  defaults: { threshold: 6, abstainWhenNormal: false },
  detect(input, { threshold, abstainWhenNormal }) {
    const { values } = input;
    const n = values.length;
    if (n === 0) return null;
    const summary = summaryOf(input);
    const med = summary.median;
    const last = Math.abs(values[n - 1] - med);
    const verdict = madExceeds(values, med, last, threshold, summary.buckets);
    if (verdict === 'zero') return false;
    if (verdict) return true;
    return abstainWhenNormal ? null : false;
  },
  evidence({ values }) {
    if (values.length < 3) return null;
    return Math.abs(robustZ(values[values.length - 1], values));
  },
});

/**
 * Is `last / MAD > threshold`, or is MAD zero? Selecting the median of the deviations is the
 * expensive part, so first count deviations around `last / threshold`: unless the MAD sits within a
 * hair of that boundary, the counts decide. Near it, the exact median is computed. On long windows
 * the value buckets the median was found with usually bound the counts tightly enough to decide
 * without looking at the values again.
 */
function madExceeds(
  values: Float64Array,
  med: number,
  last: number,
  threshold: number,
  buckets: ValueBuckets | null,
): boolean | 'zero' {
  const n = values.length;
  const bound = last / threshold;
  const lo = bound * (1 - 1e-9);
  const hi = bound * (1 + 1e-9);
  const decided = buckets
    ? decide(
        n,
        buckets.countBetween(med, med),
        buckets.countBetween(med - lo, med + lo),
        buckets.countBetween(med - hi, med + hi),
      )
    : undefined;
  // Exact counts always decide.
  const verdict = decided ?? decide(n, ...countDeviations(values, med, lo, hi))!;
  if (verdict !== 'exact') return verdict;
  const dev = scratch('mad', n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(values[i] - med);
  const mad = median(dev);
  if (mad === 0) return 'zero';
  return last / mad > threshold;
}

/** Exact counts of deviations `d = |v − med|`: d = 0, d < lo, d ≤ hi. */
function countDeviations(
  values: Float64Array,
  med: number,
  lo: number,
  hi: number,
): [CountBounds, CountBounds, CountBounds] {
  let zeros = 0;
  let below = 0;
  let atMost = 0;
  // Counted without branches: on noisy data these comparisons are coin flips for the predictor.
  for (let i = 0; i < values.length; i++) {
    const d = Math.abs(values[i] - med);
    zeros += +(d === 0);
    below += +(d < lo);
    atMost += +(d <= hi);
  }
  const exact = (c: number): CountBounds => ({ atLeast: c, atMost: c });
  return [exact(zeros), exact(below), exact(atMost)];
}

/**
 * What the counts of deviations d = 0, d < lo and d ≤ hi say about the MAD, given as bounds;
 * undefined when the bounds are too loose to tell (exact counts always tell).
 */
function decide(
  n: number,
  zeros: CountBounds,
  below: CountBounds,
  atMost: CountBounds,
): boolean | 'zero' | 'exact' | undefined {
  // Order statistics (0-based) whose mean is the median: m..m for odd n, m-1..m for even n.
  const m = n >> 1;
  const lowerMid = n % 2 === 1 ? m : m - 1;
  // Both middle deviations are 0.
  if (zeros.atLeast >= m + 1) return 'zero';
  if (zeros.atMost >= m + 1) return undefined;
  // MAD < lo, so last/MAD > threshold (unless the lower middle deviation is 0).
  if (zeros.atMost < lowerMid + 1 && below.atLeast >= m + 1) return true;
  if (zeros.atLeast < lowerMid + 1 && below.atMost >= m + 1) return undefined;
  // MAD > hi.
  if (atMost.atMost <= lowerMid) return false;
  if (atMost.atLeast <= lowerMid) return undefined;
  return 'exact';
}
