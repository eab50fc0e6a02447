import { pandasMean, pandasStd } from '../stats/sums.js';
import { defineDetector, tailAverage } from './types.js';

/** Anomalous when `|tail − mean(v)| > sigma·std(v)` (sample std) over the whole window. */
export const stddevFromAverage = defineDetector({
  name: 'stddev_from_average',
  description: 'tail average against the mean and std of the whole window',
  defaults: { sigma: 3 },
  detect({ values }, { sigma }) {
    if (values.length === 0) return null;
    return Math.abs(tailAverage(values) - pandasMean(values)) > sigma * pandasStd(values);
  },
});
