import { ShapeScorer } from '../search/scorer.js';
import { TopK } from '../search/topK.js';
import { isExcluded, levelScore, type ShapeQuery, type ShapeSearchResult } from './shapeIndex.js';
import type { ShapeTable } from './shapeTable.js';

/**
 * Exact k-nearest search over a table, pruned by the PAA lower bound (Euclidean) or LB_PAA of the
 * query envelope (DTW): bound every row (cheap, PAA dims each), score the k lowest-bound rows exactly
 * to get a best-so-far, then visit only rows whose bound beats it, in bound order, stopping when the
 * next bound cannot. Gives the same top k as scoring every row.
 */
export function searchTable(table: ShapeTable, query: ShapeQuery): ShapeSearchResult {
  const { shape, k, exclude } = query;
  if (shape.flat) return searchFlat(table, query);
  const scorer = new ShapeScorer(shape.z, shape.paa, query.scoring);
  const n = table.count;
  const dims = table.dims;
  const bounds = new Float64Array(n);
  const seeds = new TopK<number>(k);
  for (let i = 0; i < n; i++) {
    if (table.flat[i]) {
      bounds[i] = Infinity;
      continue;
    }
    const b = scorer.bound(table.paa, Infinity, i * dims);
    bounds[i] = b;
    if (b < seeds.worst && !isExcluded(table.names[i], exclude)) seeds.offer(b, i);
  }
  const top = new TopK<number>(k);
  const done = new Set<number>();
  let examined = 0;
  for (const { item: i } of seeds.sorted()) {
    examined++;
    done.add(i);
    top.offer(scorer.exact(table.zRow(i), top.worst), i);
  }
  const rest: number[] = [];
  const cutoff = top.worst;
  for (let i = 0; i < n; i++) if (bounds[i] < cutoff && !done.has(i)) rest.push(i);
  rest.sort((a, b) => bounds[a] - bounds[b]);
  for (const i of rest) {
    if (bounds[i] >= top.worst) break;
    if (isExcluded(table.names[i], exclude)) continue;
    examined++;
    top.offer(scorer.exact(table.zRow(i), top.worst), i);
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
