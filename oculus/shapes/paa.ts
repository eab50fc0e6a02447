/**
 * Piecewise Aggregate Approximation to `dims` segments. When the length is not a multiple of `dims`
 * a point straddling two segments contributes to each in proportion, so every segment spans exactly
 * length/dims points; this keeps `sqrt(length/dims) * ||PAA(x) - PAA(y)||` a lower bound of the
 * Euclidean distance (Keogh et al. 2001) for any length (Cauchy–Schwarz per segment). Written into
 * `out` (dims long) when given.
 */
export function paa(v: ArrayLike<number>, dims: number, out = new Float64Array(dims)): Float64Array {
  const n = v.length;
  if (n === 0) return out.fill(0);
  const width = n / dims;
  for (let s = 0; s < dims; s++) {
    const from = s * width;
    const to = from + width;
    let sum = 0;
    for (let i = Math.floor(from); i < Math.min(n, Math.ceil(to)); i++) {
      const w = Math.min(to, i + 1) - Math.max(from, i);
      if (w > 0) sum += w * v[i];
    }
    out[s] = sum / width;
  }
  return out;
}

/** Index range [first, last] of points that contribute to segment `s` (for envelope bounds). */
export function segmentSpan(n: number, dims: number, s: number): [number, number] {
  const width = n / dims;
  const from = s * width;
  const to = from + width;
  return [Math.floor(from), Math.min(n - 1, Math.ceil(to) - 1)];
}
