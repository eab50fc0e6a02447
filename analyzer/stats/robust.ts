import { MIN_BUCKETED, median } from './median.js';
import { scratch } from './scratch.js';
import { valueRange } from './valueBuckets.js';

/** Scales a median absolute deviation to a standard deviation for normal data. */
const MAD_TO_SIGMA = 1.4826;
/** Scales a mean absolute deviation to a standard deviation for normal data. */
const MEAN_AD_TO_SIGMA = 1.2533;

export interface RobustLocationScale {
  readonly location: number;
  readonly scale: number;
}

/**
 * Median and a MAD-based standard deviation of `x`. Ops series are often mostly one value (zeros,
 * integer counts), where the MAD is 0 although the series does vary; the mean absolute deviation
 * from the median is used then. The scale is 0 only when every value is equal.
 */
export function robustLocationScale(x: Float64Array): RobustLocationScale {
  const n = x.length;
  if (n === 0) return { location: NaN, scale: NaN };
  // Long windows: one pass for the range serves both medians (deviations lie in [0, the larger
  // distance from the median to an end of the range]).
  const range = n >= MIN_BUCKETED ? valueRange(x) : undefined;
  const location = median(x, range);
  const dev = scratch('robustDeviations', n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    dev[i] = Math.abs(x[i] - location);
    sum += dev[i];
  }
  const mad = median(dev, range && { min: 0, max: Math.max(range.max - location, location - range.min) });
  return { location, scale: mad > 0 ? MAD_TO_SIGMA * mad : MEAN_AD_TO_SIGMA * (sum / n) };
}

/** How many robust standard deviations `value` lies from `reference`; 0 when the reference is flat. */
export function robustZ(value: number, reference: Float64Array): number {
  const { location, scale } = robustLocationScale(reference);
  if (!(scale > 0)) return 0;
  return (value - location) / scale;
}
