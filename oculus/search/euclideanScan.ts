import { ReorderedEuclidean } from '../distances/reorderedEuclidean.js';
import type { TopK } from './topK.js';

/**
 * A Euclidean scan's loop over a block of rows, with nothing called per row: each row not skipped is
 * held to the k-th best at its turn (this thread's, or `others`, another thread's), first by its PAA
 * distance (abandoned once it reaches that, as `ShapeScorer.boundAt` does), then by its distance
 * (reorderedEuclidean.ts), and enters `top` when below. The same rows, scores and order as bounding
 * and scoring each row through the scorer, without its calls, copies and branches for the other
 * scorers, which were most of a Euclidean search's scan.
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
      width = this.width;
    let examined = 0;
    for (let i = from; i < to; i++) {
      if (skip[i]) continue;
      const own = top.worst;
      const worst = own < others ? own : others;
      const limit = worst / width;
      const o = i * dims;
      let sum = 0;
      let s = 0;
      for (; s < dims; s++) {
        const d = qPaa[s] - paa[o + s];
        sum += d * d;
        if (sum >= limit) break;
      }
      if (s < dims || sum * width >= worst) continue;
      examined++;
      const score = this.distance.distanceAt(z, i * length, worst);
      if (score < own) top.offer(score, i);
    }
    return examined;
  }
}
