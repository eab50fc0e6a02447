import { binCount, histogramEdges } from '../stats/histogram.js';
import { summaryOf } from '../stats/seriesSummary.js';
import type { ValueBuckets } from '../stats/valueBuckets.js';
import { defineDetector, tailAverage } from './types.js';

/**
 * 15 equal-width bins over [min, max]; anomalous when the tail average falls in a bin holding at
 * most `maxCount` values. Bins are right-open, and bin 0 only counts when the tail is ≤ min, exactly
 * as Etsy wrote it (so a tail equal to the maximum is in no bin). Only the one bin the tail can be
 * in is counted.
 */
export const histogramBins = defineDetector({
  name: 'histogram_bins',
  description: 'tail average falls in a sparsely populated histogram bin',
  defaults: { bins: 15, maxCount: 20 },
  detect(input, { bins, maxCount }) {
    const { values } = input;
    if (values.length === 0) return null;
    const t = tailAverage(values);
    const summary = summaryOf(input);
    const edges = histogramEdges(values, bins, summary);
    const sparse = (k: number) => atMostInBin(values, edges, k, maxCount, summary.buckets);
    if (t <= edges[0]) return sparse(0);
    for (let i = 1; i < bins; i++) {
      if (t >= edges[i] && t < edges[i + 1]) return sparse(i);
    }
    return false;
  },
});

/**
 * Does bin `k` hold at most `maxCount` values? The value buckets shared with the median usually
 * bound the bin's count on the right side of `maxCount`; only when not are the values counted.
 */
function atMostInBin(
  values: Float64Array,
  edges: Float64Array,
  k: number,
  maxCount: number,
  buckets: ValueBuckets | null,
): boolean {
  if (buckets) {
    const c = buckets.countBetween(edges[k], edges[k + 1]);
    if (c.atLeast > maxCount) return false;
    if (c.atMost <= maxCount) return true;
  }
  return binCount(values, edges, k) <= maxCount;
}
