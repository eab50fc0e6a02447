import { bandRadius } from '../../oculus/distances/band.js';
import { cdtw } from '../../oculus/distances/cdtw.js';
import { fastDtw } from '../../oculus/distances/fastdtw.js';
import { ShapeScorer } from '../../oculus/search/scorer.js';
import { TopK } from '../../oculus/search/topK.js';
import type { Shape } from '../../oculus/shapes/shape.js';
import { median } from './stats.js';

/** The rows a comparison scores: packed z-normalised values, `length` a row, flat rows marked. */
export interface ShapeRows {
  readonly z: Float32Array;
  readonly flat: Uint8Array;
  readonly names: readonly string[];
  readonly length: number;
  /** Rows 0 … count − 1 are compared (FastDTW has no bound to skip a row by, so a subset). */
  readonly count: number;
}

export interface FastDtwAgreement {
  /** Share of queries whose FastDTW nearest neighbour is not at the exact nearest distance. */
  nn_differs: number;
  /** Mean share of FastDTW's top k whose exact distance is within the exact k-th (ties count as found). */
  recall_at_k: number;
}

export interface FastDtwRadiusFigures {
  vs_cdtw: FastDtwAgreement;
  vs_full_dtw: FastDtwAgreement;
  /** Median time of one query's FastDTW scan over the rows. */
  ms_per_query: number;
}

export interface FastDtwComparison {
  rows: number;
  queries: number;
  k: number;
  band_pct: number;
  /** Median time of one query's exact top k by cDTW (LB_Kim → LB_Keogh both ways → early abandoning). */
  cdtw_ms_per_query: number;
  full_dtw_ms_per_query: number;
  fastdtw: Record<string, FastDtwRadiusFigures>;
}

/**
 * FastDTW against exact DTW on the same shapes, the way the UCR archive judges a distance: for each
 * query, is FastDTW's nearest neighbour the exact one, and how much of its top k is the exact top k.
 * Neighbours are compared by exact distance, not by name, because many bench shapes are identical
 * after z-normalisation (a sine at another scale): any of a tied group is a right answer. Exact is both
 * cDTW in Kale's default band and full DTW, which is what FastDTW approximates.
 */
export function compareFastDtw(
  rows: ShapeRows,
  queries: readonly Shape[],
  opts: { k: number; bandPct: number; radii: readonly number[] },
): FastDtwComparison {
  const { k, bandPct, radii } = opts;
  const { length } = rows;
  const band = bandRadius(bandPct, length);
  const exact = (pct: number) => {
    const times: number[] = [];
    const tops = queries.map((q) => {
      const scorer = new ShapeScorer(q.z, q.paa, { scorer: 'dtw', band: pct, radius: 0 });
      const started = performance.now();
      const top = new TopK<number>(k);
      forEachRow(rows, q, (m) => top.offer(scorer.exactAt(rows.z, m * length, top.worst), m));
      times.push(performance.now() - started);
      return top.sorted().map((h) => h.score);
    });
    return { tops, ms: median(times) };
  };
  const banded = exact(bandPct);
  const full = exact(100);
  const row = new Float64Array(length);
  const fastdtw: Record<string, FastDtwRadiusFigures> = {};
  for (const radius of radii) {
    const times: number[] = [];
    const picked = queries.map((q) => {
      const started = performance.now();
      const top = new TopK<number>(k);
      forEachRow(rows, q, (m) => {
        copyRow(rows, m, row);
        top.offer(fastDtw(q.z, row, radius).distance, m);
      });
      times.push(performance.now() - started);
      return top.sorted().map((h) => h.item);
    });
    // The exact distances of the rows FastDTW picked, in its order.
    const rescored = (r: number) =>
      picked.map((items, i) =>
        items.map((m) => {
          copyRow(rows, m, row);
          return cdtw(queries[i].z, row, r);
        }),
      );
    fastdtw[`r${radius}`] = {
      vs_cdtw: agreement(rescored(band), banded.tops),
      vs_full_dtw: agreement(rescored(length), full.tops),
      ms_per_query: median(times),
    };
  }
  return {
    rows: rows.count,
    queries: queries.length,
    k,
    band_pct: bandPct,
    cdtw_ms_per_query: banded.ms,
    full_dtw_ms_per_query: full.ms,
    fastdtw,
  };
}

/** `picked[i]`: exact distances of what FastDTW ranked first … k-th; `truth[i]`: the exact top k's. */
function agreement(picked: number[][], truth: number[][]): FastDtwAgreement {
  let differs = 0,
    recall = 0;
  picked.forEach((got, i) => {
    const best = truth[i];
    // Relative slack: the same pair's DTW summed in another order differs in the last bits.
    const within = (d: number, limit: number) => d <= limit * (1 + 1e-9) + 1e-12;
    if (!within(got[0], best[0])) differs++;
    recall += got.filter((d) => within(d, best[best.length - 1])).length / best.length;
  });
  return { nn_differs: differs / picked.length, recall_at_k: recall / picked.length };
}

function forEachRow(rows: ShapeRows, q: Shape, visit: (m: number) => void): void {
  for (let m = 0; m < rows.count; m++) if (!rows.flat[m] && rows.names[m] !== q.name) visit(m);
}

function copyRow(rows: ShapeRows, m: number, into: Float64Array): void {
  const o = m * rows.length;
  for (let i = 0; i < into.length; i++) into[i] = rows.z[o + i];
}
