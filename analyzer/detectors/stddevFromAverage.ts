import { summaryOf } from '../stats/seriesSummary.js';
import { defineDetector, tailAverage } from './types.js';

/** Anomalous when `|tail − mean(v)| > sigma·std(v)` (sample std) over the whole window. */
export const stddevFromAverage = defineDetector({
  name: 'stddev_from_average',
  description: 'tail average against the mean and std of the whole window',
  defaults: { sigma: 3 },
  detect(input, { sigma }) {
    const { values } = input;
    const n = values.length;
    if (n === 0) return null;
    // pandas' mean is numpy's (pairwise); its std goes through bottleneck (sequential).
    const summary = summaryOf(input);
    const std = summary.pandasStd(n);
    return Math.abs(tailAverage(values) - summary.mean) > sigma * std;
  },
});
