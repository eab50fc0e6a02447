import { pairwiseSum } from './sums.js';

/**
 * Statistics several detectors take from the same window (the numpy mean for stddev_from_average,
 * grubbs and least_squares; the range for histogram_bins and the median), computed once per
 * analysis instead of once per detector. Each is computed on first use, with the arithmetic the
 * detectors' references use, so sharing changes no bit.
 */
export class SeriesSummary {
  private sumValue = NaN;
  private hasSum = false;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private hasRange = false;

  constructor(readonly values: Float64Array) {}

  /** `numpy.mean(values)` (pairwise sum / n; NaN when empty). */
  get mean(): number {
    if (!this.hasSum) {
      this.sumValue = pairwiseSum(this.values);
      this.hasSum = true;
    }
    return this.sumValue / this.values.length;
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

/** min and max of `values`, NaNs skipped. */
export function valueRange(values: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
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
    lastSummary = new SeriesSummary(input.values);
  }
  return lastSummary!;
}
