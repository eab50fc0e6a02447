import { gaussian, seededRandom } from '../../utils/seed/random.js';

/** Seeded random series for property tests: random walks, so neighbours are correlated like metrics. */
export function randomSeries(rand: () => number, n: number): Float64Array {
  const out = new Float64Array(n);
  let v = gaussian(rand);
  for (let i = 0; i < n; i++) out[i] = v += gaussian(rand);
  return out;
}

export function rng(seed: number): () => number {
  return seededRandom(seed);
}

export function randomInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}
