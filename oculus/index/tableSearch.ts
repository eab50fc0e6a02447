import { ShapeScorer } from '../search/scorer.js';
import { TopK } from '../search/topK.js';
import type { ScanPool } from './scanPool.js';
import { isExcluded, levelScore, type ShapeQuery, type ShapeSearchResult } from './shapeIndex.js';
import type { ShapeTable } from './shapeTable.js';
import { sharedUint8 } from './sharedColumns.js';
import { mergeScans, runScan, scanControl, type ScanJob } from './tableScan.js';

/** How many of the lowest-bound rows are scored first, as a multiple of k, to set a tight best-so-far. */
const SEED_FACTOR = 8;

/**
 * Exact k-nearest search over a table: one pass finds the SEED_FACTOR·k rows nearest in PAA Euclidean
 * distance (PAA dims each at most; see ShapeScorer.nearestRows), which are scored exactly first so
 * the best-so-far is tight from the start, then the rest are scanned in table order (tableScan.ts),
 * split over the pool's worker threads on large tables: a row whose PAA lower bound
 * (ShapeScorer.boundAt, abandoned at the best-so-far) cannot beat it is skipped, the others go
 * through the scorer's cascade. Gives the same top k as scoring every row. Bounds are only computed
 * in the scan, against a known best-so-far, so most stop after a few segments; no sort (sorting 250k
 * bounds cost more than the order saved once the seeds have set the best-so-far).
 */
export async function searchTable(
  table: ShapeTable,
  query: ShapeQuery,
  pool?: ScanPool,
): Promise<ShapeSearchResult> {
  const { shape, k, exclude } = query;
  if (shape.flat) return searchFlat(table, query);
  const scorer = new ShapeScorer(shape.z, shape.paa, query.scoring);
  const n = table.count;
  const { length, z, paa } = table;
  const envelopes = query.scoring.scorer === 'dtw' ? table.envelopes(scorer.radius) : undefined;
  const skip = sharedUint8(n);
  const excluding = exclude.names.length > 0 || exclude.segments.length > 0;
  for (let i = 0; i < n; i++)
    if (table.flat[i] || (excluding && isExcluded(table.names[i], exclude))) skip[i] = 1;
  const nearest = new TopK<number>(k * SEED_FACTOR);
  scorer.nearestRows(paa, n, skip, nearest);
  const seeds = new TopK<number>(k);
  let examined = 0;
  for (const { item: i } of nearest.sorted()) {
    skip[i] = 1; // done here
    const worst = seeds.worst;
    if (scorer.boundAt(paa, i, worst, envelopes) >= worst) continue;
    examined++;
    seeds.offer(scorer.exactAt(z, i * length, worst, envelopes), i);
  }
  const job: ScanJob = {
    columns: { count: n, length, z, paa, envelopes },
    query: { z: shape.z, paa: shape.paa, scoring: query.scoring },
    k,
    seeds: seeds.sorted(),
    skip,
    // About a hundred blocks on a large table (2,048 rows each at 250k); small blocks on small ones.
    block: Math.max(16, Math.min(2048, Math.ceil(n / 100))),
    control: scanControl(),
  };
  const helpers = pool?.helpersFor(n) ?? 0;
  const shares = helpers > 0 ? pool!.run(job, helpers) : [];
  const results = [runScan(job, scorer), ...(await Promise.all(shares))];
  for (const r of results) examined += r.examined;
  const hits = mergeScans(k, job.seeds, results).map(({ score, item }) => ({
    score,
    shape: table.shape(item),
  }));
  return { hits, examined };
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
