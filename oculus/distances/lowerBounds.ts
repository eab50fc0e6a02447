import { segmentSpan } from '../shapes/paa.js';

/**
 * Lower bounds for the squared distances in this folder, cheapest first (the LB_Kim → LB_Keogh
 * cascade of Rakthanmanon et al. 2012). Each is ≤ the distance it bounds; property tests check it.
 */

/**
 * LB_Kim (first/last form): the first and last cells lie on every warping path. Any lengths ≥ 1; the
 * candidate may be the `length` values at `offset` of a larger array (a table's row).
 */
export function lbKim(
  q: ArrayLike<number>,
  c: ArrayLike<number>,
  offset = 0,
  length = c.length - offset,
): number {
  const first = (q[0] - c[offset]) ** 2;
  if (q.length === 1 && length === 1) return first;
  return first + (q[q.length - 1] - c[offset + length - 1]) ** 2;
}

/** Upper and lower envelope of `q` for a Sakoe–Chiba band of radius r (Lemire's streaming max/min). */
export interface Envelope {
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  readonly radius: number;
}

export function envelope(q: ArrayLike<number>, radius: number): Envelope {
  const n = q.length;
  return envelopeInto(
    q,
    radius,
    { upper: new Float64Array(n), lower: new Float64Array(n), radius },
    new Int32Array(2 * n),
  );
}

/**
 * The envelope of `q` written into `out` (arrays q.length long), with `deques` (≥ 2·length) as
 * scratch: the search computes one per candidate for the reverse LB_Keogh and allocates nothing there.
 */
export function envelopeInto(
  q: ArrayLike<number>,
  radius: number,
  out: Envelope,
  deques: Int32Array,
): Envelope {
  const n = q.length;
  const { upper, lower } = out;
  // Monotonic deques of indices over the sliding window [i - r, i + r]: max in [0, n), min in [n, 2n).
  let maxHead = 0,
    maxTail = 0,
    minHead = n,
    minTail = n;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const hi = Math.min(n - 1, i + radius);
    for (; next <= hi; next++) {
      const v = q[next];
      while (maxTail > maxHead && q[deques[maxTail - 1]] <= v) maxTail--;
      deques[maxTail++] = next;
      while (minTail > minHead && q[deques[minTail - 1]] >= v) minTail--;
      deques[minTail++] = next;
    }
    const lo = i - radius;
    while (deques[maxHead] < lo) maxHead++;
    while (deques[minHead] < lo) minHead++;
    upper[i] = q[deques[maxHead]];
    lower[i] = q[deques[minHead]];
  }
  return out;
}

/**
 * LB_Keogh: how far `c` strays outside the query's envelope; bounds banded DTW of the same radius
 * (equal lengths). Abandons (returns Infinity) once it reaches `abandonAt`.
 */
export function lbKeogh(env: Envelope, c: ArrayLike<number>, abandonAt = Infinity): number {
  const { upper, lower } = env;
  if (upper.length !== c.length)
    throw new RangeError(`LB_Keogh needs equal lengths (${upper.length} vs ${c.length})`);
  let sum = 0;
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    if (v > upper[i]) sum += (v - upper[i]) ** 2;
    else if (v < lower[i]) sum += (v - lower[i]) ** 2;
    if (sum >= abandonAt) return Infinity;
  }
  return sum;
}

/**
 * LB_Keogh that also leaves, in `tail`, the cumulative bound of each suffix: tail[j] = Σ_{k ≥ j} of
 * the per-point terms (tail.length ≥ n + 1; tail[n] = 0). cdtw uses it to abandon earlier.
 * Returns the whole bound, or Infinity once it reaches `abandonAt` (tail then unusable).
 */
export function lbKeoghTail(
  env: Envelope,
  c: ArrayLike<number>,
  tail: Float64Array,
  abandonAt = Infinity,
): number {
  const n = c.length;
  if (env.upper.length !== n)
    throw new RangeError(`LB_Keogh needs equal lengths (${env.upper.length} vs ${n})`);
  return lbKeoghTailAt(env.upper, env.lower, 0, c, 0, n, tail, abandonAt);
}

/**
 * `lbKeoghTail` on an envelope and a series of length n stored at offsets of larger arrays (a scan
 * reads a table's rows and their envelopes in place). The sum runs from the last point to the first,
 * so it is the suffix sums themselves and stops at the first that reaches `abandonAt`: the order the
 * pair kernel (cdtwPairs.ts) sums in, so its bounds are these bit for bit.
 */
export function lbKeoghTailAt(
  upper: ArrayLike<number>,
  lower: ArrayLike<number>,
  envOffset: number,
  c: ArrayLike<number>,
  offset: number,
  n: number,
  tail: Float64Array,
  abandonAt: number,
): number {
  let sum = 0;
  tail[n] = 0;
  for (let i = n - 1; i >= 0; i--) {
    const v = c[offset + i];
    const u = upper[envOffset + i],
      l = lower[envOffset + i];
    let d = 0;
    if (v > u) d = (v - u) * (v - u);
    else if (v < l) d = (v - l) * (v - l);
    sum += d;
    tail[i] = sum;
    if (sum >= abandonAt) return Infinity;
  }
  return sum;
}

/** An envelope reduced to PAA segments: max of upper and min of lower over each segment. */
export interface PaaEnvelope {
  readonly upper: ArrayLike<number>;
  readonly lower: ArrayLike<number>;
  /** Length of the series it was reduced from. */
  readonly n: number;
}

/** Written into `out` (arrays `dims` long) when given: a table reduces 250,000 envelopes. */
export function paaEnvelope(
  env: Envelope,
  dims: number,
  out?: { upper: Float64Array; lower: Float64Array },
): PaaEnvelope & { readonly upper: Float64Array; readonly lower: Float64Array } {
  const n = env.upper.length;
  const upper = out?.upper ?? new Float64Array(dims);
  const lower = out?.lower ?? new Float64Array(dims);
  for (let s = 0; s < dims; s++) {
    const [from, to] = segmentSpan(n, dims, s);
    let u = -Infinity,
      l = Infinity;
    for (let i = from; i <= to; i++) {
      if (env.upper[i] > u) u = env.upper[i];
      if (env.lower[i] < l) l = env.lower[i];
    }
    upper[s] = u;
    lower[s] = l;
  }
  return { upper, lower, n };
}
