import { describe, expect, it } from 'vitest';
import { cdtw } from '../../../oculus/distances/cdtw.js';
import { squaredEuclidean } from '../../../oculus/distances/euclidean.js';
import { envelope, lbKeoghTail } from '../../../oculus/distances/lowerBounds.js';
import { randomInt } from '../random.js';
import { fullDtw, le, pairs, referenceDtw } from './support.js';

describe('cdtw (banded DTW, seeded random inputs)', () => {
  it('agrees with a textbook full-matrix DTW in the same band', () => {
    pairs(1, (a, b, n, rand) => {
      const r = randomInt(rand, 0, n);
      expect(cdtw(a, b, r)).toBeCloseTo(referenceDtw(a, b, r), 8);
    });
  });

  it('full DTW ≤ banded DTW ≤ Euclidean, and the band narrows monotonically', () => {
    pairs(2, (a, b, n, rand) => {
      const r = randomInt(rand, 0, n);
      const full = fullDtw(a, b),
        banded = cdtw(a, b, r),
        ed = squaredEuclidean(a, b);
      expect(le(full, banded)).toBe(true);
      expect(le(banded, ed)).toBe(true);
      expect(le(cdtw(a, b, r + 1), banded)).toBe(true);
      expect(cdtw(a, b, 0)).toBeCloseTo(ed, 9);
    });
  });

  it('a band as wide as the series is full DTW', () => {
    pairs(3, (a, b, n) => {
      expect(cdtw(a, b, n)).toBeCloseTo(fullDtw(a, b), 9);
      expect(cdtw(a, b, n - 1)).toBeCloseTo(fullDtw(a, b), 9);
    });
  });

  it('early abandoning returns the exact distance or Infinity, never a wrong finite value', () => {
    pairs(6, (a, b, n, rand) => {
      const r = randomInt(rand, 0, n);
      const exact = cdtw(a, b, r);
      const limit = exact * (0.5 + rand());
      const abandoned = cdtw(a, b, r, limit);
      if (exact < limit) expect(abandoned).toBeCloseTo(exact, 9);
      else expect(abandoned).toBe(Infinity);
    });
  });

  it('LB_Keogh both ways bounds banded DTW, and cdtw abandoning on either suffix sum stays exact', () => {
    pairs(8, (a, b, n, rand) => {
      const r = randomInt(rand, 0, n);
      const exact = cdtw(a, b, r);
      const forwardTail = new Float64Array(n + 1),
        reverseTail = new Float64Array(n + 1);
      // Forward: b against a's envelope (one term per column); reverse: a against b's (per row).
      const forward = lbKeoghTail(envelope(a, r), b, forwardTail);
      const reverse = lbKeoghTail(envelope(b, r), a, reverseTail);
      expect(le(forward, exact)).toBe(true);
      expect(le(reverse, exact)).toBe(true);
      for (let k = 0; k <= n; k++) expect(le(k < n ? reverseTail[k + 1] : 0, reverseTail[k])).toBe(true);
      const limit = exact * (0.5 + rand());
      for (const d of [
        cdtw(a, b, r, limit, forwardTail),
        cdtw(a, b, r, limit, undefined, reverseTail),
        cdtw(a, b, r, limit, forwardTail, reverseTail),
      ]) {
        if (exact < limit * (1 - 1e-9)) expect(d).toBeCloseTo(exact, 9);
        else if (exact >= limit * (1 + 1e-9)) expect(d).toBe(Infinity);
      }
    });
  });

  it('refuses series of unequal lengths', () => {
    expect(() => cdtw(Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3, 4), 1)).toThrow(RangeError);
  });
});
