import { ShapeScorer } from '../search/scorer.js';
import { TopK } from '../search/topK.js';
import type { ScanPool } from './scanPool.js';
import {
  isExcluded,
  levelScore,
  type Exclusions,
  type ShapeQuery,
  type ShapeSearchResult,
} from './shapeIndex.js';
import type { ShapeTable } from './shapeTable.js';
import { sharedUint8 } from './sharedColumns.js';
import { mergeScans, runScan, scanControl, type ScanJob } from './tableScan.js';

/** How many of the lowest-bound rows are scored first, as a multiple of k, to set a tight best-so-far. */
const SEED_FACTOR = 8;
/**
 * Rows the seeds are chosen from, at most (searchTable's `seedSample`): every (count / SEED_SAMPLE)-th
 * row. Choosing them among all of 1M rows cost 20–50 ms a query on one thread, as much as the scan
 * itself, for a threshold barely tighter than a sample's: the scan's first blocks bring it down to
 * the final k-th best either way (seeds from 1/64 of the rows: the scan examined 245k rows instead of
 * 236k for a noise query, 5.8k instead of 5.2k for a walk, the same within noise for the rest).
 */
const SEED_SAMPLE = 16_384;

/**
 * Exact k-nearest search over a table: one pass over a sample of the rows finds the SEED_FACTOR·k
 * nearest in PAA Euclidean distance (PAA dims each at most; see ShapeScorer.nearestRows), which are
 * scored exactly first so the best-so-far is tight from the start, then the rest are scanned in
 * table order (tableScan.ts),
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
  seedSample = SEED_SAMPLE,
): Promise<ShapeSearchResult> {
  const { shape, k, exclude } = query;
  if (shape.flat) return searchFlat(table, query);
  const scorer = new ShapeScorer(shape.z, shape.paa, query.scoring);
  const n = table.count;
  const { length, z, paa } = table;
  const envelopes = query.scoring.scorer === 'dtw' ? table.envelopes(scorer.radius) : undefined;
  const skip = skippedRows(table, exclude);
  const nearest = new TopK<number>(k * SEED_FACTOR);
  scorer.nearestRows(paa, n, skip, nearest, Math.max(1, Math.floor(n / seedSample)));
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

/**
 * Rows no scan visits: flat shapes, and excluded names. Excluded names are found through the table's
 * row map: testing every row's name against them (`isExcluded`) cost a third of a Euclidean search's
 * CPU at 1M rows, all of it on the searching thread before the scan splits. Only segment exclusions
 * still need every name.
 */
function skippedRows(table: ShapeTable, exclude: Exclusions): Uint8Array {
  const skip = sharedUint8(table.count);
  skip.set(table.flat);
  for (const name of exclude.names) {
    const row = table.rows.get(name);
    if (row !== undefined) skip[row] = 1;
  }
  if (exclude.segments.length > 0)
    for (let i = 0; i < table.count; i++) if (isExcluded(table.names[i], exclude)) skip[i] = 1;
  return skip;
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
