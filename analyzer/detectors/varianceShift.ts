import { robustLocationScale } from '../stats/robust.js';
import { defineDetector } from './types.js';

/**
 * Robust variance shift: the spread of the last `recent` first differences against the spread of
 * the differences before them (both MAD-based, so a level shift or one spike does not count as
 * variance). Anomalous when the recent spread is more than `ratio` times larger, or, with
 * `twoSided`, that many times smaller.
 */
export const varianceShift = defineDetector({
  name: 'variance_shift',
  description: 'spread of the latest first differences against the spread before them',
  defaults: { recent: 10, minReference: 20, ratio: 4, twoSided: false },
  detect({ values }, { recent, minReference, ratio, twoSided }) {
    const r = varianceRatio(values, recent, minReference);
    if (!(r > 0)) return false;
    return r > ratio || (twoSided && r < 1 / ratio);
  },
  evidence({ values }, { recent, minReference, twoSided }) {
    if (values.length < recent + minReference + 1) return null;
    const r = varianceRatio(values, recent, minReference);
    if (!(r > 0)) return 0;
    return twoSided ? Math.abs(Math.log(r)) : Math.max(0, Math.log(r));
  },
});

/** Recent over reference robust spread of first differences; NaN without enough data or spread. */
export function varianceRatio(values: Float64Array, recent: number, minReference: number): number {
  const n = values.length;
  if (n < recent + minReference + 1) return NaN;
  const diffs = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) diffs[i - 1] = values[i] - values[i - 1];
  const reference = robustLocationScale(diffs.subarray(0, diffs.length - recent)).scale;
  if (!(reference > 0)) return NaN;
  return robustLocationScale(diffs.subarray(diffs.length - recent)).scale / reference;
}
