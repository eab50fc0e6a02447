import { describe, expect, it } from 'vitest';
import { squaredEuclidean } from '../../../oculus/distances/euclidean.js';
import { pairs } from './support.js';

describe('squaredEuclidean (seeded random inputs)', () => {
  it('early abandoning returns the exact distance or Infinity, never a wrong finite value', () => {
    pairs(6, (a, b, _n, rand) => {
      const ed = squaredEuclidean(a, b);
      const limit = ed * (0.5 + rand());
      const edLimited = squaredEuclidean(a, b, limit);
      expect(edLimited === Infinity || edLimited === ed).toBe(true);
      if (ed < limit) expect(edLimited).toBe(ed);
    });
  });

  it('refuses series of unequal lengths', () => {
    expect(() => squaredEuclidean(Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3, 4))).toThrow(RangeError);
  });
});
