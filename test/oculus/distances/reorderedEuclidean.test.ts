import { describe, expect, it } from 'vitest';
import { squaredEuclidean } from '../../../oculus/distances/euclidean.js';
import { ReorderedEuclidean } from '../../../oculus/distances/reorderedEuclidean.js';
import { znormalise } from '../../../oculus/shapes/znorm.js';
import { gaussian } from '../../../utils/seed/random.js';
import { randomInt, randomSeries, rng } from '../random.js';

/** Rows to compare with: walks, noise, the query itself, flat, one spike, as float32 table rows. */
function row(rand: () => number, query: Float64Array): Float64Array {
  const n = query.length;
  const kind = randomInt(rand, 0, 4);
  if (kind === 0) return znormalise(randomSeries(rand, n));
  if (kind === 1) return Float64Array.from({ length: n }, () => gaussian(rand));
  if (kind === 2) return Float64Array.from(query, (v) => v + gaussian(rand) * 1e-7);
  if (kind === 3) return new Float64Array(n).fill(rand() * 4 - 2);
  const spike = new Float64Array(n);
  spike[randomInt(rand, 0, n - 1)] = 1e6;
  return spike;
}

describe('ReorderedEuclidean (points by falling |query|, rows read in place)', () => {
  it('answers squaredEuclidean on the float64 copy bit for bit, or Infinity exactly when that reaches the threshold', () => {
    const rand = rng(31);
    let finite = 0,
      abandoned = 0;
    for (let t = 0; t < 400; t++) {
      const n = randomInt(rand, 1, 150);
      const query = rand() < 0.8 ? znormalise(randomSeries(rand, n)) : row(rand, randomSeries(rand, n));
      const distance = new ReorderedEuclidean(query);
      const rows = Array.from({ length: 8 }, () => row(rand, query));
      // A packed float32 table with the rows at an offset, as ShapeTable keeps them.
      const table = new Float32Array(3 + rows.length * n);
      rows.forEach((r, i) => table.set(r, 3 + i * n));
      rows.forEach((_, i) => {
        const offset = 3 + i * n;
        const copy = Float64Array.from(table.subarray(offset, offset + n));
        const exact = squaredEuclidean(query, copy);
        // Thresholds: none, random, exactly the distance (a tie is abandoned), the doubles either side, zero.
        const step = Math.max(Number.MIN_VALUE, exact * 2 ** -52);
        for (const at of [Infinity, exact * 2 * rand(), exact, exact + step, exact - step, 0]) {
          const got = distance.distanceAt(table, offset, at);
          expect(got).toBe(squaredEuclidean(query, copy, at));
          if (got === Infinity) abandoned++;
          else finite++;
        }
      });
    }
    expect(finite).toBeGreaterThan(1000);
    expect(abandoned).toBeGreaterThan(1000);
  });

  it('keeps a row whose sum in point order is below the threshold though the reordered sum rounds to it', () => {
    const rand = rng(5);
    let kept = 0;
    for (let t = 0; t < 20_000 && kept < 20; t++) {
      // Terms of very different sizes, so the two orders of summing round apart.
      const n = randomInt(rand, 3, 12);
      const query = Float64Array.from({ length: n }, () => gaussian(rand) * 10 ** randomInt(rand, -4, 2));
      const values = Float32Array.from({ length: n }, () => gaussian(rand));
      const copy = Float64Array.from(values);
      const inOrder = squaredEuclidean(query, copy);
      const order = [...query.keys()].sort((a, b) => Math.abs(query[b]) - Math.abs(query[a]) || a - b);
      const reordered = order.reduce((sum, i) => sum + (query[i] - copy[i]) ** 2, 0);
      if (!(inOrder < reordered)) continue;
      kept++;
      expect(new ReorderedEuclidean(query).distanceAt(values, 0, reordered)).toBe(inOrder);
    }
    expect(kept).toBe(20);
  });
});
