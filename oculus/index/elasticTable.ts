import type { Client } from '@elastic/elasticsearch';
import { paa } from '../shapes/paa.js';
import { WINDOW_GRIDS, type ShapeWindow } from '../shapes/windows.js';
import { decodeFloats, TABLE_FIELDS, type TableDoc } from './elasticDocs.js';
import { sharedFloat32 } from './sharedColumns.js';
import { ShapeTable } from './shapeTable.js';

/** Documents per scroll page: Elasticsearch's default ceiling on a page. */
const PAGE = 10_000;

/**
 * Reads every shape of one concrete index into a ShapeTable (the embedded index's columns), so a
 * search runs the same exact scan as the embedded index. Only the fields the scan needs travel:
 * the binary `z`, stats, name and the flat flag; PAA is recomputed from `z`.
 */
export async function loadTable(client: Client, index: string, window: ShapeWindow, paaDims: number): Promise<ShapeTable> {
  const grid = WINDOW_GRIDS[window];
  const len = grid.points;
  const dims = Math.min(paaDims, len);
  const { count } = await client.count({ index });
  const names: string[] = [];
  const stats = new Float64Array(count * 6);
  const flat = new Uint8Array(count);
  const z = sharedFloat32(count * len);
  const paaCol = sharedFloat32(count * dims);
  const row = new Float64Array(len);
  const filter_path = ['_scroll_id', 'hits.hits._source'];
  let page = await client.search<TableDoc>({ index, scroll: '1m', size: PAGE, sort: ['_doc'], _source: [...TABLE_FIELDS], filter_path });
  try {
    for (;;) {
      const hits = page.hits?.hits ?? [];
      for (const hit of hits) {
        const d = hit._source!;
        const i = names.length;
        if (i === count) break; // documents added after the count: an index is not written after its import
        const values = decodeFloats(d.z);
        if (values.length !== len) throw new Error(`${index}: shape ${d.name} has ${values.length} values, expected ${len}`);
        names.push(d.name);
        stats.set([d.mean, d.std, d.min, d.max, d.last, d.start], i * 6);
        flat[i] = d.flat ? 1 : 0;
        z.set(values, i * len);
        row.set(values);
        paaCol.set(paa(row, dims), i * dims);
      }
      if (hits.length < PAGE || names.length === count) break;
      page = await client.scroll<TableDoc>({ scroll_id: page._scroll_id!, scroll: '1m' }, { querystring: { filter_path } });
    }
  } finally {
    if (page._scroll_id) await client.clearScroll({ scroll_id: page._scroll_id }).catch(() => {});
  }
  const n = names.length;
  return ShapeTable.fromColumns({
    window, step: grid.step, length: len, dims, names,
    stats: stats.subarray(0, n * 6), flat: flat.subarray(0, n), z: z.subarray(0, n * len), paa: paaCol.subarray(0, n * dims),
  });
}
