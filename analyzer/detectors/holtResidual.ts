import { missInScales, type OnFlatReference, robustLocationScale } from '../stats/robust.js';
import { defineDetector } from './types.js';

/**
 * Forecast residual: Holt's linear exponential smoothing (level `alpha`, trend `beta`) runs over the
 * window up to the previous value and forecasts the latest one; anomalous when the miss is more than
 * `threshold` robust standard deviations of the earlier one-step misses. A trend or a slow drift is
 * forecast, so it is not an anomaly; a sudden jump is. Smoothing constants are fixed, not fitted per
 * series, so the cost stays one pass. The trend is per second and a forecast reaches as far as the
 * next timestamp: across a missing point a ramp moves two steps, and a forecast of one step would
 * miss by one on every gap (on a regular series this is the textbook per-row recursion).
 */
export const holtResidual = defineDetector({
  name: 'holt_residual',
  description: "latest value against Holt's one-step forecast, in robust std of past forecast errors",
  // The miss is judged against at most the last `maxResiduals` misses: recent noise is the yardstick,
  // and it bounds the cost on long windows.
  defaults: { alpha: 0.3, beta: 0.05, threshold: 6, warmup: 5, minResiduals: 12, maxResiduals: 1440 },
  detect({ timestamps, values }, { alpha, beta, threshold, warmup, minResiduals, maxResiduals }) {
    const z = holtResidualZ(timestamps, values, alpha, beta, warmup, minResiduals, maxResiduals);
    return z !== null && Math.abs(z) > threshold;
  },
  evidence({ timestamps, values }, { alpha, beta, warmup, minResiduals, maxResiduals }) {
    if (values.length < warmup + minResiduals + 3) return null;
    const z = holtResidualZ(timestamps, values, alpha, beta, warmup, minResiduals, maxResiduals, 'departure');
    return z === null ? null : Math.abs(z);
  },
});

/**
 * Signed miss of the latest value in robust std of the earlier misses; 0 without enough data, null
 * when the latest value comes after a gap longer than the trend's memory.
 *
 * The trend remembers about 1/beta steps (20 rows). A gap longer than the time those rows spanned (an
 * outage of hours, a collector down for a weekend) is not a missing point or two: extrapolating the
 * trend across it forecast the first values after it hours or days of slope away, and they paged as
 * misses. The forecast restarts from the first value after such a gap instead, with no trend (which
 * way the series went in the dark is not known), and that value, having no forecast, is not judged.
 */
export function holtResidualZ(
  timestamps: Float64Array,
  values: Float64Array,
  alpha: number,
  beta: number,
  warmup: number,
  minResiduals: number,
  maxResiduals = Infinity,
  onFlat: OnFlatReference = 'ignore',
): number | null {
  const n = values.length;
  if (n < warmup + minResiduals + 3) return 0;
  const memory = Math.max(1, Math.round(1 / beta));
  const longGap = (i: number) =>
    timestamps[i] - timestamps[i - 1] > timestamps[i - 1] - timestamps[Math.max(0, i - 1 - memory)];
  if (longGap(n - 1)) return null;
  // One-step misses for values[2 + warmup .. n − 2]; the latest value is judged against them.
  const residuals = new Float64Array(n - 3 - warmup);
  let count = 0;
  let level = values[1];
  let slope = (values[1] - values[0]) / (timestamps[1] - timestamps[0]);
  for (let i = 2; i < n - 1; i++) {
    const dt = timestamps[i] - timestamps[i - 1];
    if (longGap(i)) {
      level = values[i];
      slope = 0;
      continue;
    }
    const forecast = level + slope * dt;
    if (i - 2 >= warmup) residuals[count++] = values[i] - forecast;
    const nextLevel = alpha * values[i] + (1 - alpha) * forecast;
    slope = beta * ((nextLevel - level) / dt) + (1 - beta) * slope;
    level = nextLevel;
  }
  if (count < minResiduals) return 0;
  const { location, scale } = robustLocationScale(
    residuals.subarray(Math.max(0, count - maxResiduals), count),
  );
  const miss = values[n - 1] - (level + slope * (timestamps[n - 1] - timestamps[n - 2])) - location;
  return missInScales(miss, scale, values[n - 1], onFlat);
}
