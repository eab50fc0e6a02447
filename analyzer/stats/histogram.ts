import { valueRange } from './valueBuckets.js';

/**
 * `numpy.histogram(values, bins)` with equal-width bins over [min, max] (widened by ±0.5 when all
 * values are equal): edges from numpy's linspace (i·step + first; the last edge exactly max).
 * numpy computes each value's bin from `(v − first)·bins/(last − first)` and then corrects it against
 * the edges, so a value lands in bin k exactly when edges[k] ≤ v < edges[k+1] (the last bin also
 * takes v = max); `binCount` counts one bin that way without building the others.
 */
export function histogramEdges(
  values: Float64Array,
  bins: number,
  range: { min: number; max: number } = valueRange(values),
): Float64Array {
  let first = range.min;
  let last = range.max;
  if (values.length === 0) {
    first = 0;
    last = 1;
  }
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/** How many values numpy puts in bin `k` of `edges`. */
export function binCount(values: Float64Array, edges: Float64Array, k: number): number {
  const lo = edges[k];
  const hi = edges[k + 1];
  const lastBin = +(k === edges.length - 2);
  let count = 0;
  // Counted without branches: whether a noisy value is in the bin is a coin flip for the predictor.
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    count += +(v >= lo) & (+(v < hi) | (lastBin & +(v === hi)));
  }
  return count;
}
