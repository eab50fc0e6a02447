import type { Shape } from './shapes/shape.js';

/** A window's shapes as they are built, a chunk at a time: an import streams them into the index. */
export type ShapeChunks = AsyncIterable<ReadonlyArray<Shape>> | Iterable<ReadonlyArray<Shape>>;

/**
 * Chunks from one producer (the importer reading the Store) to one consumer (`ShapeIndex.replace`),
 * so Elasticsearch indexes the first chunks while later ones are still being built. The indexes keep
 * columns, not shapes, so a shape is garbage once consumed; `push` tells the producer to wait while
 * `bound` chunks are queued, so a slow consumer does not make it hold every shape built meanwhile.
 */
export class ShapeChannel implements AsyncIterable<ReadonlyArray<Shape>> {
  private readonly queue: Array<ReadonlyArray<Shape>> = [];
  private closed = false;
  private wake: (() => void) | null = null;
  private space: (() => void) | null = null;

  constructor(private readonly bound = 4) {}

  /** Queues `chunk`; resolves once the queue is below its bound again (or the channel is closed). */
  push(chunk: ReadonlyArray<Shape>): Promise<void> {
    this.queue.push(chunk);
    this.notify();
    if (this.queue.length < this.bound || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => (this.space = resolve));
  }

  /** No more chunks; a producer waiting for space goes on (a consumer that failed must call it too). */
  close(): void {
    this.closed = true;
    this.notify();
    this.release();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ReadonlyArray<Shape>> {
    for (;;) {
      const next = this.queue.shift();
      if (this.queue.length < this.bound) this.release();
      if (next) yield next;
      else if (this.closed) return;
      else await new Promise<void>((wake) => (this.wake = wake));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private release(): void {
    const space = this.space;
    this.space = null;
    space?.();
  }
}
