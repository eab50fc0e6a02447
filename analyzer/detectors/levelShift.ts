import { median } from '../stats/median.js';
import { missInScales, type OnFlatReference, robustLocationScale } from '../stats/robust.js';
import { defineDetector } from './types.js';

/**
 * Robust level shift: has the median of the last `recent` values moved more than `threshold`
 * robust standard deviations (MAD-based) away from the median of everything before them? Medians
 * on both sides make one spike unable to fake a shift, and a shift is seen after about half of
 * `recent` shifted points. Votes false (not null) without enough data: under Etsy's consensus an
 * abstention would count as a yes.
 */
export const levelShift = defineDetector({
  name: 'level_shift',
  description: 'median of the last few values against the median and MAD of the window before them',
  // The reference is at most the `maxReference` values before the recent ones: the recent past is the
  // baseline that matters, and it bounds the cost on long windows.
  defaults: { recent: 5, minReference: 12, maxReference: 1440, threshold: 8 },
  detect({ values }, { recent, minReference, maxReference, threshold }) {
    return Math.abs(levelShiftZ(values, recent, minReference, maxReference)) > threshold;
  },
  evidence({ values }, { recent, minReference, maxReference }) {
    if (values.length < recent + minReference) return null;
    return Math.abs(levelShiftZ(values, recent, minReference, maxReference, 'departure'));
  },
});

/** Signed size of the shift in robust standard deviations of the reference; 0 without enough data. */
export function levelShiftZ(
  values: Float64Array,
  recent: number,
  minReference: number,
  maxReference = Infinity,
  onFlat: OnFlatReference = 'ignore',
): number {
  const n = values.length;
  if (n < recent + minReference) return 0;
  const { location, scale } = robustLocationScale(
    values.subarray(Math.max(0, n - recent - maxReference), n - recent),
  );
  return missInScales(median(values.subarray(n - recent)) - location, scale, location, onFlat);
}
