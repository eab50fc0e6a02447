import type { KaleConfig } from '../core/config/schema.js';
import type { Store } from '../core/store/store.js';
import type { ShapeIndex } from './index/shapeIndex.js';
import { shapeFromSeries, type Shape } from './shapes/shape.js';
import type { ShapeWindow } from './shapes/windows.js';

export interface ImportStats {
  readonly window: ShapeWindow;
  /** Metrics in the Store. */
  readonly metrics: number;
  readonly indexed: number;
  readonly flat: number;
  /** Metrics with no window or too little data in it. */
  readonly skipped: number;
}

export interface ImportResult {
  readonly windows: ImportStats[];
  readonly ms: number;
}

/** Windows are read from the Store in chunks this size: bounded memory per round trip. */
const READ_CHUNK = 2000;

/**
 * One import pass (DESIGN §7): every metric's recent windows resampled, z-normalised, reduced to PAA,
 * SAX and fingerprint, then each window's shapes replace the index's contents in one go.
 */
export async function importShapes(config: KaleConfig, store: Store, index: ShapeIndex): Promise<ImportResult> {
  const started = performance.now();
  const windows = config.oculus.windows;
  const names = await store.listMetrics();
  const shapes = new Map<ShapeWindow, Shape[]>(windows.map((w) => [w, []]));
  for (let i = 0; i < names.length; i += READ_CHUNK) {
    const chunk = names.slice(i, i + READ_CHUNK);
    const series = await store.readWindows(chunk);
    chunk.forEach((name, j) => {
      const s = series[j];
      if (!s) return;
      for (const w of windows) {
        const shape = shapeFromSeries(name, s, w, config.oculus.paaDims);
        if (shape) shapes.get(w)!.push(shape);
      }
    });
  }
  const stats: ImportStats[] = [];
  for (const w of windows) {
    const list = shapes.get(w)!;
    await index.replace(w, list);
    stats.push({ window: w, metrics: names.length, indexed: list.length, flat: list.filter((s) => s.flat).length, skipped: names.length - list.length });
  }
  return { windows: stats, ms: performance.now() - started };
}
