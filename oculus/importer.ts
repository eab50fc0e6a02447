import type { KaleConfig } from '../core/config/schema.js';
import type { Store } from '../core/store/store.js';
import type { ShapeIndex } from './index/shapeIndex.js';
import { ShapeChannel } from './shapeChunks.js';
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
 * SAX and fingerprint, and streamed chunk by chunk into each window's `replace` as they are built, so
 * an index that ships them elsewhere (Elasticsearch) works while the rest are read. Each window's
 * contents are still replaced in one go.
 */
export async function importShapes(config: KaleConfig, store: Store, index: ShapeIndex): Promise<ImportResult> {
  const started = performance.now();
  const windows = config.oculus.windows;
  const names = await store.listMetrics();
  const channels = windows.map(() => new ShapeChannel());
  const indexed = windows.map(() => 0);
  const flat = windows.map(() => 0);
  let failure: { error: unknown } | null = null;
  // Handled at once: a replace failing early (index unreachable) stops the reading below.
  const replacing = Promise.all(windows.map((w, k) => index.replace(w, channels[k]))).then(
    () => {},
    (error: unknown) => {
      failure ??= { error };
      for (const c of channels) c.close(); // nobody reads them any more
    },
  );
  try {
    for (let i = 0; i < names.length && !failure; i += READ_CHUNK) {
      const chunk = names.slice(i, i + READ_CHUNK);
      const series = await store.readWindows(chunk);
      for (const [k, w] of windows.entries()) {
        const shapes: Shape[] = [];
        chunk.forEach((name, j) => {
          const s = series[j];
          const shape = s ? shapeFromSeries(name, s, w, config.oculus.paaDims) : null;
          if (!shape) return;
          shapes.push(shape);
          if (shape.flat) flat[k]++;
        });
        indexed[k] += shapes.length;
        await channels[k].push(shapes);
      }
    }
  } finally {
    for (const c of channels) c.close();
    await replacing;
  }
  if (failure) throw (failure as { error: unknown }).error;
  const stats: ImportStats[] = windows.map((window, k) => ({ window, metrics: names.length, indexed: indexed[k], flat: flat[k], skipped: names.length - indexed[k] }));
  return { windows: stats, ms: performance.now() - started };
}
