import fs from 'node:fs';
import path from 'node:path';
import type { ShapeChunks } from '../shapeChunks.js';
import type { Shape } from '../shapes/shape.js';
import { WINDOW_GRIDS, type ShapeWindow } from '../shapes/windows.js';
import type { ShapeIndex, ShapeQuery, ShapeSearchResult } from './shapeIndex.js';
import { ScanPool, type ScanOptions } from './scanPool.js';
import { TableBuilder } from './tableBuilder.js';
import { readTableFile, writeTableFile } from './tableFile.js';
import { ShapeTable } from './shapeTable.js';
import { searchTable } from './tableSearch.js';

/**
 * The shape index without Elasticsearch: one in-memory table per window, saved under
 * `<dataDir>/oculus/` by the importer and reloaded by other processes (the webapp, `kale similar`)
 * when the file changes. Search is an exact scan pruned by PAA lower bounds.
 */
export class EmbeddedShapeIndex implements ShapeIndex {
  readonly kind = 'embedded' as const;
  private readonly tables = new Map<ShapeWindow, { table: ShapeTable; stamp: string }>();

  private readonly pool: ScanPool;

  /** `dir` null keeps everything in memory (tests, benchmarks). */
  constructor(
    private readonly dir: string | null,
    private readonly paaDims: number,
    scan: ScanOptions = {},
  ) {
    this.pool = new ScanPool(scan);
  }

  async replace(window: ShapeWindow, chunks: ShapeChunks): Promise<void> {
    const grid = WINDOW_GRIDS[window];
    const builder = new TableBuilder(window, grid.step, grid.points, Math.min(this.paaDims, grid.points));
    for await (const chunk of chunks) for (const s of chunk) builder.add(s);
    const table = builder.build();
    let stamp = '';
    const file = this.file(window);
    if (file) {
      writeTableFile(file, table);
      stamp = fileStamp(file);
    }
    this.tables.set(window, { table, stamp });
  }

  async get(window: ShapeWindow, name: string): Promise<Shape | null> {
    const t = this.table(window);
    const row = t.rows.get(name);
    return row === undefined ? null : t.shape(row);
  }

  async count(window: ShapeWindow): Promise<number> {
    return this.table(window).count;
  }

  async search(window: ShapeWindow, query: ShapeQuery): Promise<ShapeSearchResult> {
    return searchTable(this.table(window), query, this.pool);
  }

  /** Bytes of the window's table in memory (its columns and row envelopes; see ShapeTable.columnBytes). */
  columnBytes(window: ShapeWindow): number {
    return this.table(window).columnBytes();
  }

  async close(): Promise<void> {
    this.tables.clear();
    await this.pool.close();
  }

  private file(window: ShapeWindow): string | null {
    return this.dir ? path.join(this.dir, 'oculus', `shapes-${window}.bin`) : null;
  }

  /** The current table, reloaded from disk when another process has written a newer one. */
  private table(window: ShapeWindow): ShapeTable {
    const held = this.tables.get(window);
    const file = this.file(window);
    const stamp = file ? fileStamp(file) : '';
    if (held && held.stamp === stamp) return held.table;
    const grid = WINDOW_GRIDS[window];
    const table =
      file && stamp
        ? readTableFile(file)
        : ShapeTable.empty(window, grid.step, grid.points, Math.min(this.paaDims, grid.points));
    this.tables.set(window, { table, stamp });
    return table;
  }
}

function fileStamp(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return '';
  }
}
