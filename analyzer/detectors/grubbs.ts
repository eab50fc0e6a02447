import { studentTIsf } from '../stats/studentT.js';
import { summaryOf } from '../stats/seriesSummary.js';
import { numpyStd } from '../stats/sums.js';
import { defineDetector, tailAverage } from './types.js';

/**
 * Grubbs' test on the tail average: `z = (tail − mean) / std` (population std) against
 * `G = ((n−1)/√n)·√(T²/(n−2+T²))`, T the Student-t upper quantile at `alpha/(2n)` with n−2 d.o.f.
 * Etsy's version is one-sided (only high values); `twoSided` also catches drops.
 */
export const grubbs = defineDetector({
  name: 'grubbs',
  description: "Grubbs' outlier test on the average of the last three values",
  defaults: { alpha: 0.05, twoSided: false },
  detect(input, { alpha, twoSided }) {
    const { values } = input;
    const n = values.length;
    if (n === 0) return null;
    const mean = summaryOf(input).mean;
    const std = numpyStd(values, 0, 0, n, mean);
    const z = (tailAverage(values) - mean) / std;
    const t = criticalT(alpha, n);
    const t2 = t * t;
    const g = ((n - 1) / Math.sqrt(n)) * Math.sqrt(t2 / (n - 2 + t2));
    return (twoSided ? Math.abs(z) : z) > g;
  },
});

/** The quantile depends only on (alpha, n), and windows mostly share a length: cache it. */
const tCache = new Map<string, number>();
function criticalT(alpha: number, n: number): number {
  const key = `${alpha}:${n}`;
  let t = tCache.get(key);
  if (t === undefined) {
    t = studentTIsf(alpha / (2 * n), n - 2);
    if (tCache.size > 10_000) tCache.clear();
    tCache.set(key, t);
  }
  return t;
}
