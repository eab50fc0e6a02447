import { describe, expect, it } from 'vitest';
import { bandRadius } from '../../oculus/distances/band.js';
import { cdtw } from '../../oculus/distances/cdtw.js';
import { squaredEuclidean } from '../../oculus/distances/euclidean.js';
import { fastDtw, reduceByHalf } from '../../oculus/distances/fastdtw.js';
import {
  envelope,
  lbKeogh,
  lbKeoghTail,
  lbKeoghTailAt,
  lbKim,
  paaEnvelope,
} from '../../oculus/distances/lowerBounds.js';
import { windowedDtw } from '../../oculus/distances/windowedDtw.js';
import { ShapeScorer } from '../../oculus/search/scorer.js';
import { paa } from '../../oculus/shapes/paa.js';
import { znormalise } from '../../oculus/shapes/znorm.js';
import { randomInt, randomSeries, rng } from './random.js';

const TRIALS = 300;
/** Bounds and distances are sums in different orders: allow rounding, nothing more. */
const le = (a: number, b: number) => a <= b + 1e-9 * Math.max(1, Math.abs(b));
/** The same for bounds read from a table, whose PAA and envelopes are stored as float32. */
const le32 = (a: number, b: number) => a <= b + 1e-5 * Math.max(1, Math.abs(b));

/** Unconstrained DTW (every cell) through windowedDtw, the search FastDTW refines. */
function fullDtw(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const lo = new Int32Array(a.length);
  const hi = new Int32Array(a.length).fill(b.length - 1);
  return windowedDtw(a, b, lo, hi, false).distance;
}

/** Independent textbook DTW (full matrix, no tricks) to check the optimised ones against. */
function referenceDtw(a: ArrayLike<number>, b: ArrayLike<number>, r = Infinity): number {
  const D = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(Infinity));
  D[0][0] = 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      if (Math.abs(i - j) > r) continue;
      D[i][j] = (a[i - 1] - b[j - 1]) ** 2 + Math.min(D[i - 1][j - 1], D[i - 1][j], D[i][j - 1]);
    }
  }
  return D[a.length][b.length];
}

function pairs(seed: number, fn: (a: Float64Array, b: Float64Array, n: number, rand: () => number) => void) {
  const rand = rng(seed);
  for (let t = 0; t < TRIALS; t++) {
    const n = randomInt(rand, 2, 80);
    const z = rand() < 0.5;
    const a = randomSeries(rand, n),
      b = randomSeries(rand, n);
    fn(z ? znormalise(a) : a, z ? znormalise(b) : b, n, rand);
  }
}

describe('distances (seeded random inputs)', () => {
  it('DTW implementations agree with a textbook full-matrix DTW', () => {
    pairs(1, (a, b, n, rand) => {
      const r = randomInt(rand, 0, n);
      expect(cdtw(a, b, r)).toBeCloseTo(referenceDtw(a, b, r), 8);
      expect(fullDtw(a, b)).toBeCloseTo(referenceDtw(a, b), 8);
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

  it('early abandoning returns the exact distance or Infinity, never a wrong finite value', () => {
    pairs(6, (a, b, n, rand) => {
      const r = randomInt(rand, 0, n);
      const exact = cdtw(a, b, r);
      const limit = exact * (0.5 + rand());
      const abandoned = cdtw(a, b, r, limit);
      if (exact < limit) expect(abandoned).toBeCloseTo(exact, 9);
      else expect(abandoned).toBe(Infinity);
      const ed = squaredEuclidean(a, b);
      const edLimited = squaredEuclidean(a, b, limit);
      expect(edLimited === Infinity || edLimited === ed).toBe(true);
      if (ed < limit) expect(edLimited).toBe(ed);
      const kg = lbKeogh(envelope(a, r), b);
      const kgLimited = lbKeogh(envelope(a, r), b, limit);
      expect(kgLimited === Infinity || kgLimited === kg).toBe(true);
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

  it('LB_Kim and LB_Keogh read in place from a packed float32 table, in any point order, equal the bounds on a copy', () => {
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
      const inOrder = Int32Array.from(a.keys());
      // The scan's order: the query's points by falling |value|; and a random one.
      const byValue = Int32Array.from(a.keys()).sort((i, j) => Math.abs(a[j]) - Math.abs(a[i]));
      const shuffled = Int32Array.from(a.keys()).sort(() => rand() - 0.5);
      const inPlace = new Float64Array(n + 1),
        copied = new Float64Array(n + 1);
      const runs = [
        () => [
          lbKeoghTailAt(upper, lower, at, a, 0, inOrder, inPlace, Infinity),
          lbKeoghTail(env, a, copied),
        ],
        () => [
          lbKeoghTailAt(queryEnv.upper, queryEnv.lower, 0, rows, at, inOrder, inPlace, Infinity),
          lbKeoghTail(queryEnv, Float64Array.from(row), copied),
        ],
      ];
      for (const run of runs) {
        const [got, want] = run();
        expect(got).toBe(want);
        expect(Array.from(inPlace)).toEqual(Array.from(copied));
        expect(le(got, cdtw(a, row, r))).toBe(true);
      }
      for (const order of [byValue, shuffled]) {
        // The terms are the same, summed in another order: the same suffix sums by index, the same
        // bound up to rounding, and abandoned only when the whole bound reaches the threshold.
        const whole = lbKeoghTail(env, a, copied);
        expect(lbKeoghTailAt(upper, lower, at, a, 0, order, inPlace, Infinity)).toBeCloseTo(whole, 9);
        expect(Array.from(inPlace)).toEqual(Array.from(copied));
        const limit = whole * (0.5 + rand());
        const abandoned = lbKeoghTailAt(upper, lower, at, a, 0, order, inPlace, limit);
        if (whole < limit * (1 - 1e-12)) expect(abandoned).toBeCloseTo(whole, 9);
        else if (whole >= limit * (1 + 1e-12)) expect(abandoned).toBe(Infinity);
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

  it('unequal lengths: Euclidean, banded DTW and LB_Keogh refuse them; full DTW and FastDTW accept them', () => {
    const a = Float64Array.of(1, 2, 3),
      b = Float64Array.of(1, 2, 3, 4);
    expect(() => squaredEuclidean(a, b)).toThrow(RangeError);
    expect(() => cdtw(a, b, 1)).toThrow(RangeError);
    expect(() => lbKeogh(envelope(a, 1), b)).toThrow(RangeError);
    expect(fullDtw(a, b)).toBe(1); // 4 aligns with 3
    expect(fastDtw(a, b, 1).distance).toBe(1);
    expect(() => windowedDtw([], b, new Int32Array(0), new Int32Array(0))).toThrow(RangeError);
    expect(() => fastDtw(a, b, -1)).toThrow(RangeError);
  });

  it('reduceByHalf averages pairs and keeps an odd last point', () => {
    expect(Array.from(reduceByHalf([1, 3, 5, 7, 9]))).toEqual([2, 6, 9]);
  });

  it("a window percentage becomes a radius by rounding up (the archive's CBF figure needs it)", () => {
    expect(bandRadius(11, 128)).toBe(15);
    expect(bandRadius(10, 60)).toBe(6);
    expect(bandRadius(0, 128)).toBe(0);
    expect(bandRadius(100, 128)).toBe(128);
    expect(() => bandRadius(-1, 10)).toThrow(RangeError);
  });
});
