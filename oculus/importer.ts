import type { KaleConfig } from '../core/config/schema.js';
import { rawBytes } from '../core/store/byteBudget.js';
import { ReadPacer } from '../core/store/readPacer.js';
import type { WindowStore } from '../core/store/store.js';
import type { ShapeIndex } from './index/shapeIndex.js';
import { ShapeChannel } from './shapeChunks.js';
import { ShapeThread } from './shapeThread.js';
import type { Shape } from './shapes/shape.js';
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

/**
 * One import pass (docs/architecture.md, "The path of a shape"): every metric's recent windows resampled, z-normalised, reduced to PAA,
 * SAX and fingerprint, and streamed chunk by chunk into each window's `replace` as they are built, so
 * an index that ships them elsewhere (Elasticsearch) works while the rest are read. Each window's
 * contents are still replaced in one go. Reads are paced (core/store/readPacer.ts: small batches,
 * bounded in flight, a turn of the event loop between them, holding back while horizon's writer is
 * behind), and each batch's raw windows are decoded and shaped on a thread of their own
 * (shapeThread.ts), so no long stretch of work here stalls the listeners or the webapp.
 */
export async function importShapes(
  config: KaleConfig,
  store: WindowStore,
  index: ShapeIndex,
): Promise<ImportResult> {
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
  const shaping = new ShapeThread(windows, config.oculus.paaDims);
  const deliver = async (shaped: Shape[][]) => {
    for (const [k, shapes] of shaped.entries()) {
      for (const shape of shapes) if (shape.flat) flat[k]++;
      indexed[k] += shapes.length;
      await channels[k].push(shapes);
    }
  };
  // One batch is sent while the thread shapes the one before, so neither thread waits for the other.
  let ahead: Promise<Shape[][]> | null = null;
  try {
    for await (const { names: chunk, value: raws } of new ReadPacer(config.reads).batches(
      names,
      (batch) => store.readRawWindows(batch),
      rawBytes,
    )) {
      if (failure) break;
      const next = shaping.shape(chunk, raws);
      // Awaited with the next batch or after the last; until then a failed thread (it rejects both) is handled.
      next.catch(() => {});
      if (ahead) await deliver(await ahead);
      ahead = next;
    }
    if (ahead && !failure) await deliver(await ahead);
  } finally {
    for (const c of channels) c.close();
    await Promise.all([replacing, shaping.close()]);
  }
  if (failure) throw (failure as { error: unknown }).error;
  const stats: ImportStats[] = windows.map((window, k) => ({
    window,
    metrics: names.length,
    indexed: indexed[k],
    flat: flat[k],
    skipped: names.length - indexed[k],
  }));
  return { windows: stats, ms: performance.now() - started };
}
