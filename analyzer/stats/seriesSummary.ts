import { MIN_BUCKETED, bucketedMedian, median } from './median.js';
import { pairwiseSum, sequentialSquaredDeviations, sequentialSum } from './sums.js';
import { BUCKET_WORK_SIZE, ValueBuckets, valueRange } from './valueBuckets.js';

/**
 * Statistics several detectors take from the same window (the numpy mean for stddev_from_average,
 * grubbs and least_squares; the range and value buckets for histogram_bins and the median;
 * sequential sums and pandas' std for first_hour_average and stddev_from_average), computed once per
 * analysis instead of once per detector. Each is computed on first use, with the arithmetic the
 * detectors' references use, so sharing changes no bit.
 */
export class SeriesSummary {
  private sumValue = NaN;
  private hasSum = false;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private hasRange = false;
  private prefixLength = 0;
  private prefixSum = 0;
  private stdPrefix = -1;
  private stdOfPrefix = NaN;
  private stdOfAll: number | undefined;
  private bucketsValue: ValueBuckets | null | undefined;
  private medianValue: number | undefined;

  /** `bucketWork` is space the summary may take over (the previous summary's: it is done with it). */
  constructor(
    readonly values: Float64Array,
    readonly bucketWork = new Int32Array(BUCKET_WORK_SIZE),
  ) {}

  /** `numpy.mean(values)` (pairwise sum / n; NaN when empty). */
  get mean(): number {
    if (!this.hasSum) {
      this.sumValue = pairwiseSum(this.values);
      this.hasSum = true;
    }
    return this.sumValue / this.values.length;
  }

  /**
   * Left-to-right sum of `values[0, n)` (bottleneck's order). A sequential sum of a longer prefix
   * continues the shorter one, so the last prefix is kept and extended: first_hour_average's older
   * part and stddev_from_average's whole window cost one pass between them.
   */
  sequentialSum(n: number): number {
    if (n < this.prefixLength) return sequentialSum(this.values, 0, n);
    this.prefixSum = sequentialSum(this.values, this.prefixLength, n - this.prefixLength, this.prefixSum);
    this.prefixLength = n;
    return this.prefixSum;
  }

  /**
   * pandas' `std()` (ddof 1, through bottleneck: sequential sums) of `values[0, k)`. The first
   * request also computes the whole window's in the same pass, two independent running sums
   * costing about one: first_hour_average asks for its older part, stddev_from_average for all.
   */
  pandasStd(k: number): number {
    const n = this.values.length;
    if (k === n && this.stdOfAll !== undefined) return this.stdOfAll;
    if (k === this.stdPrefix) return this.stdOfPrefix;
    const meanK = this.sequentialSum(k) / k;
    const meanAll = this.sequentialSum(n) / n;
    const [sk, sAll] = sequentialSquaredDeviations(this.values, k, meanK, meanAll);
    this.stdOfAll = n <= 1 ? NaN : Math.sqrt(sAll / (n - 1));
    this.stdPrefix = k;
    this.stdOfPrefix = k <= 1 ? NaN : Math.sqrt(sk / (k - 1));
    return this.stdOfPrefix;
  }

  /** The values in buckets (null for short windows, flat ones, or with NaNs). */
  get buckets(): ValueBuckets | null {
    if (this.bucketsValue === undefined) {
      this.bucketsValue =
        this.values.length < MIN_BUCKETED
          ? null
          : ValueBuckets.build(this.values, this.min, this.max, this.bucketWork);
    }
    return this.bucketsValue;
  }

  /** `numpy.median(values)`. */
  get median(): number {
    if (this.medianValue === undefined) {
      const b = this.buckets;
      this.medianValue = b ? bucketedMedian(b) : median(this.values, this);
    }
    return this.medianValue;
  }

  /** Smallest value, NaNs skipped (Infinity when there is none). */
  get min(): number {
    this.range();
    return this.minValue;
  }

  /** Largest value, NaNs skipped (−Infinity when there is none). */
  get max(): number {
    this.range();
    return this.maxValue;
  }

  private range(): void {
    if (this.hasRange) return;
    const r = valueRange(this.values);
    this.minValue = r.min;
    this.maxValue = r.max;
    this.hasRange = true;
  }
}

let lastInput: object | undefined;
let lastSummary: SeriesSummary | undefined;

/**
 * The summary of one detector input. The analyzer hands every detector of an analysis the same
 * input object, so remembering the last one is enough to share; a different object (or the same
 * object with another values array) starts afresh.
 */
export function summaryOf(input: { readonly values: Float64Array }): SeriesSummary {
  if (input !== lastInput || lastSummary!.values !== input.values) {
    lastInput = input;
    lastSummary = new SeriesSummary(input.values, lastSummary?.bucketWork);
  }
  return lastSummary!;
}
