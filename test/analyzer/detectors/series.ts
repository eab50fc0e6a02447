import type { Detector, DetectorInput, DetectorOptions } from '../../../analyzer/detectors/types.js';

/** Hand-made series for the detector tests: deterministic noise around a level, one point a step. */

/** Deterministic noise in [−1, 1] (a fixed LCG), so every run sees the same series. */
export function noise(n: number, seed = 7): Float64Array {
  const out = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648) * 2 - 1;
  }
  return out;
}

/** `values` one `step` apart, judged at the newest timestamp over a day's window. */
export function input(
  values: ArrayLike<number>,
  step = 60,
  context?: DetectorInput['context'],
): DetectorInput {
  const v = Float64Array.from(values);
  const timestamps = Float64Array.from(v, (_, i) => 1_700_000_000 + i * step);
  return { timestamps, values: v, now: timestamps[v.length - 1], fullDuration: 86400, context };
}

/** `n` values of `level ± amp` noise. */
export const base = (n: number, level = 100, amp = 1, seed = 7): number[] =>
  Array.from(noise(n, seed), (x) => level + amp * x);

/**
 * A detector's vote with its defaults, `options` laid over them. Options are loosely typed: a
 * detector's defaults type its flags as the literal it defaults to (`twoSided: false`).
 */
export const run = (d: Detector, i: DetectorInput, options: DetectorOptions = {}) =>
  d.detect(i, { ...d.defaults, ...options });
