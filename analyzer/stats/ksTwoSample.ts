/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(a, b)` with its default
 * exact method: D is snapped to the lattice h / lcm(n1, n2) and the p-value is the probability that a
 * random lattice path from (0,0) to (n1,n2) leaves the band |i/n1 − j/n2| < D. A NaN in either
 * sample gives NaN for both, as scipy's default nan_policy ('propagate') does: NaN compares false with
 * everything, so the merge below could never step past it.
 */
import { roundHalfEven } from './rounding.js';

export interface KsResult {
  readonly d: number;
  readonly p: number;
}

export function ksTwoSample(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ks_2samp needs two non-empty samples');
  if (hasNaN(a) || hasNaN(b)) return { d: NaN, p: NaN };
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  // max |F1 - F2| over all data points, with right-continuous ECDFs (searchsorted side='right').
  let i = 0;
  let j = 0;
  let maxPlus = 0;
  let maxMinus = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
    while (i < n1 && x[i] <= v) i++;
    while (j < n2 && y[j] <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxPlus) maxPlus = diff;
    if (-diff > maxMinus) maxMinus = -diff;
  }
  const dRaw = maxMinus > maxPlus ? maxMinus : maxPlus;
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(dRaw * lcm);
  const d = h / lcm;
  if (h === 0) return { d, p: 1 };
  return { d, p: Math.min(1, Math.max(0, probOutside(n1, n2, g, h))) };
}

/**
 * Probability that a uniformly random lattice path leaves the band |i·n2 − j·n1| < h·g. The mass
 * that steps outside is summed as it leaves (positive terms only), so tiny p-values keep their
 * precision instead of being lost in 1 − P(inside).
 */
function probOutside(n1: number, n2: number, g: number, h: number): number {
  const bound = h * g;
  // prob[j]: probability of being at (i, j) having stayed inside; the path draws its n1 "i" steps
  // and n2 "j" steps without replacement.
  let prob = new Float64Array(n2 + 1);
  let next = new Float64Array(n2 + 1);
  let outside = 0;
  prob[0] = 1;
  for (let j = 1; j <= n2; j++) {
    const m = (prob[j - 1] * (n2 - j + 1)) / (n1 + n2 - j + 1);
    if (j * n1 < bound) prob[j] = m;
    else {
      outside += m;
      prob[j] = 0;
    }
  }
  for (let i = 1; i <= n1; i++) {
    for (let j = 0; j <= n2; j++) {
      const fromLeft = (prob[j] * (n1 - i + 1)) / (n1 + n2 - i + 1 - j);
      const fromBelow = j > 0 ? (next[j - 1] * (n2 - j + 1)) / (n1 + n2 - i - j + 1) : 0;
      const m = fromLeft + fromBelow;
      if (Math.abs(i * n2 - j * n1) < bound) next[j] = m;
      else {
        outside += m;
        next[j] = 0;
      }
    }
    [prob, next] = [next, prob];
  }
  return outside;
}

function hasNaN(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) if (Number.isNaN(xs[i])) return true;
  return false;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
