import { ShapeScorer } from '../search/scorer.js';
import { TopK } from '../search/topK.js';
import { isExcluded, levelScore, type ShapeQuery, type ShapeSearchResult } from './shapeIndex.js';
import type { ShapeTable } from './shapeTable.js';

/** How many of the lowest-bound rows are scored first, as a multiple of k, to set a tight best-so-far. */
const SEED_FACTOR = 8;

/**
 * Exact k-nearest search over a table: one pass computes every row's PAA Euclidean distance (cheap,
 * PAA dims each; see ShapeScorer.nearRows), the SEED_FACTOR·k nearest rows are scored exactly first so
 * the best-so-far is tight from the start, then the rest are scanned in table order: a row whose PAA
 * lower bound (ShapeScorer.boundAt, abandoned at the best-so-far) cannot beat it is skipped, the
 * others go through the scorer's cascade. Gives the same top k as scoring every row. Bounds are only
 * computed in the scan, against a known best-so-far, so most stop after a few segments; no sort
 * (sorting 250k bounds cost more than the order saved once the seeds have set the best-so-far).
 */
export function searchTable(table: ShapeTable, query: ShapeQuery): ShapeSearchResult {
  const { shape, k, exclude } = query;
  if (shape.flat) return searchFlat(table, query);
  const scorer = new ShapeScorer(shape.z, shape.paa, query.scoring);
  const n = table.count;
  const { length, z } = table;
  const envelopes = query.scoring.scorer === 'dtw' ? table.envelopes(scorer.radius) : undefined;
  const near = new Float64Array(n);
  scorer.nearRows(table.paa, n, near);
  const seeds = new TopK<number>(k * SEED_FACTOR);
  const skip = new Uint8Array(n);
  const excluding = exclude.names.length > 0 || exclude.segments.length > 0;
  for (let i = 0; i < n; i++) {
    if (table.flat[i] || (excluding && isExcluded(table.names[i], exclude))) skip[i] = 1;
    else if (near[i] < seeds.worst) seeds.offer(near[i], i);
  }
  const top = new TopK<number>(k);
  let examined = 0;
  const visit = (i: number): void => {
    const worst = top.worst;
    if (scorer.boundAt(table.paa, i, worst, envelopes) >= worst) return;
    examined++;
    top.offer(scorer.exactAt(z, i * length, worst, envelopes), i);
  };
  for (const { item: i } of seeds.sorted()) {
    visit(i);
    skip[i] = 1; // done
  }
  for (let i = 0; i < n; i++) if (!skip[i]) visit(i);
  return { hits: top.sorted().map(({ score, item }) => ({ score, shape: table.shape(item) })), examined };
}

function searchFlat(table: ShapeTable, query: ShapeQuery): ShapeSearchResult {
  const top = new TopK<number>(query.k);
  let examined = 0;
  for (let i = 0; i < table.count; i++) {
    if (!table.flat[i] || isExcluded(table.names[i], query.exclude)) continue;
    examined++;
    top.offer(levelScore(query.shape, table.mean(i)), i);
  }
  return { hits: top.sorted().map(({ score, item }) => ({ score, shape: table.shape(item) })), examined };
}
