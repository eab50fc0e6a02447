/** Median of the last (up to) 16 sampling steps: the metric's own step, robust to a gap or two; 0 for one point. */
export function recentStep(timestamps: Float64Array): number {
  const n = timestamps.length;
  const k = Math.min(16, n - 1);
  if (k < 1) return 0;
  const steps = new Float64Array(k);
  for (let i = 0; i < k; i++) steps[i] = timestamps[n - 1 - i] - timestamps[n - 2 - i];
  steps.sort();
  return steps[k >> 1];
}
