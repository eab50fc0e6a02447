/**
 * The threads that decode remote_write bodies (decodeThread.ts), so the listener's thread only parses
 * HTTP and hands samples to Ingest: at 2.4–2.8 µs per sample, decoding and naming on that thread
 * capped ingest near 400,000 samples/s on a free core. A body goes to the thread with the fewest in
 * flight; each answers columns (columns.ts) or the 400/413 the body deserves.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { threadEntry } from '../../core/threadEntry.js';
import type { WriteColumns } from './columns.js';
import { RemoteWriteError } from './decode.js';
import type { PromMetadata } from './protoSchema.js';

export interface DecodeJob {
  readonly body: Uint8Array;
  readonly maxDecodedBytes: number;
  readonly template: string | undefined;
  readonly rateCounters: boolean;
}

export type ToDecodeThread =
  | ({ kind: 'decode'; id: number } & DecodeJob)
  | { kind: 'metadata'; metadata: PromMetadata[] };

export type DecodeReply =
  | { id: number; ok: true; columns: WriteColumns }
  | { id: number; ok: false; status: 400 | 413 | 500; message: string };

/** A decoding thread died with this body in it: the body was not delivered, so the sender may retry. */
export class DecodeThreadLost extends Error {}

interface Pending {
  resolve(c: WriteColumns): void;
  reject(e: Error): void;
}

/** One thread per core the listener's thread and the writer thread leave, at least one, at most four. */
export const defaultDecodeThreads = (): number => Math.min(4, Math.max(1, os.availableParallelism() - 2));

interface DecodeThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

export class DecodePool {
  private readonly threads: DecodeThread[] = [];
  private nextId = 0;
  private closing = false;

  constructor(size = defaultDecodeThreads()) {
    for (let i = 0; i < size; i++) this.threads.push(this.start());
  }

  /** Rejects with a RemoteWriteError for a bad body, DecodeThreadLost if its thread died. */
  decode(job: DecodeJob): Promise<WriteColumns> {
    let thread = this.threads[0];
    for (const t of this.threads) if (t.pending.size < thread.pending.size) thread = t;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ kind: 'decode', id, ...job } satisfies ToDecodeThread, [
        job.body.buffer as ArrayBuffer,
      ]);
    });
  }

  /** Metadata one thread decoded, for every thread's counter kinds. */
  learn(metadata: PromMetadata[]): void {
    for (const t of this.threads)
      t.worker.postMessage({ kind: 'metadata', metadata } satisfies ToDecodeThread);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private start(): DecodeThread {
    const worker = new Worker(threadEntry('decodeThread', import.meta.url));
    const thread: DecodeThread = { worker, pending: new Map() };
    worker.on('message', (reply: DecodeReply) => {
      const p = thread.pending.get(reply.id);
      if (!p) return;
      thread.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.columns);
      else if (reply.status === 500) p.reject(new Error(reply.message));
      else p.reject(new RemoteWriteError(reply.status, reply.message));
    });
    const lost = (why: string) => {
      const at = this.threads.indexOf(thread);
      if (at < 0) return;
      for (const p of thread.pending.values()) p.reject(new DecodeThreadLost(`a decoding thread ${why}`));
      thread.pending.clear();
      if (this.closing) return;
      // Counter kinds learnt from metadata start over in the new thread; Prometheus resends them every minute.
      this.threads[at] = this.start();
    };
    worker.on('error', (err) => lost(`failed: ${err.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    // The listener's open sockets keep the process alive while bodies are in flight.
    worker.unref();
    return thread;
  }
}
