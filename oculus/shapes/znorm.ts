/** Summary statistics of a resampled window. */
export interface ShapeStats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly last: number;
}

/**
 * A window whose spread is this small relative to its level (or absolutely, near zero) has no shape:
 * z-normalising it would amplify noise, so it is marked flat and matched by level instead.
 */
const FLAT_RELATIVE = 1e-9;
const FLAT_ABSOLUTE = 1e-12;

export function stats(v: ArrayLike<number>): ShapeStats {
  let sum = 0,
    min = Infinity,
    max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    sum += v[i];
    if (v[i] < min) min = v[i];
    if (v[i] > max) max = v[i];
  }
  const mean = sum / v.length;
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += (v[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / v.length), min, max, last: v[v.length - 1] };
}

export function isFlat(s: ShapeStats): boolean {
  return s.std <= Math.max(FLAT_ABSOLUTE, FLAT_RELATIVE * Math.abs(s.mean));
}

/** (v - mean) / std, population std; all zeros for a flat window. Written into `out` when given. */
export function znormalise(
  v: ArrayLike<number>,
  s: ShapeStats = stats(v),
  out = new Float64Array(v.length),
): Float64Array {
  if (isFlat(s)) return out.fill(0);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] - s.mean) / s.std;
  return out;
}
