import { ReorderedEuclidean } from '../distances/reorderedEuclidean.js';
import type { TopK } from './topK.js';

/**
 * Past this factor of the threshold the PAA bound summed in any order proves the bound summed in
 * segment order reaches it too (two orders of summing n non-negative terms differ by at most
 * 2(n − 1)·2^-53 of the sum): the bound then prunes no row the scorer's would keep.
 */
const BOUND_SLACK = 1 + 2 ** -30;

/**
 * A Euclidean scan's loop over a block of rows, with nothing called per row: each row not skipped is
 * held to the k-th best at its turn (this thread's, or `others`, another thread's), first by its PAA
 * distance (abandoned once it reaches that, as `ShapeScorer.boundAt` does, but in four partial sums),
 * then by its distance (reorderedEuclidean.ts), and enters `top` when below. The same scores and top
 * k as bounding and scoring each row through the scorer (which prunes every row this loop prunes),
 * without its calls, copies and branches for the other scorers, which were most of a Euclidean scan.
 */
export class EuclideanScan {
  private readonly distance: ReorderedEuclidean;
  private readonly width: number;

  constructor(
    query: Float64Array,
    private readonly queryPaa: Float64Array,
  ) {
    this.distance = new ReorderedEuclidean(query);
    this.width = query.length / queryPaa.length;
  }

  /** Rows [from, to) of a table's `z` (`length` values a row) and `paa` into `top`; answers how many were scored. */
  scanBlock(
    z: Float32Array,
    length: number,
    paa: Float32Array,
    from: number,
    to: number,
    skip: Uint8Array,
    others: number,
    top: TopK<number>,
  ): number {
    const qPaa = this.queryPaa,
      dims = qPaa.length,
      width = this.width,
      fours = dims & ~3;
    let examined = 0;
    for (let i = from; i < to; i++) {
      if (skip[i]) continue;
      const own = top.worst;
      const worst = own < others ? own : others;
      // The PAA bound in four partial sums (four independent chains of additions, not one), checked
      // every four segments against the limit raised by BOUND_SLACK: a row it prunes, the bound summed
      // in segment order (ShapeScorer.boundAt) prunes too.
      const limit = (worst / width) * BOUND_SLACK;
      const o = i * dims;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      let s = 0;
      for (; s < fours; s += 4) {
        const d0 = qPaa[s] - paa[o + s],
          d1 = qPaa[s + 1] - paa[o + s + 1],
          d2 = qPaa[s + 2] - paa[o + s + 2],
          d3 = qPaa[s + 3] - paa[o + s + 3];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
        if (s0 + s1 + s2 + s3 >= limit) break;
      }
      if (s < fours) continue;
      let sum = s0 + s1 + s2 + s3;
      for (; s < dims; s++) {
        const d = qPaa[s] - paa[o + s];
        sum += d * d;
      }
      if (sum >= limit || sum * width >= worst * BOUND_SLACK) continue;
      examined++;
      const score = this.distance.distanceAt(z, i * length, worst);
      if (score < own) top.offer(score, i);
    }
    return examined;
  }
}
