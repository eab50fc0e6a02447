import { lowerBound } from '../stats/lowerBound.js';
import { summaryOf } from '../stats/seriesSummary.js';
import { pandasMean } from '../stats/sums.js';
import { defineDetector, tailAverage } from './types.js';

/**
 * Compares the tail average with the first hour of the window: F = values older than
 * `now − (fullDuration − 3600)`; anomalous when `|tail − mean(F)| > sigma·std(F)` (sample std).
 */
export const firstHourAverage = defineDetector({
  name: 'first_hour_average',
  description: 'tail average against the mean and std of the oldest hour of the window',
  defaults: { sigma: 3, hourSeconds: 3600 },
  detect(input, { sigma, hourSeconds }) {
    const { timestamps, values, now, fullDuration } = input;
    const cutoff = now - (fullDuration - hourSeconds);
    // Timestamps are ascending, so F is a prefix.
    const k = lowerBound(timestamps, cutoff);
    const mean = pandasMean(values, 0, k);
    const std = summaryOf(input).pandasStd(k);
    return Math.abs(tailAverage(values) - mean) > sigma * std;
  },
});
