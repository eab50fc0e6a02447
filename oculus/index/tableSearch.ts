import { ShapeScorer } from '../search/scorer.js';
import { TopK } from '../search/topK.js';
import { isExcluded, levelScore, type ShapeQuery, type ShapeSearchResult } from './shapeIndex.js';
import type { ShapeTable } from './shapeTable.js';

/** How many of the lowest-bound rows are scored first, as a multiple of k, to set a tight best-so-far. */
const SEED_FACTOR = 8;

/**
 * Exact k-nearest search over a table, pruned by the PAA lower bound (Euclidean) or LB_PAA of the
 * query envelope (DTW): bound every row (cheap, PAA dims each), score the rows nearest in PAA space
 * exactly (SEED_FACTOR·k of them; see ShapeScorer.proximity) so the best-so-far is tight from the
 * start, then scan the rest in
 * table order, skipping rows whose bound cannot beat it and letting the scorer's cascade prune the
 * others. Gives the same top k as scoring every row. No sort: sorting 250k bounds cost more than
 * the order saved once the seeds have set the best-so-far.
 */
export function searchTable(table: ShapeTable, query: ShapeQuery): ShapeSearchResult {
  const { shape, k, exclude } = query;
  if (shape.flat) return searchFlat(table, query);
  const scorer = new ShapeScorer(shape.z, shape.paa, query.scoring);
  const n = table.count;
  const { dims, length, z } = table;
  const dtw = query.scoring.scorer === 'dtw';
  const envelopes = dtw ? table.envelopes(scorer.radius) : undefined;
  const bounds = new Float64Array(n);
  const seeds = new TopK<number>(k * SEED_FACTOR);
  for (let i = 0; i < n; i++) {
    if (table.flat[i] || isExcluded(table.names[i], exclude)) {
      bounds[i] = Infinity;
      continue;
    }
    const b = scorer.bound(table.paa, Infinity, i * dims, envelopes);
    bounds[i] = b;
    const near = dtw ? scorer.proximity(table.paa, i * dims) : b;
    if (near < seeds.worst) seeds.offer(near, i);
  }
  const top = new TopK<number>(k);
  let examined = 0;
  for (const { item: i } of seeds.sorted()) {
    if (bounds[i] >= top.worst) continue;
    examined++;
    top.offer(scorer.exactAt(z, i * length, top.worst, envelopes), i);
    bounds[i] = Infinity; // done
  }
  for (let i = 0; i < n; i++) {
    if (bounds[i] >= top.worst) continue;
    examined++;
    top.offer(scorer.exactAt(z, i * length, top.worst, envelopes), i);
  }
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
