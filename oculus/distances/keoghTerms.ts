import { get, simd, simdOp, tee } from './wasmBinary.js';

/**
 * Instructions leaving, per float64 lane, the LB_Keogh term of a point against an envelope:
 * `x > u ? (x − u)² : x < l ? (x − l)² : 0` (lowerBounds.ts) from the locals `x`, `u`, `l`, with
 * `d` as scratch. No branch: both squares are computed and the comparisons pick one by bit masks,
 * so the result is the JS expression's bit for bit, and a noisy series (above, below or inside the
 * envelope at random) costs no mispredictions. With u = l (a series for its own envelope) it is the
 * squared difference.
 */
export function keoghTerms(x: number, u: number, l: number, d: number): number[] {
  // biome-ignore format: one line per step
  return [
    ...get(x), ...get(u), ...simdOp(simd.f64x2Sub), ...tee(d), ...get(d), ...simdOp(simd.f64x2Mul),
    ...get(x), ...get(l), ...simdOp(simd.f64x2Sub), ...tee(d), ...get(d), ...simdOp(simd.f64x2Mul),
    ...get(x), ...get(l), ...simdOp(simd.f64x2Lt), ...simdOp(simd.and),
    ...get(x), ...get(u), ...simdOp(simd.f64x2Gt), ...simdOp(simd.bitselect),
  ];
}
