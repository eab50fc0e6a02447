import { describe, expect, it } from 'vitest';
import { fastDtw, reduceByHalf } from '../../../oculus/distances/fastdtw.js';
import { randomInt, randomSeries, rng } from '../random.js';
import { fullDtw, le, TRIALS } from './support.js';

describe('fastDtw (seeded random inputs)', () => {
  it('FastDTW is ≥ full DTW (any lengths), equal when the radius covers everything, and its path is a real warping path', () => {
    const rand = rng(5);
    for (let t = 0; t < TRIALS; t++) {
      const a = randomSeries(rand, randomInt(rand, 1, 90)),
        b = randomSeries(rand, randomInt(rand, 1, 90));
      const r = randomInt(rand, 0, 12);
      const full = fullDtw(a, b);
      const fast = fastDtw(a, b, r);
      expect(le(full, fast.distance)).toBe(true);
      expect(fastDtw(a, b, Math.max(a.length, b.length)).distance).toBeCloseTo(full, 9);
      const p = fast.path;
      expect(p[0]).toEqual([0, 0]);
      expect(p[p.length - 1]).toEqual([a.length - 1, b.length - 1]);
      let cost = 0;
      p.forEach(([i, j], k) => {
        cost += (a[i] - b[j]) ** 2;
        if (k > 0) {
          const [pi, pj] = p[k - 1];
          expect([0, 1]).toContain(i - pi);
          expect([0, 1]).toContain(j - pj);
          expect(i - pi + j - pj).toBeGreaterThan(0);
        }
      });
      expect(cost).toBeCloseTo(fast.distance, 8);
    }
  });

  it('accepts unequal lengths and refuses a negative radius', () => {
    const a = Float64Array.of(1, 2, 3),
      b = Float64Array.of(1, 2, 3, 4);
    expect(fastDtw(a, b, 1).distance).toBe(1); // 4 aligns with 3
    expect(() => fastDtw(a, b, -1)).toThrow(RangeError);
  });

  it('reduceByHalf averages pairs and keeps an odd last point', () => {
    expect(Array.from(reduceByHalf([1, 3, 5, 7, 9]))).toEqual([2, 6, 9]);
  });
});
