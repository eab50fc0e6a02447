/**
 * The values of a window spread over 1024 equal-width buckets between their min and max, bucket =
 * `floor((v − min)·scale)`, which never reorders values. One pass builds it; then the median only
 * has to select among the values of its bucket, and "how many values lie between a and b" can
 * often be answered from the counts alone, bounded by the two partly covered buckets at the ends.
 */
export const BUCKETS = 1024;

/** min and max of `values`, NaNs skipped. */
export function valueRange(values: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  const n = values.length;
  let i = 0;
  // Four values an iteration, in order: the loop's own bookkeeping costs as much as the comparisons.
  for (; i + 4 <= n; i += 4) {
    const v0 = values[i],
      v1 = values[i + 1],
      v2 = values[i + 2],
      v3 = values[i + 3];
    if (v0 < min) min = v0;
    if (v0 > max) max = v0;
    if (v1 < min) min = v1;
    if (v1 > max) max = v1;
    if (v2 < min) min = v2;
    if (v2 > max) max = v2;
    if (v3 < min) min = v3;
    if (v3 > max) max = v3;
  }
  for (; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * counts[floor((v − min)·scale)]++ for every value, NaNs into counts[BUCKETS]. Truncation is the
 * floor here (v − min ≥ 0) and cheaper; a NaN fails `x >= 0`. Four values an iteration.
 */
function countBuckets(values: Float64Array, min: number, scale: number, counts: Int32Array): void {
  counts.fill(0);
  const n = values.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = (values[i] - min) * scale;
    const x1 = (values[i + 1] - min) * scale;
    const x2 = (values[i + 2] - min) * scale;
    const x3 = (values[i + 3] - min) * scale;
    counts[x0 >= 0 ? x0 | 0 : BUCKETS]++;
    counts[x1 >= 0 ? x1 | 0 : BUCKETS]++;
    counts[x2 >= 0 ? x2 | 0 : BUCKETS]++;
    counts[x3 >= 0 ? x3 | 0 : BUCKETS]++;
  }
  for (; i < n; i++) {
    const x = (values[i] - min) * scale;
    counts[x >= 0 ? x | 0 : BUCKETS]++;
  }
}

export interface CountBounds {
  /** Values certainly in the interval. */
  readonly atLeast: number;
  /** Values possibly in it (the certain ones plus those in buckets next to its ends). */
  readonly atMost: number;
}

/** Work space a `ValueBuckets` fills: bucket counts (plus one slot for NaNs) and their running sums. */
export const BUCKET_WORK_SIZE = 2 * (BUCKETS + 1);

export class ValueBuckets {
  /** counts[j] = values in bucket j; counts[BUCKETS] = NaNs. */
  private readonly counts: Int32Array;
  /** cumulative[j] = values in buckets 0..j−1; cumulative[BUCKETS] = all but NaNs. */
  private readonly cumulative: Int32Array;
  readonly scale: number;
  /**
   * Buckets are at least ~10⁶ ulps of the values wide, so which side of a boundary a value is on,
   * however the boundary was rounded, is only uncertain for values in the buckets beside it.
   */
  private readonly wide: boolean;

  private constructor(
    readonly values: Float64Array,
    work: Int32Array,
    readonly min: number,
    max: number,
  ) {
    const scale = (BUCKETS - 1) / (max - min);
    this.scale = scale;
    this.wide = max - min > 1e-6 * Math.max(Math.abs(min), Math.abs(max));
    const counts = work.subarray(0, BUCKETS + 1);
    const cumulative = work.subarray(BUCKETS + 1, 2 * (BUCKETS + 1));
    countBuckets(values, min, scale, counts);
    let s = 0;
    for (let j = 0; j < BUCKETS; j++) {
      cumulative[j] = s;
      s += counts[j];
    }
    cumulative[BUCKETS] = s;
    this.counts = counts;
    this.cumulative = cumulative;
  }

  /**
   * Buckets for `values` with range [min, max] in `work` (BUCKET_WORK_SIZE long, reused by the
   * caller), or null when they cannot be built: no positive finite range, or NaNs.
   */
  static build(
    values: Float64Array,
    min: number,
    max: number,
    work = new Int32Array(BUCKET_WORK_SIZE),
  ): ValueBuckets | null {
    if (!(max > min) || !Number.isFinite(max - min)) return null;
    const b = new ValueBuckets(values, work, min, max);
    return b.counts[BUCKETS] === 0 ? b : null;
  }

  bucketOf(v: number): number {
    return Math.floor((v - this.min) * this.scale);
  }

  /** Values in buckets lo..hi (clamped). */
  private inBuckets(lo: number, hi: number): number {
    const a = Math.max(0, lo);
    const b = Math.min(BUCKETS - 1, hi);
    return b < a ? 0 : this.cumulative[b + 1] - this.cumulative[a];
  }

  /**
   * Bounds on how many values lie between `lo` and `hi`, whichever ends are open or closed and
   * however the caller rounds its comparison (`|v − m| < d` or `lo ≤ v < hi` alike): buckets two
   * or more away from both ends are certain, the two beside each end are not.
   */
  countBetween(lo: number, hi: number): CountBounds {
    if (!this.wide || !(lo <= hi)) return { atLeast: 0, atMost: this.values.length };
    const a = Math.max(-2, Math.min(BUCKETS + 2, this.bucketOf(lo)));
    const b = Math.max(-2, Math.min(BUCKETS + 2, this.bucketOf(hi)));
    return { atLeast: this.inBuckets(a + 2, b - 2), atMost: this.inBuckets(a - 2, b + 2) };
  }

  /**
   * Index of the first bucket at which the cumulative count exceeds `k`, i.e. the bucket holding
   * the k-th smallest value (0-based).
   */
  bucketOfRank(k: number): number {
    let j = 0;
    while (this.cumulative[j + 1] <= k) j++;
    return j;
  }

  /** Values in buckets before `j`. */
  before(j: number): number {
    return this.cumulative[j];
  }
}
