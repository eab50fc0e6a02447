import { describe, expect, it } from 'vitest';
import { cdtw } from '../../../oculus/distances/cdtw.js';
import { squaredEuclidean } from '../../../oculus/distances/euclidean.js';
import {
  envelope,
  lbKeogh,
  lbKeoghTail,
  lbKeoghTailAt,
  lbKim,
  paaEnvelope,
} from '../../../oculus/distances/lowerBounds.js';
import { ShapeScorer } from '../../../oculus/search/scorer.js';
import { paa } from '../../../oculus/shapes/paa.js';
import { randomInt, randomSeries, rng } from '../random.js';
import { fullDtw, le, le32, pairs } from './support.js';

describe('lower bounds (seeded random inputs)', () => {
  it('every lower bound is ≤ the distance it bounds', () => {
    pairs(4, (a, b, n, rand) => {
      const r = randomInt(rand, 0, n);
      const env = envelope(a, r);
      const banded = cdtw(a, b, r);
      const keogh = lbKeogh(env, b);
      expect(le(lbKim(a, b), banded)).toBe(true);
      expect(le(lbKim(a, b), fullDtw(a, b))).toBe(true);
      expect(le(keogh, banded)).toBe(true);
      // The full-width envelope bounds full DTW, hence FastDTW too.
      expect(le(lbKeogh(envelope(a, n), b), fullDtw(a, b))).toBe(true);
    });
  });

  it("the scan's PAA bounds (ShapeScorer.boundAt on a table row, both ways for DTW) are ≤ the exact distance", () => {
    pairs(9, (a, b, n, rand) => {
      const dims = randomInt(rand, 1, n);
      const qPaa = Float64Array.from(paa(a, dims));
      const row = Float32Array.from(paa(b, dims));
      const euclidean = new ShapeScorer(a, qPaa, { scorer: 'euclidean', band: 10, radius: 10 });
      expect(le32(euclidean.boundAt(row, 0, Infinity), squaredEuclidean(a, b))).toBe(true);
      const dtw = new ShapeScorer(a, qPaa, { scorer: 'dtw', band: randomInt(rand, 0, 100), radius: 10 });
      const segments = paaEnvelope(envelope(b, dtw.radius), dims);
      const envelopes = {
        upper: new Float32Array(0),
        lower: new Float32Array(0),
        paaUpper: Float32Array.from(segments.upper),
        paaLower: Float32Array.from(segments.lower),
      };
      const exact = cdtw(a, b, dtw.radius);
      const forward = dtw.boundAt(row, 0, Infinity);
      const both = dtw.boundAt(row, 0, Infinity, envelopes);
      expect(le32(forward, exact)).toBe(true);
      expect(le32(both, exact)).toBe(true);
      expect(both).toBeGreaterThanOrEqual(forward);
      // Abandoning: a bound that reaches the limit is Infinity, one below it is itself.
      if (both > 0) expect(dtw.boundAt(row, 0, both * 0.99, envelopes)).toBe(Infinity);
      expect(dtw.boundAt(row, 0, both * 1.01 + 1, envelopes)).toBe(both);
    });
  });

  it('LB_Keogh abandoning returns the whole bound or Infinity, never a wrong finite value', () => {
    pairs(6, (a, b, n, rand) => {
      const r = randomInt(rand, 0, n);
      const kg = lbKeogh(envelope(a, r), b);
      const kgLimited = lbKeogh(envelope(a, r), b, kg * (0.5 + rand()));
      expect(kgLimited === Infinity || kgLimited === kg).toBe(true);
    });
  });

  it('LB_Kim and LB_Keogh read in place from a packed float32 table equal the bounds on a copy; a suffix that reaches the threshold abandons', () => {
    pairs(9, (a, b, n, rand) => {
      const r = randomInt(rand, 0, n);
      // b, its envelope and a are rows of larger float32 tables, as a scan reads them.
      const at = randomInt(rand, 0, 3) * n;
      const rows = new Float32Array(at + 2 * n).fill(1e9);
      rows.set(b, at);
      const row = rows.subarray(at, at + n);
      const env = envelope(row, r);
      const upper = new Float32Array(at + n).fill(-1e9),
        lower = new Float32Array(at + n).fill(1e9);
      upper.set(env.upper, at);
      lower.set(env.lower, at);
      const queryEnv = envelope(a, r);
      expect(lbKim(a, rows, at, n)).toBe(lbKim(a, Float64Array.from(row)));
      const inPlace = new Float64Array(n + 1),
        copied = new Float64Array(n + 1);
      const runs = [
        (limit: number) => [
          lbKeoghTailAt(upper, lower, at, a, 0, n, inPlace, limit),
          lbKeoghTail(env, a, copied, limit),
        ],
        (limit: number) => [
          lbKeoghTailAt(queryEnv.upper, queryEnv.lower, 0, rows, at, n, inPlace, limit),
          lbKeoghTail(queryEnv, Float64Array.from(row), copied, limit),
        ],
      ];
      for (const run of runs) {
        const [got, want] = run(Infinity);
        expect(got).toBe(want);
        expect(Array.from(inPlace)).toEqual(Array.from(copied));
        expect(inPlace[0]).toBe(got);
        expect(le(got, cdtw(a, row, r))).toBe(true);
        // The sum is the suffix sums, from the last point: it stops at the first that reaches the
        // threshold, and a row whose whole bound stays under it keeps every suffix.
        const limit = got * (0.5 + rand());
        const [abandoned] = run(limit);
        expect(abandoned).toBe(got >= limit ? Infinity : got);
        if (got < limit) expect(Array.from(inPlace)).toEqual(Array.from(copied));
      }
    });
  });

  it('the envelope matches a naive sliding max/min', () => {
    const rand = rng(7);
    for (let t = 0; t < 100; t++) {
      const q = randomSeries(rand, randomInt(rand, 1, 50));
      const r = randomInt(rand, 0, 60);
      const env = envelope(q, r);
      q.forEach((_, i) => {
        const w = Array.from(q.slice(Math.max(0, i - r), Math.min(q.length, i + r + 1)));
        expect(env.upper[i]).toBe(Math.max(...w));
        expect(env.lower[i]).toBe(Math.min(...w));
      });
    }
  });

  it('LB_Keogh refuses series of unequal lengths', () => {
    expect(() => lbKeogh(envelope(Float64Array.of(1, 2, 3), 1), Float64Array.of(1, 2, 3, 4))).toThrow(
      RangeError,
    );
  });
});
