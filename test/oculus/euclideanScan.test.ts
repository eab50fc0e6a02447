import { describe, expect, it } from 'vitest';
import { EuclideanScan } from '../../oculus/search/euclideanScan.js';
import { ShapeScorer } from '../../oculus/search/scorer.js';
import { TopK } from '../../oculus/search/topK.js';
import { paa } from '../../oculus/shapes/paa.js';
import { znormalise } from '../../oculus/shapes/znorm.js';
import { gaussian } from '../../utils/seed/random.js';
import { randomInt, randomSeries, rng } from './random.js';

describe('EuclideanScan (a block of rows, PAA bound in four partial sums, reordered distance)', () => {
  it('keeps the same top k, scores and order as bounding and scoring each row through ShapeScorer', () => {
    const rand = rng(41);
    for (let t = 0; t < 120; t++) {
      const n = randomInt(rand, 1, 90);
      const dims = randomInt(rand, 1, Math.min(n, 33));
      const series = () =>
        rand() < 0.5
          ? znormalise(randomSeries(rand, n))
          : Float64Array.from({ length: n }, () => gaussian(rand));
      const query = series();
      const queryPaa = paa(query, dims);
      const count = randomInt(rand, 1, 300);
      const z = new Float32Array(count * n),
        p = new Float32Array(count * dims);
      for (let i = 0; i < count; i++) {
        // Some rows are the query again: ties at distance 0.
        const row = rand() < 0.05 ? query : series();
        z.set(row, i * n);
        p.set(paa(row, dims), i * dims);
      }
      const skip = Uint8Array.from({ length: count }, () => (rand() < 0.1 ? 1 : 0));
      const k = randomInt(rand, 1, 25);
      const others = rand() < 0.5 ? Infinity : 20 + rand() * 100;
      const scorer = new ShapeScorer(query, queryPaa, { scorer: 'euclidean', band: 10, radius: 10 });
      const expected = new TopK<number>(k);
      for (let i = 0; i < count; i++) {
        if (skip[i]) continue;
        const worst = expected.worst < others ? expected.worst : others;
        if (scorer.boundAt(p, i, worst) >= worst) continue;
        expected.offer(scorer.exactAt(z, i * n, worst), i);
      }
      const top = new TopK<number>(k);
      const scan = new EuclideanScan(query, queryPaa);
      // In blocks, as a scan claims them.
      for (let from = 0; from < count; from += 64)
        scan.scanBlock(z, n, p, from, Math.min(count, from + 64), skip, others, top);
      expect(top.sorted()).toEqual(expected.sorted());
    }
  });
});
