import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../core/threadPriority.js';
import { shapeBatch, type ShapeBatch } from './shapeBatch.js';

/** The import's shaping thread (shapeThread.ts): decodes and shapes each batch it is sent, in turn. */
lowerThreadPriority();
const port = parentPort!;
port.on('message', ({ id, batch }: { id: number; batch: ShapeBatch }) => {
  try {
    port.postMessage({ id, ok: true, shapes: shapeBatch(batch) });
  } catch (err) {
    port.postMessage({ id, ok: false, error: (err as Error).stack ?? String(err) });
  }
});
