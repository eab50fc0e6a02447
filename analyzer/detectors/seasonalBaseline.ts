import { median } from '../stats/median.js';
import { missInScales, type OnFlatReference, robustLocationScale } from '../stats/robust.js';
import { defineDetector, type DetectorInput } from './types.js';

/**
 * Seasonal baselines: compare each value with the value one period earlier (same time yesterday,
 * same time last week) and ask whether the latest such difference is more than `threshold` robust
 * standard deviations (MAD-based) from the earlier differences. "10 at noon" is then judged
 * against the noons before, not against the night.
 *
 * Longer history comes from `context['history.timestamps']` / `context['history.values']` when the
 * caller has it (torus rollups in the analyzer); otherwise the window's own history is used, as in
 * `kale replay`. With `context['history.step']` (one number, seconds) the history is buckets: each
 * timestamp is a bucket start and a value is compared with the bucket that holds "one period
 * earlier" (an hourly mean for a minute series). Without `minPairs` earlier differences for its
 * period the detector abstains (null): there is no evidence either way, and a "no" would outvote
 * detectors that can judge.
 *
 * With `references` > 1 a value is compared with the median of the same time that many periods back
 * (those the history holds; one period back is always needed). The `default` preset takes three days
 * for the daily one: the smallest median that one strange day cannot move, and one whose own noise
 * is smaller than a single day's. The weekly one has a single week (the context ring holds 8 days).
 */
function seasonalDetector(name: string, period: number, what: string) {
  return defineDetector({
    name,
    description: `latest value against the same time ${what}, in robust std of earlier such differences`,
    // Only the last `maxPairs` differences are the yardstick, which bounds the cost on long windows.
    defaults: { period, threshold: 5, minPairs: 12, maxPairs: 1440, references: 1 },
    detect(input, { period, threshold, minPairs, maxPairs, references }) {
      const z = seasonalZ(input, period, minPairs, maxPairs, references);
      return z === null ? null : Math.abs(z) > threshold;
    },
    evidence(input, { period, minPairs, maxPairs, references }) {
      const z = seasonalZ(input, period, minPairs, maxPairs, references, 'departure');
      return z === null ? null : Math.abs(z);
    },
  });
}

export const seasonalDaily = seasonalDetector('seasonal_daily', 86400, 'one day earlier');
export const seasonalWeekly = seasonalDetector('seasonal_weekly', 7 * 86400, 'one week earlier');

/** Names of the detectors that use `history.*` context: the analyzer fetches history only for them. */
export const SEASONAL_DETECTORS: ReadonlySet<string> = new Set([seasonalDaily.name, seasonalWeekly.name]);

/** Robust z of the latest seasonal difference; null when the period lacks history, or (`ignore`) when its differences never varied. */
export function seasonalZ(
  input: DetectorInput,
  period: number,
  minPairs: number,
  maxPairs = Infinity,
  references = 1,
  onFlat: OnFlatReference = 'ignore',
): number | null {
  const { timestamps, values } = input;
  const n = values.length;
  if (n < 2) return null;
  const context = input.context;
  const histTs = context?.['history.timestamps'] ?? timestamps;
  const histV = context?.['history.values'] ?? values;
  const bucket = context?.['history.timestamps'] ? context['history.step']?.[0] : undefined;
  // Point history: a "same time" match may be half the mean spacing from the exact lag. Bucket
  // history: the bucket starting at most one step before the lag holds it.
  const tolerance = (timestamps[n - 1] - timestamps[0]) / (n - 1) / 2;
  const match = bucket
    ? (t: number, from: number) => containingBucket(histTs, t, bucket, from)
    : (t: number, from: number) => nearestFrom(histTs, t, tolerance, from);
  const reach = bucket ?? tolerance;
  if (match(timestamps[n - 1] - period, 0) < 0) return null;
  // Targets t − k·period ascend with t, so one forward scan over the history per k finds every match.
  const first = Math.max(0, n - 1 - maxPairs);
  const diffs = new Float64Array(n - first);
  const cursors = new Int32Array(references);
  const refs = new Float64Array(references);
  let count = 0;
  for (let i = first; i < n; i++) {
    let found = 0;
    for (let k = 0; k < references; k++) {
      const target = timestamps[i] - (k + 1) * period;
      let cursor = cursors[k];
      while (cursor < histTs.length && histTs[cursor] < target - reach) cursor++;
      cursors[k] = cursor;
      const j = match(target, cursor);
      if (j >= 0) refs[found++] = histV[j];
      else if (k === 0) break;
    }
    if (found > 0) diffs[count++] = values[i] - (found === 1 ? refs[0] : median(refs.subarray(0, found)));
  }
  if (count < minPairs + 1) return null;
  const { location, scale } = robustLocationScale(diffs.subarray(0, count - 1));
  // A history of exact repeats: the voting line-ups abstain; evidence judges the departure from them.
  if (!(scale > 0) && onFlat === 'ignore') return null;
  return missInScales(diffs[count - 1] - location, scale, values[n - 1], onFlat);
}

/** Index of the bucket (start `timestamps[j]`, length `step`) holding `t`, searching from `from`, or −1. */
function containingBucket(timestamps: Float64Array, t: number, step: number, from: number): number {
  let j = -1;
  for (let k = from; k < timestamps.length && timestamps[k] <= t; k++) j = k;
  return j >= 0 && t < timestamps[j] + step ? j : -1;
}

/**
 * Index of the timestamp closest to `t` within `tolerance`, searching from `from` (timestamps
 * ascending, and none before `from` is within reach), or −1.
 */
function nearestFrom(timestamps: Float64Array, t: number, tolerance: number, from: number): number {
  let lo = from;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timestamps[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  let bestDist = Infinity;
  for (let k = Math.max(from, lo - 1); k <= lo && k < timestamps.length; k++) {
    const d = Math.abs(timestamps[k] - t);
    if (d <= tolerance && d < bestDist) {
      best = k;
      bestDist = d;
    }
  }
  return best;
}
