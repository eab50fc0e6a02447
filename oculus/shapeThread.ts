import { Worker } from 'node:worker_threads';
import { forgetThreadMemory, observeThreadMemory } from '../core/metrics/threadMemoryMetrics.js';
import { PackingBuffers, packedTransfer } from '../core/store/packedBytes.js';
import { threadEntry } from '../core/threadEntry.js';
import type { ThreadMemory } from '../core/threadMemory.js';
import type { ShapeBatch } from './shapeBatch.js';
import type { Shape } from './shapes/shape.js';
import type { ShapeWindow } from './shapes/windows.js';

/** A batch's shapes, and the buffer its windows came in, handed back to be packed into again. */
type Reply =
  | { id: number; ok: true; shapes: Shape[][]; spare: ArrayBuffer; memory: ThreadMemory }
  | { id: number; ok: false; error: string };

/** The shaping thread's name in `kale_thread_memory_bytes` (one import at a time per process). */
const SHAPER = 'oculus-shaper';

/**
 * The thread an import decodes and shapes its windows on (shapeWorker.ts), as the analyzer judges its
 * chunks on workers: a batch of 100 windows of a busy day decoded and sorted on the listeners' thread
 * was one indivisible stretch of 60–400 ms, its garbage collection included, long enough for the
 * kernel to drop UDP datagrams (docs/benchmarks.md, "Overload soak"). Here the listeners' thread only
 * copies the raw bytes into one buffer, hands it over, and takes the finished shapes back, with the
 * buffer to pack the next batch into (a fresh one of 10 MB or more took 45–70 ms of page faults in
 * a soak, against about 1 ms for the copy). One thread at low priority, started per import and
 * stopped with it; it keeps the process alive only while it holds a batch.
 */
export class ShapeThread {
  // A small young generation: a batch's decoded windows are garbage at once, and collected often they
  // free their off-heap arrays sooner. Measured on 100-window batches of 9,000 points: the process
  // grew by 49–53 MB during an import instead of 86–95 MB with the default, in about the same time.
  private readonly worker = new Worker(threadEntry('shapeWorker', import.meta.url), {
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  });
  private readonly pending = new Map<
    number,
    { resolve: (s: Shape[][]) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | null = null;
  /** Two: the importer sends one batch ahead while the thread shapes the one before. */
  private readonly buffers = new PackingBuffers(2);

  constructor(
    private readonly windows: ReadonlyArray<ShapeWindow>,
    private readonly paaDims: number,
  ) {
    this.worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      this.refWhileBusy();
      if (reply.ok) {
        observeThreadMemory(SHAPER, reply.memory);
        this.buffers.giveBack(reply.spare);
        p.resolve(reply.shapes);
      } else p.reject(new Error(`oculus shaping thread failed: ${reply.error}`));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`oculus shaping thread exited with code ${code}`)));
    this.worker.unref();
  }

  /** The shapes of `names`' raw windows (null: no key), one list per window, in the windows' order. */
  async shape(names: ReadonlyArray<string>, raws: ReadonlyArray<Uint8Array | null>): Promise<Shape[][]> {
    if (this.failure) throw this.failure;
    const batch: ShapeBatch = {
      names,
      windows: this.windows,
      paaDims: this.paaDims,
      raws: await this.buffers.pack(raws),
    };
    // A thread that failed while the batch was being packed would never answer it.
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.refWhileBusy();
      this.worker.postMessage({ id, batch }, packedTransfer(batch.raws));
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
    forgetThreadMemory(SHAPER);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private refWhileBusy(): void {
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }
}
