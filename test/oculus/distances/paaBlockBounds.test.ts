import { describe, expect, it } from 'vitest';
import { envelope, paaEnvelope } from '../../../oculus/distances/lowerBounds.js';
import { ShapeScorer } from '../../../oculus/search/scorer.js';
import { paa } from '../../../oculus/shapes/paa.js';
import { znormalise } from '../../../oculus/shapes/znorm.js';
import { gaussian } from '../../../utils/seed/random.js';
import { randomInt, randomSeries, rng } from '../random.js';

/** Rows a block bound must get right: walks, noise, the query itself, flat, a lone spike. */
function series(rand: () => number, n: number, like: Float64Array): Float64Array {
  const kind = randomInt(rand, 0, 4);
  if (kind === 0) return znormalise(randomSeries(rand, n));
  if (kind === 1) return Float64Array.from({ length: n }, () => gaussian(rand));
  if (kind === 2) return Float64Array.from(like);
  if (kind === 3) return new Float64Array(n).fill(rand() * 4 - 2);
  const spike = new Float64Array(n);
  spike[randomInt(rand, 0, n - 1)] = 1e6;
  return spike;
}

/** A packed table's PAA and DTW segment envelopes (float32, as ShapeTable keeps them). */
function table(rows: Float64Array[], dims: number, radius: number) {
  const count = rows.length;
  const columns = {
    paa: new Float32Array(count * dims),
    paaUpper: new Float32Array(count * dims),
    paaLower: new Float32Array(count * dims),
  };
  rows.forEach((row, i) => {
    columns.paa.set(paa(row, dims), i * dims);
    const segments = paaEnvelope(envelope(row, radius), dims);
    columns.paaUpper.set(segments.upper, i * dims);
    columns.paaLower.set(segments.lower, i * dims);
  });
  return { ...columns, upper: new Float32Array(0), lower: new Float32Array(0) };
}

describe('PAA bounds of a block of rows (wasm SIMD)', () => {
  it('equal ShapeScorer.boundAt bit for bit for DTW, with and without row envelopes, abandoned or not', () => {
    const rand = rng(23);
    let compared = 0,
      abandoned = 0;
    for (let t = 0; t < 150; t++) {
      const n = randomInt(rand, 1, 90);
      const dims = randomInt(rand, 1, n);
      const query = series(rand, n, randomSeries(rand, n));
      const s = new ShapeScorer(query, Float64Array.from(paa(query, dims)), {
        scorer: 'dtw',
        band: randomInt(rand, 0, 30),
        radius: 10,
      });
      const rows = Array.from({ length: randomInt(rand, 1, 70) }, () => series(rand, n, query));
      const columns = table(rows, dims, s.radius);
      const withEnvelopes = rand() < 0.8 ? columns : undefined;
      // Several blocks of one scorer (as a scan claims them), each at a threshold of its own: none,
      // random, exactly one row's bound (a tie is abandoned), just past it, zero.
      for (let b = 0; b < 4; b++) {
        const from = randomInt(rand, 0, rows.length - 1),
          to = randomInt(rand, from + 1, rows.length);
        const some = s.boundAt(columns.paa, randomInt(rand, from, to - 1), Infinity, withEnvelopes);
        const abandonAt = [Infinity, rand() * 50 * n, some, some * (1 + 1e-12), 0][randomInt(rand, 0, 4)];
        const got = Array.from(s.boundRows(columns.paa, from, to, abandonAt, withEnvelopes) ?? []);
        expect(got.length).toBe(to - from);
        got.forEach((bound, k) => {
          const want = s.boundAt(columns.paa, from + k, abandonAt, withEnvelopes);
          expect(Object.is(bound, want), `n=${n} dims=${dims} row ${from + k}: ${bound} vs ${want}`).toBe(
            true,
          );
          compared++;
          if (want === Infinity) abandoned++;
        });
      }
    }
    expect(compared).toBeGreaterThan(5000);
    expect(abandoned).toBeGreaterThan(1000);
    expect(compared - abandoned).toBeGreaterThan(1000);
  });

  it('is DTW’s only: the other scorers bound a scan’s rows one at a time', () => {
    const q = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i));
    for (const scorer of ['euclidean', 'fastdtw'] as const) {
      const s = new ShapeScorer(q, Float64Array.from(paa(q, 12)), { scorer, band: 10, radius: 10 });
      expect(s.boundRows(new Float32Array(24), 0, 2, Infinity)).toBeNull();
    }
  });
});
