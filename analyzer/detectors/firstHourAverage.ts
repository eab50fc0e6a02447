import { pandasMean, pandasStd } from '../stats/sums.js';
import { defineDetector, tailAverage } from './types.js';

/**
 * Compares the tail average with the first hour of the window: F = values older than
 * `now − (fullDuration − 3600)`; anomalous when `|tail − mean(F)| > sigma·std(F)` (sample std).
 */
export const firstHourAverage = defineDetector({
  name: 'first_hour_average',
  description: 'tail average against the mean and std of the oldest hour of the window',
  defaults: { sigma: 3, hourSeconds: 3600 },
  detect({ timestamps, values, now, fullDuration }, { sigma, hourSeconds }) {
    const cutoff = now - (fullDuration - hourSeconds);
    // Timestamps are ascending, so F is a prefix.
    let k = 0;
    while (k < timestamps.length && timestamps[k] < cutoff) k++;
    const mean = pandasMean(values, 0, k);
    const std = pandasStd(values, 0, k);
    return Math.abs(tailAverage(values) - mean) > sigma * std;
  },
});
