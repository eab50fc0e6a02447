/**
 * `numpy.histogram(values, bins)` with equal-width bins over [min, max] (widened by ±0.5 when all
 * values are equal): edges from numpy's linspace (i·step + first, last edge exactly max) and counts
 * with numpy's index computation and its edge corrections, so every value lands where numpy puts it.
 */
export interface Histogram {
  readonly counts: Int32Array;
  readonly edges: Float64Array;
}

export function histogram(values: Float64Array, bins: number): Histogram {
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < first) first = v;
    if (v > last) last = v;
  }
  if (values.length === 0) { first = 0; last = 1; }
  if (first === last) { first -= 0.5; last += 0.5; }
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  const counts = new Int32Array(bins);
  const norm = bins / (last - first);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let k = Math.trunc((v - first) * norm);
    if (k === bins) k -= 1;
    if (v < edges[k]) k -= 1;
    else if (v >= edges[k + 1] && k !== bins - 1) k += 1;
    counts[k]++;
  }
  return { counts, edges };
}
