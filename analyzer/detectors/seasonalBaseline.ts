import { robustLocationScale } from '../stats/robust.js';
import { defineDetector, type DetectorInput } from './types.js';

/**
 * Seasonal baseline: compares each value with the value one period earlier (same time yesterday,
 * same time last week) and asks whether the latest such difference is more than `threshold` robust
 * standard deviations from the earlier ones. "10 at noon" is then judged against the noons before,
 * not against the night.
 *
 * Longer history comes from `context['history.timestamps']` / `context['history.values']` when the
 * caller has it (the analyzer reads torus rollups); otherwise the window's own history is used
 * (`kale replay`). Each period needs `minPairs` earlier differences; when several periods have
 * them, all must agree, so a regular weekly pattern does not alert on the daily comparison alone.
 * Votes false when no period has enough history.
 */
export const seasonalBaseline = defineDetector({
  name: 'seasonal_baseline',
  description: 'latest value against the same time one day and one week earlier',
  defaults: { periods: '86400,604800', threshold: 5, minPairs: 12 },
  detect(input, { periods, threshold, minPairs }) {
    let judged = 0;
    for (const period of String(periods).split(',').map(Number)) {
      const z = seasonalZ(input, period, minPairs);
      if (z === null) continue;
      if (Math.abs(z) <= threshold) return false;
      judged++;
    }
    return judged > 0;
  },
});

/** Robust z of the latest seasonal difference, or null when the period lacks history. */
export function seasonalZ(input: DetectorInput, period: number, minPairs: number): number | null {
  const { timestamps, values } = input;
  const n = values.length;
  if (n === 0) return null;
  const histTs = input.context?.['history.timestamps'] ?? timestamps;
  const histV = input.context?.['history.values'] ?? values;
  const tolerance = halfStep(timestamps);
  const diffs: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = nearest(histTs, timestamps[i] - period, tolerance);
    if (j >= 0) diffs.push(values[i] - histV[j]);
  }
  const last = nearest(histTs, timestamps[n - 1] - period, tolerance);
  if (last < 0 || diffs.length < minPairs + 1) return null;
  const earlier = Float64Array.from(diffs.slice(0, -1));
  const { location, scale } = robustLocationScale(earlier);
  if (!(scale > 0)) return null;
  return (diffs[diffs.length - 1] - location) / scale;
}

/** Half the median spacing of the window: how far a "same time" match may be from the exact lag. */
function halfStep(timestamps: Float64Array): number {
  const n = timestamps.length;
  if (n < 2) return 0;
  const steps = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) steps[i - 1] = timestamps[i] - timestamps[i - 1];
  steps.sort();
  return steps[(n - 1) >> 1] / 2;
}

/** Index of the timestamp closest to `t` within `tolerance`, or −1 (timestamps ascending). */
function nearest(timestamps: Float64Array, t: number, tolerance: number): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timestamps[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  let bestDist = Infinity;
  for (const k of [lo - 1, lo]) {
    if (k < 0 || k >= timestamps.length) continue;
    const d = Math.abs(timestamps[k] - t);
    if (d <= tolerance && d < bestDist) {
      best = k;
      bestDist = d;
    }
  }
  return best;
}
