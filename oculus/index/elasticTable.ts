import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { paa } from '../shapes/paa.js';
import { WINDOW_GRIDS, type ShapeWindow } from '../shapes/windows.js';
import { TransientError } from './elasticRetry.js';
import { decodeFloats, TABLE_FIELDS, type TableDoc } from './elasticDocs.js';
import { sharedFloat32 } from './sharedColumns.js';
import { ShapeTable } from './shapeTable.js';

/** Documents per scroll page: Elasticsearch's default ceiling on a page. */
const PAGE = 10_000;
const FILTER_PATH = ['_scroll_id', 'hits.hits._source'];

/**
 * Reads every shape of one concrete index into a ShapeTable (the embedded index's columns), so a
 * search runs the same exact scan as the embedded index. Only the fields the scan needs travel:
 * the binary `z`, stats, name and the flat flag; PAA is recomputed from `z`. A copy short of the
 * index's count (a shard copy lost mid-read) is refused with a TransientError, never searched.
 */
export async function loadTable(
  client: Client,
  index: string,
  window: ShapeWindow,
  paaDims: number,
): Promise<ShapeTable> {
  const { count } = await client.count({ index });
  const table = await tableOf(index, window, paaDims, count, scrollPages(client, index));
  if (table.count !== count) throw new TransientError(`${index}: read ${table.count} of ${count} shapes`);
  return table;
}

/**
 * The shapes one search finds, as a table: a knn's nearest in PAA space (with its filters), flat
 * shapes, or one shape by name. No scoring is used; the caller rescores exactly.
 */
export async function foundTable(
  client: Client,
  index: string,
  window: ShapeWindow,
  paaDims: number,
  request: { knn: estypes.KnnSearch; size: number } | { query: estypes.QueryDslQueryContainer; size: number },
): Promise<ShapeTable> {
  const res = await client.search<TableDoc>({
    index,
    ...request,
    _source: [...TABLE_FIELDS],
    filter_path: FILTER_PATH,
    // A shard without a live copy is an error, not fewer candidates.
    allow_partial_search_results: false,
  });
  const hits = res.hits?.hits ?? [];
  return tableOf(index, window, paaDims, hits.length, [hits]);
}

async function* scrollPages(
  client: Client,
  index: string,
): AsyncGenerator<Array<estypes.SearchHit<TableDoc>>> {
  let page = await client.search<TableDoc>({
    index,
    scroll: '1m',
    size: PAGE,
    sort: ['_doc'],
    _source: [...TABLE_FIELDS],
    filter_path: FILTER_PATH,
    allow_partial_search_results: false,
  });
  try {
    for (;;) {
      const hits = page.hits?.hits ?? [];
      yield hits;
      if (hits.length < PAGE) return;
      try {
        page = await client.scroll<TableDoc>(
          { scroll_id: page._scroll_id!, scroll: '1m' },
          { querystring: { filter_path: FILTER_PATH } },
        );
      } catch (err) {
        // The scroll lives on the copy it started on: when that node goes, a new read starts on another.
        if (err instanceof errors.ResponseError && err.statusCode === 404)
          throw new TransientError(`${index}: the copy being read went away (${err.message})`);
        throw err;
      }
    }
  } finally {
    if (page._scroll_id) await client.clearScroll({ scroll_id: page._scroll_id }).catch(() => {});
  }
}

/** Columns for up to `count` documents, filled page by page. */
async function tableOf(
  index: string,
  window: ShapeWindow,
  paaDims: number,
  count: number,
  pages: AsyncIterable<Array<estypes.SearchHit<TableDoc>>> | Iterable<Array<estypes.SearchHit<TableDoc>>>,
): Promise<ShapeTable> {
  const grid = WINDOW_GRIDS[window];
  const len = grid.points;
  const dims = Math.min(paaDims, len);
  const names: string[] = [];
  const stats = new Float64Array(count * 6);
  const flat = new Uint8Array(count);
  const z = sharedFloat32(count * len);
  const paaCol = sharedFloat32(count * dims);
  const row = new Float64Array(len);
  for await (const hits of pages) {
    for (const hit of hits) {
      const d = hit._source!;
      const i = names.length;
      if (i === count) break; // documents added after the count: an index is not written after its import
      const values = decodeFloats(d.z);
      if (values.length !== len)
        throw new Error(`${index}: shape ${d.name} has ${values.length} values, expected ${len}`);
      names.push(d.name);
      stats.set([d.mean, d.std, d.min, d.max, d.last, d.start], i * 6);
      flat[i] = d.flat ? 1 : 0;
      z.set(values, i * len);
      row.set(values);
      paaCol.set(paa(row, dims), i * dims);
    }
    if (names.length === count) break;
  }
  const n = names.length;
  return ShapeTable.fromColumns({
    window,
    step: grid.step,
    length: len,
    dims,
    names,
    stats: stats.subarray(0, n * 6),
    flat: flat.subarray(0, n),
    z: z.subarray(0, n * len),
    paa: paaCol.subarray(0, n * dims),
  });
}
