import { median } from '../stats/median.js';
import { defineDetector } from './types.js';

/** `d = |v − median(v)|`; anomalous when MAD ≠ 0 and d[last] / MAD exceeds `threshold`. */
export const medianAbsoluteDeviation = defineDetector({
  name: 'median_absolute_deviation',
  description: 'latest deviation from the median, in median absolute deviations',
  // Etsy's function fell off its end (returning None) when not triggered: `abstainWhenNormal`
  // reproduces that, which its consensus then counted as "not false".
  defaults: { threshold: 6, abstainWhenNormal: false },
  detect({ values }, { threshold, abstainWhenNormal }) {
    const n = values.length;
    if (n === 0) return null;
    const med = median(values);
    const dev = new Float64Array(n);
    for (let i = 0; i < n; i++) dev[i] = Math.abs(values[i] - med);
    const mad = median(dev);
    if (mad === 0) return false;
    if (dev[n - 1] / mad > threshold) return true;
    return abstainWhenNormal ? null : false;
  },
});
