/**
 * Combines tail probabilities from several detectors into one, after the Cauchy combination test
 * (Liu & Xie 2020): each p becomes a Cauchy variate tan((½ − p)π) and their mean is the combined
 * evidence. A single decisive detector dominates (a p near 0 maps to a huge variate), whatever the
 * dependence between detectors. Unlike the test, a p above ½ counts as 0, not as evidence against:
 * a detector that sees a perfectly ordinary value must not cancel one that sees a spike (p = 0.999
 * would map to −318 and cancel p = 0.001). The result, the Cauchy tail of the mean, is the row's
 * tail as it is: calibrating it once more per metric was measured and cost half the NAB score
 * (docs/detection.md). Detectors that cannot judge are left out by the caller rather than counted
 * as "normal".
 */
export function cauchyCombination(ps: ArrayLike<number>): number {
  const count = ps.length;
  if (count === 0) return 1;
  let t = 0;
  for (let i = 0; i < count; i++) {
    const p = Math.min(Math.max(ps[i], 1e-300), 0.5);
    // For tiny p, tan((½ − p)π) = 1 / tan(pπ) ≈ 1/(pπ) without cancellation.
    t += p < 1e-15 ? 1 / (p * Math.PI) : Math.tan((0.5 - p) * Math.PI);
  }
  t /= count;
  // P(Cauchy > t); for large t, atan's cancellation is avoided with 1/(tπ).
  return t > 1e15 ? 1 / (t * Math.PI) : 0.5 - Math.atan(t) / Math.PI;
}
