import { scratch } from './scratch.js';
import { valueRange } from './seriesSummary.js';

const BUCKETS = 1024;
const counts = new Int32Array(BUCKETS);

/**
 * Median (the mean of the two middle values for even lengths), exact. Values are first spread over
 * 1024 equal-width buckets between min and max — `floor((v − min)·scale)` never reorders values — so
 * only the bucket(s) holding the middle are gathered and selected, instead of quickselecting the
 * whole window. `range` is the values' min and max when the caller already has them.
 */
export function median(values: Float64Array, range?: { readonly min: number; readonly max: number }): number {
  const n = values.length;
  if (n === 0) return NaN;
  if (n < 256) return selectMedian(copyOf(values, 'median', n));
  const { min, max } = range ?? valueRange(values);
  if (!(max > min) || !Number.isFinite(max - min)) return selectMedian(copyOf(values, 'median', n));
  const scale = (BUCKETS - 1) / (max - min);
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor((values[i] - min) * scale)]++;
  // The middle order statistics: k (upper) and, for even n, k − 1.
  const k = n >> 1;
  const lowK = n % 2 === 1 ? k : k - 1;
  let before = 0;
  let b = 0;
  while (before + counts[b] <= lowK) before += counts[b++];
  let e = b;
  let through = before + counts[b];
  while (through <= k) through += counts[++e];
  const part = scratch('medianPart', through - before);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const bucket = Math.floor((values[i] - min) * scale);
    if (bucket >= b && bucket <= e) part[m++] = values[i];
  }
  const hi = select(part, k - before);
  if (n % 2 === 1) return hi;
  let lo = -Infinity;
  for (let i = 0; i < k - before; i++) if (part[i] > lo) lo = part[i];
  return 0.5 * (lo + hi);
}

function copyOf(values: Float64Array, slot: string, n: number): Float64Array {
  const a = scratch(slot, n);
  a.set(values);
  return a;
}

function selectMedian(a: Float64Array): number {
  const n = a.length;
  const k = n >> 1;
  const hi = select(a, k);
  if (n % 2 === 1) return hi;
  // After select(k), a[0..k) holds the k smallest: the lower middle is their maximum.
  let lo = -Infinity;
  for (let i = 0; i < k; i++) if (a[i] > lo) lo = a[i];
  return 0.5 * (lo + hi);
}

/** Hoare's quickselect: returns the k-th smallest and leaves smaller values before index k. */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t;
        i++; j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}
