import { scratch } from './scratch.js';
import { BUCKET_WORK_SIZE, ValueBuckets, valueRange } from './valueBuckets.js';

const bucketWork = new Int32Array(BUCKET_WORK_SIZE);

/** Below this length a quickselect of the whole window is cheaper than a pass to bucket it. */
export const MIN_BUCKETED = 256;

/**
 * Median (the mean of the two middle values for even lengths), exact. Long windows are spread over
 * value buckets first (`ValueBuckets`) so that only the bucket(s) holding the middle are gathered
 * and selected, instead of quickselecting the whole window. `range` is the values' min and max when
 * the caller already has them.
 */
export function median(values: Float64Array, range?: { readonly min: number; readonly max: number }): number {
  const n = values.length;
  if (n === 0) return NaN;
  if (n < MIN_BUCKETED) return selectMedian(copyOf(values, 'median', n));
  const { min, max } = range ?? valueRange(values);
  const buckets = ValueBuckets.build(values, min, max, bucketWork);
  return buckets ? bucketedMedian(buckets) : selectMedian(copyOf(values, 'median', n));
}

/** The median of the values `buckets` was built from. */
export function bucketedMedian(buckets: ValueBuckets): number {
  const n = buckets.values.length;
  // The middle order statistics: k (upper) and, for even n, k − 1.
  const k = n >> 1;
  const lowK = n % 2 === 1 ? k : k - 1;
  const first = buckets.bucketOfRank(lowK);
  const last = buckets.bucketOfRank(k);
  const before = buckets.before(first);
  const part = gatherBuckets(buckets, first, last, scratch('medianPart', buckets.before(last + 1) - before));
  const hi = select(part, k - before);
  if (n % 2 === 1) return hi;
  let lo = -Infinity;
  for (let i = 0; i < k - before; i++) if (part[i] > lo) lo = part[i];
  return 0.5 * (lo + hi);
}

/**
 * The values whose bucket is in [first, last], into `part` (sized to hold exactly them). A value
 * window one bucket wider on each side picks the candidates with two comparisons instead of a floor
 * per value; only candidates get their bucket computed. Should rounding ever make the window miss
 * one (values a few ulps apart), the count shows it and every value's bucket is computed instead.
 */
function gatherBuckets(buckets: ValueBuckets, first: number, last: number, part: Float64Array): Float64Array {
  const { values, min, scale } = buckets;
  const lo = min + (first - 1) / scale;
  const hi = min + (last + 2) / scale;
  const n = values.length;
  let m = 0;
  let i = 0;
  // Four values tested at once (candidates are rare), then the block looked at one by one.
  for (; i + 4 <= n; i += 4) {
    const v0 = values[i],
      v1 = values[i + 1],
      v2 = values[i + 2],
      v3 = values[i + 3];
    if (
      (v0 >= lo && v0 <= hi) ||
      (v1 >= lo && v1 <= hi) ||
      (v2 >= lo && v2 <= hi) ||
      (v3 >= lo && v3 <= hi)
    ) {
      for (let j = i; j < i + 4; j++) m = keepIfInBuckets(buckets, values[j], first, last, part, m);
    }
  }
  for (; i < n; i++) m = keepIfInBuckets(buckets, values[i], first, last, part, m);
  if (m === part.length) return part;
  m = 0;
  for (let i = 0; i < values.length; i++) {
    const bucket = buckets.bucketOf(values[i]);
    if (bucket >= first && bucket <= last) part[m++] = values[i];
  }
  return part;
}

/** Stores `v` at part[m] if its bucket is in [first, last] (and there is room); the next m. */
function keepIfInBuckets(
  buckets: ValueBuckets,
  v: number,
  first: number,
  last: number,
  part: Float64Array,
  m: number,
): number {
  const bucket = buckets.bucketOf(v);
  if (bucket >= first && bucket <= last && m < part.length) part[m++] = v;
  return m;
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
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}
