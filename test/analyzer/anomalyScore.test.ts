import { describe, expect, it } from 'vitest';
import { analyzeSeries } from '../../analyzer/analyze.js';
import { zStrength } from '../../analyzer/anomalyScore.js';
import { getPreset } from '../../analyzer/presets.js';
import { rulesFromConfig } from '../../analyzer/rules.js';
import { validateConfig } from '../../core/config/load.js';

const rules = rulesFromConfig(validateConfig({}));

/** 1,440 minute points of noise around 100 with the last value lifted by `spike`. */
function window(spike: number) {
  let s = 11;
  const values = Float64Array.from({ length: 1440 }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return 100 + 10 * (s / 2147483648 - 0.5) + (i === 1439 ? spike : 0);
  });
  const timestamps = Float64Array.from(values, (_, i) => 1_700_000_000 + 60 * i);
  return { timestamps, values };
}

describe('anomaly score', () => {
  it('maps a robust z to [0, 1): 0 at 0, 0.5 at 6, rising towards 1', () => {
    expect(zStrength(0)).toBe(0);
    expect(zStrength(6)).toBeCloseTo(0.5, 12);
    expect(zStrength(-12)).toBeCloseTo(0.8, 12);
    expect(zStrength(1e200)).toBe(1);
    expect(zStrength(NaN)).toBe(0);
  });

  for (const name of ['consensus', 'etsy']) {
    it(`orders a bigger spike above a smaller one with the same votes (${name})`, () => {
      const preset = getPreset(name);
      const judge = (spike: number) => {
        const { timestamps, values } = window(spike);
        return analyzeSeries(timestamps, values, { preset, rules, now: timestamps[1439] + 30 });
      };
      const small = judge(60);
      const big = judge(600);
      expect(small.verdict).toBe('anomalous');
      expect(big.votes).toEqual(small.votes);
      expect(big.score).toBeGreaterThan(small.score);
      expect(big.score).toBeLessThanOrEqual(1);
      expect(judge(0).score).toBe(0);
    });
  }
});
