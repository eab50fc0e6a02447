import type { Series } from '../../core/store/store.js';
import type { WindowGrid } from './windows.js';

/**
 * Fewer real (non-NaN) grid cells than this fraction and the window says too little about a shape to
 * be indexed.
 */
export const MIN_FILLED_FRACTION = 0.25;

/**
 * Resamples the last `grid.duration` seconds of a series (ending at its last timestamp) onto the
 * grid: each cell is the mean of the points that fall in it, NaN/Infinity values are ignored, empty
 * cells are filled by linear interpolation between their neighbours (held flat at the edges).
 * Returns null when too few cells hold data.
 */
let sums = new Float64Array(0);
let counts = new Uint32Array(0);

export function resampleWindow(
  series: Series,
  grid: WindowGrid,
): { values: Float64Array; end: number } | null {
  const { timestamps, values } = series;
  if (timestamps.length === 0) return null;
  const end = Math.floor(timestamps[timestamps.length - 1] / grid.step) * grid.step + grid.step;
  const start = end - grid.duration;
  // Scratch reused across calls (single-threaded, no re-entry): an import resamples 250k windows, and
  // two small typed arrays each cost more in garbage collection than the resampling itself.
  if (sums.length < grid.points) {
    sums = new Float64Array(grid.points);
    counts = new Uint32Array(grid.points);
  }
  sums.fill(0, 0, grid.points);
  counts.fill(0, 0, grid.points);
  for (let i = timestamps.length - 1; i >= 0 && timestamps[i] >= start; i--) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const cell = Math.floor((timestamps[i] - start) / grid.step);
    sums[cell] += v;
    counts[cell]++;
  }
  const out = new Float64Array(grid.points).fill(NaN);
  let filled = 0;
  for (let c = 0; c < grid.points; c++) {
    if (counts[c] > 0) {
      out[c] = sums[c] / counts[c];
      filled++;
    }
  }
  if (filled < Math.max(2, Math.ceil(grid.points * MIN_FILLED_FRACTION))) return null;
  fillGaps(out);
  return { values: out, end };
}

/** Linear interpolation over NaN runs; leading/trailing runs take the nearest value. In place. */
export function fillGaps(v: Float64Array): void {
  let prev = -1;
  for (let i = 0; i <= v.length; i++) {
    if (i < v.length && Number.isNaN(v[i])) continue;
    if (i - prev > 1) {
      const left = prev >= 0 ? v[prev] : v[i];
      const right = i < v.length ? v[i] : left;
      for (let g = prev + 1; g < i; g++) v[g] = left + ((right - left) * (g - prev)) / (i - prev);
    }
    prev = i;
  }
}

/**
 * Resamples values of any length (a drawn shape, a collection's points) to `n` points by linear
 * interpolation; non-finite values are treated as gaps. Null when no value is finite.
 */
export function resampleValues(values: ArrayLike<number>, n: number): Float64Array | null {
  const src = Float64Array.from(values as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : NaN));
  if (!src.some((x) => !Number.isNaN(x))) return null;
  fillGaps(src);
  const out = new Float64Array(n);
  if (src.length === 1) return out.fill(src[0]);
  for (let i = 0; i < n; i++) {
    const pos = n === 1 ? 0 : (i * (src.length - 1)) / (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(src.length - 1, lo + 1);
    out[i] = src[lo] + (src[hi] - src[lo]) * (pos - lo);
  }
  return out;
}
