import { median } from '../stats/median.js';
import { scratch } from '../stats/scratch.js';
import { summaryOf } from '../stats/seriesSummary.js';
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
    const med = median(values, summaryOf(input));
    const last = Math.abs(values[n - 1] - med);
    const verdict = madExceeds(values, med, last, threshold);
    if (verdict === 'zero') return false;
    if (verdict) return true;
    return abstainWhenNormal ? null : false;
  },
});

/**
 * Is `last / MAD > threshold`, or is MAD zero? Selecting the median of the deviations is the
 * expensive part, so first count deviations around `last / threshold`: unless the MAD sits within a
 * hair of that boundary, the counts decide. Near it, the exact median is computed.
 */
function madExceeds(values: Float64Array, med: number, last: number, threshold: number): boolean | 'zero' {
  const n = values.length;
  const bound = last / threshold;
  const lo = bound * (1 - 1e-9);
  const hi = bound * (1 + 1e-9);
  let zeros = 0;
  let below = 0;
  let atMost = 0;
  // Counted without branches: on noisy data these comparisons are coin flips for the predictor.
  for (let i = 0; i < n; i++) {
    const d = Math.abs(values[i] - med);
    zeros += +(d === 0);
    below += +(d < lo);
    atMost += +(d <= hi);
  }
  // Order statistics (0-based) whose mean is the median: m..m for odd n, m-1..m for even n.
  const m = n >> 1;
  const lowerMid = n % 2 === 1 ? m : m - 1;
  if (zeros >= m + 1) return 'zero'; // both middle deviations are 0
  if (zeros < lowerMid + 1 && below >= m + 1) return true; // MAD < lo, so last/MAD > threshold
  if (atMost <= lowerMid) return false; // MAD > hi
  const dev = scratch('mad', n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(values[i] - med);
  const mad = median(dev);
  if (mad === 0) return 'zero';
  return last / mad > threshold;
}
