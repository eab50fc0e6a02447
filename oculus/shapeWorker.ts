import { parentPort } from 'node:worker_threads';
import { threadMemoryNow } from '../core/threadMemory.js';
import { lowerThreadPriority } from '../core/threadPriority.js';
import type { ShapeBatch } from './shapeBatch.js';

/**
 * The import's shaping thread (shapeThread.ts): decodes and shapes each batch it is sent, in turn, and
 * hands back the shapes and the buffer the batch came in.
 */
// Lowered before the shaping modules load (a static import would load them first, at normal priority,
// beside the listeners' thread).
lowerThreadPriority();
const { shapeBatch } = await import('./shapeBatch.js');
const port = parentPort!;
port.on('message', ({ id, batch }: { id: number; batch: ShapeBatch }) => {
  try {
    const spare = batch.raws.bytes.buffer;
    // The windows' buffer goes back for the next batch to be packed into.
    const shapes = shapeBatch(batch);
    port.postMessage({ id, ok: true, shapes, spare, memory: threadMemoryNow() }, [spare as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ id, ok: false, error: (err as Error).stack ?? String(err) });
  }
});
