import { describe, expect, it } from 'vitest';
import { windowedDtw } from '../../../oculus/distances/windowedDtw.js';
import { fullDtw, pairs, referenceDtw } from './support.js';

describe('windowedDtw (seeded random inputs)', () => {
  it('over every cell agrees with a textbook full-matrix DTW', () => {
    pairs(1, (a, b) => {
      expect(fullDtw(a, b)).toBeCloseTo(referenceDtw(a, b), 8);
    });
  });

  it('accepts unequal lengths and refuses an empty series', () => {
    const b = Float64Array.of(1, 2, 3, 4);
    expect(fullDtw(Float64Array.of(1, 2, 3), b)).toBe(1); // 4 aligns with 3
    expect(() => windowedDtw([], b, new Int32Array(0), new Int32Array(0))).toThrow(RangeError);
  });
});
