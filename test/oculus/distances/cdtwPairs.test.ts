import { describe, expect, it } from 'vitest';
import { cdtw } from '../../../oculus/distances/cdtw.js';
import { CdtwPairs } from '../../../oculus/distances/cdtwPairs.js';
import { envelope, lbKeoghTailAt } from '../../../oculus/distances/lowerBounds.js';
import { gaussian } from '../../../utils/seed/random.js';
import { randomInt, randomSeries, rng } from '../random.js';

/** Series a pair kernel must get right: correlated, noise, identical, flat, a lone spike. */
function series(rand: () => number, n: number, kind: number, like: Float64Array): Float64Array {
  if (kind === 0) return randomSeries(rand, n);
  if (kind === 1) return Float64Array.from({ length: n }, () => gaussian(rand));
  if (kind === 2) return Float64Array.from(like);
  if (kind === 3) return new Float64Array(n).fill(rand() * 4 - 2);
  const spike = new Float64Array(n);
  spike[randomInt(rand, 0, n - 1)] = 1e6;
  return spike;
}

/** A candidate as a scan reads it: a float32 row, and its envelope, at an offset of larger columns. */
function tableRow(c: Float64Array, r: number, at: number) {
  const n = c.length;
  const z = new Float32Array(at + 2 * n).fill(1e9);
  z.set(c, at);
  const row = Float64Array.from(z.subarray(at, at + n));
  const env = envelope(row, r);
  const upper = new Float32Array(at + n).fill(-1e9),
    lower = new Float32Array(at + n).fill(1e9);
  upper.set(env.upper, at);
  lower.set(env.lower, at);
  return { z, upper, lower, at, row };
}

/**
 * The scan's cascade in JS: LB_Keogh of the query against the row's envelope, of the row against the
 * query's, then cdtw with both suffix bounds. Null when a bound prunes the row.
 */
function reference(q: Float64Array, r: number, t: ReturnType<typeof tableRow>, abandonAt: number) {
  const n = q.length;
  const rowTail = new Float64Array(n + 1),
    columnTail = new Float64Array(n + 1);
  if (lbKeoghTailAt(t.upper, t.lower, t.at, q, 0, n, rowTail, abandonAt) >= abandonAt) return null;
  const qEnv = envelope(q, r);
  if (lbKeoghTailAt(qEnv.upper, qEnv.lower, 0, t.z, t.at, n, columnTail, abandonAt) >= abandonAt) return null;
  return cdtw(q, t.row, r, abandonAt, columnTail, rowTail);
}

describe('cdtw two candidates at a time, behind LB_Keogh both ways (wasm SIMD)', () => {
  it('prunes what the JS bounds prune and gives cdtw’s answer bit for bit for the rest', () => {
    const rand = rng(17);
    let scored = 0,
      pruned = 0;
    for (const n of [1, 2, 3, 8, 60, 144]) {
      const pairs = new CdtwPairs(n);
      for (let t = 0; t < 300; t++) {
        const q = series(rand, n, randomInt(rand, 0, 4), randomSeries(rand, n));
        const r = randomInt(rand, 0, n + 2);
        const qEnv = envelope(q, r);
        pairs.setQuery(q, qEnv);
        const lanes = [0, 1].map((lane) => {
          const row = tableRow(series(rand, n, randomInt(rand, 0, 4), q), r, randomInt(rand, 0, 2) * n);
          const exact = cdtw(q, row.row, r);
          const whole = (
            upper: ArrayLike<number>,
            lower: ArrayLike<number>,
            at: number,
            c: ArrayLike<number>,
            from: number,
          ) => lbKeoghTailAt(upper, lower, at, c, from, n, new Float64Array(n + 1), Infinity);
          const reverse = whole(row.upper, row.lower, row.at, q, 0);
          const forward = whole(qEnv.upper, qEnv.lower, 0, row.z, row.at);
          // No threshold; below, exactly at (a tie cannot beat the k-th best) and above the distance;
          // exactly at, below and just above each bound, so rows are pruned part-way through the sums.
          const abandonAt = [
            Infinity,
            exact * rand(),
            exact,
            exact * (1 + rand()),
            reverse,
            reverse * rand(),
            reverse * (1 + 1e-9),
            forward,
            forward * rand(),
            forward * (1 + 1e-9),
          ][randomInt(rand, 0, 9)];
          const want = reference(q, r, row, abandonAt);
          const bound = pairs.boundLane(lane, row.z, row.upper, row.lower, row.at, abandonAt);
          expect(bound, `n=${n} r=${r} lane ${lane} at ${abandonAt}`).toBe(want !== null);
          if (!bound) {
            pairs.clearLane(lane);
            pruned++;
          }
          return want;
        });
        const got = Array.from(pairs.score());
        lanes.forEach((want, lane) => {
          if (want === null) return;
          expect(Object.is(got[lane], want), `n=${n} r=${r} lane ${lane}: ${got[lane]} vs ${want}`).toBe(
            true,
          );
          scored++;
        });
      }
    }
    expect(scored).toBeGreaterThan(1000);
    expect(pruned).toBeGreaterThan(1000);
  });

  it('the forward bound prunes too: a smooth row far outside a smooth query’s envelope', () => {
    const n = 60,
      r = 6;
    const q = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 5));
    const row = tableRow(
      Float64Array.from({ length: n }, (_, i) => 3 + Math.sin(i / 5)),
      r,
      0,
    );
    const pairs = new CdtwPairs(n);
    pairs.setQuery(q, envelope(q, r));
    const qEnv = envelope(q, r);
    const forward = lbKeoghTailAt(qEnv.upper, qEnv.lower, 0, row.z, 0, n, new Float64Array(n + 1), Infinity);
    expect(reference(q, r, row, forward)).toBeNull();
    expect(pairs.boundLane(0, row.z, row.upper, row.lower, 0, forward)).toBe(false);
    expect(pairs.boundLane(0, row.z, row.upper, row.lower, 0, forward * 2)).toBe(true);
  });

  it('refuses series of another length', () => {
    const pairs = new CdtwPairs(4);
    const q = new Float64Array(5);
    expect(() => pairs.setQuery(q, envelope(q, 1))).toThrow(RangeError);
    const short = new Float64Array(3),
      long = new Float64Array(8);
    expect(() => pairs.boundLane(0, short, short, short, 0, Infinity)).toThrow(RangeError);
    expect(() => pairs.boundLane(0, long, long, long, 5, Infinity)).toThrow(RangeError);
    expect(() => new CdtwPairs(0)).toThrow(RangeError);
  });
});
