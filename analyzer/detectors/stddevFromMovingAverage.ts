import { ewmLast } from '../stats/ewm.js';
import { defineDetector } from './types.js';

/**
 * Exponentially weighted mean and std (centre of mass `com`, adjusted weights); anomalous when the
 * latest value is more than `sigma` EW standard deviations from the EW mean.
 */
export const stddevFromMovingAverage = defineDetector({
  name: 'stddev_from_moving_average',
  description: 'latest value against an exponentially weighted mean and std',
  defaults: { com: 50, sigma: 3 },
  detect({ values }, { com, sigma }) {
    const n = values.length;
    if (n === 0) return null;
    const ewm = ewmLast(values, com);
    return Math.abs(values[n - 1] - ewm.mean) > sigma * ewm.std;
  },
});
