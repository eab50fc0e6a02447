import { lineResiduals, simpleRegression } from '../stats/ols.js';
import { missInScales, type OnFlatReference, robustLocationScale } from '../stats/robust.js';
import { scratch } from '../stats/scratch.js';
import { defineDetector } from './types.js';

/**
 * Break from the local line: how far the last `recent` values lie, on average, from the straight line
 * through the `reference` values just before them, in robust standard deviations of that line's own
 * residuals. The other detectors measure against the whole window (or a day and a week ago), so when
 * a series wanders (drifts that start and stop) their yardstick holds every earlier drift and a new
 * one is small beside it; the local line and its local noise see the bend within a few rows. The line
 * is over timestamps, so a short gap extrapolates as far as it lasted; past a gap longer than the
 * reference spans, it abstains.
 */
export const localTrend = defineDetector({
  name: 'local_trend',
  description: 'the last few values against the line through the values just before them',
  // 3 recent rows: one stray value cannot make a bend, three in step can (level_shift's 5 for a level).
  // 24 reference rows: enough for a robust scale of the residuals, short enough that a line fits
  // (two hours at 5-minute steps; a day at hourly ones, where it is weak and its calibration says so).
  defaults: { recent: 3, reference: 24, threshold: 8 },
  detect({ timestamps, values }, { recent, reference, threshold }) {
    return Math.abs(localTrendZ(timestamps, values, recent, reference)) > threshold;
  },
  evidence({ timestamps, values }, { recent, reference }) {
    if (values.length < recent + reference) return null;
    // The line is not extrapolated further than it was fitted: after a gap longer than the reference
    // spans (an outage of hours at five minutes a row), the first values would be judged against the
    // line carried hours on, and paged.
    const n = values.length;
    const end = timestamps[n - recent - 1];
    if (timestamps[n - 1] - end > end - timestamps[n - recent - reference]) return null;
    return Math.abs(localTrendZ(timestamps, values, recent, reference, 'departure'));
  },
});

/** Signed mean miss of the last `recent` values from the reference's line, in its robust σ (OnFlatReference when the line fits exactly). */
export function localTrendZ(
  timestamps: Float64Array,
  values: Float64Array,
  recent: number,
  reference: number,
  onFlat: OnFlatReference = 'ignore',
): number {
  const n = values.length;
  if (n < recent + reference) return 0;
  const t = timestamps.subarray(n - recent - reference, n - recent);
  const line = simpleRegression(t, values.subarray(n - recent - reference, n - recent));
  const residuals = lineResiduals(
    t,
    values.subarray(n - recent - reference, n - recent),
    line,
    scratch('localTrend', reference),
  );
  const { scale } = robustLocationScale(residuals);
  let miss = 0;
  for (let i = n - recent; i < n; i++)
    miss += values[i] - (line.slope * (timestamps[i] - line.centre) + line.intercept);
  return missInScales(miss / recent, scale, values[n - 1], onFlat);
}
