import type { Shape } from './shapes/shape.js';

/** A window's shapes as they are built, a chunk at a time: an import streams them into the index. */
export type ShapeChunks = AsyncIterable<ReadonlyArray<Shape>> | Iterable<ReadonlyArray<Shape>>;

/**
 * Chunks from one producer (the importer reading the Store) to one consumer (`ShapeIndex.replace`),
 * so Elasticsearch indexes the first chunks while later ones are still being built. Unbounded: every
 * shape is kept in memory for the local table anyway.
 */
export class ShapeChannel implements AsyncIterable<ReadonlyArray<Shape>> {
  private readonly queue: Array<ReadonlyArray<Shape>> = [];
  private closed = false;
  private wake: (() => void) | null = null;

  push(chunk: ReadonlyArray<Shape>): void {
    this.queue.push(chunk);
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ReadonlyArray<Shape>> {
    for (;;) {
      const next = this.queue.shift();
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
}

/** Every shape of a stream, in order. */
export async function collectShapes(chunks: ShapeChunks): Promise<Shape[]> {
  const all: Shape[] = [];
  for await (const chunk of chunks) for (const s of chunk) all.push(s);
  return all;
}
