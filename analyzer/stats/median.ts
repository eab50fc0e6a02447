import { scratch } from './scratch.js';

/** Median by selection on a copy (O(n)); the mean of the two middle values for even lengths. */
export function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  const a = scratch('median', n);
  a.set(values);
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
