import type { AppendBatch } from '../../core/store/store.js';
import type { Exclusions, ShapeIndex } from '../../oculus/index/shapeIndex.js';
import type { ScorerName } from '../../oculus/search/scorer.js';
import { ShapeScorer } from '../../oculus/search/scorer.js';
import { shapeFromSeries, type Shape } from '../../oculus/shapes/shape.js';
import { randomSeries, rng } from './random.js';

export const T0 = 1_800_000_000;

/** `n` one-hour metrics at 60 s: random walks, every 25th flat at its own level. Seeded. */
export function metricBatches(n: number, seed = 11): AppendBatch[] {
  const rand = rng(seed);
  return Array.from({ length: n }, (_, m) => {
    const v = m % 25 === 24 ? new Float64Array(60).fill(m) : randomSeries(rand, 60);
    return {
      name: `svc${m % 3}.${m % 2 ? 'prod' : 'staging'}.m${m}`,
      points: Array.from(v, (x, i) => [T0 - 3600 + i * 60, x] as [number, number]),
    };
  });
}

export function shapesOf(batches: ReadonlyArray<AppendBatch>, paaDims = 16): Shape[] {
  return batches.map(
    (b) =>
      shapeFromSeries(
        b.name,
        {
          timestamps: Float64Array.from(b.points, (p) => p[0]),
          values: Float64Array.from(b.points, (p) => p[1]),
        },
        '1h',
        paaDims,
      )!,
  );
}

/** Exact top k by scoring every shape: what an index search must return. */
export function bruteForce(
  all: ReadonlyArray<Shape>,
  q: Shape,
  scorer: ScorerName,
  k: number,
  exclude: (name: string) => boolean,
): Array<{ name: string; score: number }> {
  const s = new ShapeScorer(q.z, q.paa, { scorer, band: 10, radius: 3 });
  return all
    .filter((c) => !c.flat && !exclude(c.name))
    .map((c) => ({ name: c.name, score: s.exact(c.z) }))
    .sort((a, b) => a.score - b.score)
    .slice(0, k);
}

export const noExclusions: Exclusions = { names: [], segments: [] };

export type OpenIndex = () => Promise<ShapeIndex>;
