import { windowedDtw } from '../../../oculus/distances/windowedDtw.js';
import { znormalise } from '../../../oculus/shapes/znorm.js';
import { randomInt, randomSeries, rng } from '../random.js';

export const TRIALS = 300;
/** Bounds and distances are sums in different orders: allow rounding, nothing more. */
export const le = (a: number, b: number) => a <= b + 1e-9 * Math.max(1, Math.abs(b));
/** The same for bounds read from a table, whose PAA and envelopes are stored as float32. */
export const le32 = (a: number, b: number) => a <= b + 1e-5 * Math.max(1, Math.abs(b));

/** Unconstrained DTW (every cell) through windowedDtw, the search FastDTW refines. */
export function fullDtw(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const lo = new Int32Array(a.length);
  const hi = new Int32Array(a.length).fill(b.length - 1);
  return windowedDtw(a, b, lo, hi, false).distance;
}

/** Independent textbook DTW (full matrix, no tricks) to check the optimised ones against. */
export function referenceDtw(a: ArrayLike<number>, b: ArrayLike<number>, r = Infinity): number {
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

/** TRIALS seeded pairs of equal length, half of them z-normalised as the index stores shapes. */
export function pairs(
  seed: number,
  fn: (a: Float64Array, b: Float64Array, n: number, rand: () => number) => void,
) {
  const rand = rng(seed);
  for (let t = 0; t < TRIALS; t++) {
    const n = randomInt(rand, 2, 80);
    const z = rand() < 0.5;
    const a = randomSeries(rand, n),
      b = randomSeries(rand, n);
    fn(z ? znormalise(a) : a, z ? znormalise(b) : b, n, rand);
  }
}
