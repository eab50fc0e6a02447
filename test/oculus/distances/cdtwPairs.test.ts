import { describe, expect, it } from 'vitest';
import { cdtw } from '../../../oculus/distances/cdtw.js';
import { CdtwPairs } from '../../../oculus/distances/cdtwPairs.js';
import { envelope, lbKeoghTail } from '../../../oculus/distances/lowerBounds.js';
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

function tails(q: Float64Array, c: Float64Array, r: number) {
  const column = new Float64Array(q.length + 1),
    row = new Float64Array(q.length + 1);
  lbKeoghTail(envelope(q, r), c, column);
  lbKeoghTail(envelope(c, r), q, row);
  return { column, row };
}

describe('cdtw two candidates at a time (wasm SIMD)', () => {
  it('gives cdtw’s answer bit for bit: the distance below the threshold, Infinity at or above it', () => {
    const rand = rng(17);
    let compared = 0;
    for (const n of [1, 2, 3, 8, 60, 144]) {
      const pairs = new CdtwPairs(n);
      for (let t = 0; t < 150; t++) {
        const q = series(rand, n, randomInt(rand, 0, 4), randomSeries(rand, n));
        pairs.setQuery(q);
        const r = randomInt(rand, 0, n + 2);
        const lanes = [0, 1].map(() => {
          const c = series(rand, n, randomInt(rand, 0, 4), q);
          const exact = cdtw(q, c, r);
          // No threshold, one below, exactly at (cdtw abandons: a tie cannot beat the k-th best), above.
          const abandonAt = [Infinity, exact * rand(), exact, exact * (1 + rand())][randomInt(rand, 0, 3)];
          const withTails = rand() < 0.7 ? tails(q, c, r) : undefined;
          return { c, abandonAt, withTails };
        });
        lanes.forEach((l, lane) =>
          pairs.setLane(lane, l.c, 0, r, l.abandonAt, l.withTails?.column, l.withTails?.row),
        );
        const alone = rand() < 0.2;
        if (alone) pairs.clearLane(1);
        const got = Array.from(pairs.score(r));
        lanes.slice(0, alone ? 1 : 2).forEach((l, lane) => {
          const want = cdtw(q, l.c, r, l.abandonAt, l.withTails?.column, l.withTails?.row);
          expect(Object.is(got[lane], want), `n=${n} r=${r} lane ${lane}: ${got[lane]} vs ${want}`).toBe(
            true,
          );
          compared++;
        });
      }
    }
    expect(compared).toBeGreaterThan(1500);
  });

  it('refuses series of another length', () => {
    const pairs = new CdtwPairs(4);
    expect(() => pairs.setQuery(new Float64Array(5))).toThrow(RangeError);
    expect(() => pairs.setLane(0, new Float64Array(3), 0, 1, Infinity)).toThrow(RangeError);
    expect(() => pairs.setLane(0, new Float64Array(8), 5, 1, Infinity)).toThrow(RangeError);
  });
});
