import { describe, expect, it } from 'vitest';
import { varianceShift } from '../../../analyzer/detectors/varianceShift.js';
import { base, input, noise, run } from './series.js';

describe('variance_shift', () => {
  it('flags a burst of volatility at the same level, not a clean step', () => {
    const flat = base(100);
    const wild = Array.from(noise(12, 99), (x) => 100 + 20 * x);
    expect(run(varianceShift, input(flat))).toBe(false);
    expect(run(varianceShift, input([...flat, ...wild]))).toBe(true);
    expect(run(varianceShift, input([...flat, ...base(12, 200)]))).toBe(false);
  });

  it('catches calming down only when two-sided', () => {
    const calm = [...base(100, 100, 10), ...base(12, 100, 0.1)];
    expect(run(varianceShift, input(calm))).toBe(false);
    expect(run(varianceShift, input(calm), { twoSided: true })).toBe(true);
  });
});
