import { binCount, histogramEdges } from '../stats/histogram.js';
import { summaryOf } from '../stats/seriesSummary.js';
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
    const edges = histogramEdges(values, bins, summaryOf(input));
    if (t <= edges[0]) return binCount(values, edges, 0) <= maxCount;
    for (let i = 1; i < bins; i++) {
      if (t >= edges[i] && t < edges[i + 1]) return binCount(values, edges, i) <= maxCount;
    }
    return false;
  },
});
