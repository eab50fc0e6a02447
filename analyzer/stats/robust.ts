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

/**
 * What a detector makes of a miss from a reference whose robust scale is 0 (a flat or perfectly
 * regular stretch: a gauge that sat still, a job that ran identically every day). `ignore`: no
 * evidence (0), as the voting line-ups have it. `departure`: any miss beyond rounding is
 * FLAT_DEPARTURE σ, so a spike on a flat series is seen on its own row. Before, every scale-based
 * detector said 0 there, and the spike paged a row late, when it had entered the reference and the
 * series returned.
 */
export type OnFlatReference = 'ignore' | 'departure';

/**
 * The σ of a departure from a flat reference: the top of the tail sketch's range
 * (analyzer/calibration/tailSketch.ts). A first one is extremely rare; one that recurs (a sparse
 * count's blips after a quiet stretch) is counted there and learned like any recurring burst.
 */
export const FLAT_DEPARTURE = 1e6;

/** Misses within this share of the values' magnitude are rounding, not a departure. */
const ROUNDING = 1e-9;

/** `miss` in units of `scale`; for a scale of 0, see OnFlatReference (`magnitude`: the values' size). */
export function missInScales(
  miss: number,
  scale: number,
  magnitude: number,
  onFlat: OnFlatReference,
): number {
  if (scale > 0) return miss / scale;
  if (onFlat === 'ignore' || !(Math.abs(miss) > ROUNDING * Math.max(1, Math.abs(magnitude)))) return 0;
  return Math.sign(miss) * FLAT_DEPARTURE;
}

/** How many robust standard deviations `value` lies from `reference`; 0 when the reference is flat. */
export function robustZ(value: number, reference: Float64Array): number {
  const { location, scale } = robustLocationScale(reference);
  return missInScales(value - location, scale, value, 'ignore');
}
