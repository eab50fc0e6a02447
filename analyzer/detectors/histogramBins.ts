import { histogram } from '../stats/histogram.js';
import { defineDetector, tailAverage } from './types.js';

/**
 * 15 equal-width bins over [min, max]; anomalous when the tail average falls in a bin holding at
 * most `maxCount` values. Bins are right-open, and bin 0 only counts when the tail is ≤ min, exactly
 * as Etsy wrote it (so a tail equal to the maximum is in no bin).
 */
export const histogramBins = defineDetector({
  name: 'histogram_bins',
  description: 'tail average falls in a sparsely populated histogram bin',
  defaults: { bins: 15, maxCount: 20 },
  detect({ values }, { bins, maxCount }) {
    if (values.length === 0) return null;
    const t = tailAverage(values);
    const { counts, edges } = histogram(values, bins);
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] > maxCount) continue;
      if (i === 0) {
        if (t <= edges[0]) return true;
      } else if (t >= edges[i] && t < edges[i + 1]) {
        return true;
      }
    }
    return false;
  },
});
