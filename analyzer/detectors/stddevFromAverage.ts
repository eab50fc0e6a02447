import { summaryOf } from '../stats/seriesSummary.js';
import { pandasStd } from '../stats/sums.js';
import { defineDetector, tailAverage } from './types.js';

/** Anomalous when `|tail − mean(v)| > sigma·std(v)` (sample std) over the whole window. */
export const stddevFromAverage = defineDetector({
  name: 'stddev_from_average',
  description: 'tail average against the mean and std of the whole window',
  defaults: { sigma: 3 },
  detect(input, { sigma }) {
    const { values } = input;
    if (values.length === 0) return null;
    // pandas' mean is numpy's (pairwise); its std goes through bottleneck (sequential).
    return Math.abs(tailAverage(values) - summaryOf(input).mean) > sigma * pandasStd(values);
  },
});
