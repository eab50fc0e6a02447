import { AdfError, adfuller } from '../stats/adf.js';
import { ksTwoSample } from '../stats/ksTwoSample.js';
import { lowerBound } from '../stats/lowerBound.js';
import { DetectorError, defineDetector } from './types.js';

/**
 * Did the last 10 minutes come from a different distribution than the 50 minutes before? Reference
 * = values in [now−3600, now−600), probe = values from now−600 on, both with at least `minPoints`;
 * anomalous when the two-sample KS test gives D > 0.5 and p < 0.05 and the reference is stationary
 * by an augmented Dickey–Fuller test (max lag 10, AIC), since KS misfires on trending series.
 */
export const ksTest = defineDetector({
  name: 'ks_test',
  description: 'two-sample Kolmogorov–Smirnov test of the last 10 minutes against the hour before',
  defaults: { minPoints: 20, maxLag: 10, d: 0.5, alpha: 0.05 },
  detect({ timestamps, values, now }, { minPoints, maxLag, d, alpha }) {
    const hourAgo = now - 3600;
    const tenMinutesAgo = now - 600;
    const a = lowerBound(timestamps, hourAgo);
    const b = lowerBound(timestamps, tenMinutesAgo);
    const reference = values.subarray(a, b);
    const probe = values.subarray(b);
    if (reference.length < minPoints || probe.length < minPoints) return false;
    const ks = ksTwoSample(reference, probe);
    if (!(ks.p < alpha && ks.d > d)) return false;
    try {
      return adfuller(reference, maxLag).p < alpha;
    } catch (err) {
      if (err instanceof AdfError) throw new DetectorError(err.message);
      throw err;
    }
  },
});
