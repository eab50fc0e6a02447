import { Worker } from 'node:worker_threads';
import { threadEntry } from '../core/threadEntry.js';
import type { ChunkRequest, ChunkResult } from './chunk.js';
import type { AnalyzerRules } from './rules.js';

type Reply = { ok: true; result: ChunkResult } | { ok: false; id: number; error: string };

/** A fixed set of worker threads, each handed one chunk at a time (least busy first). */
export class WorkerPool {
  private readonly workers: Array<{ worker: Worker; busy: number }> = [];
  private readonly pending = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();

  constructor(size: number, presetName: string, rules: AnalyzerRules) {
    const entry = threadEntry('worker', import.meta.url);
    for (let i = 0; i < size; i++) {
      const workerData = { presetName, rules };
      const worker = new Worker(entry, { workerData });
      const slot = { worker, busy: 0 };
      worker.on('message', (reply: Reply) => {
        slot.busy--;
        const id = reply.ok ? reply.result.id : reply.id;
        const p = this.pending.get(id);
        this.pending.delete(id);
        if (!p) return;
        if (reply.ok) p.resolve(reply.result);
        else p.reject(new Error(`analyzer worker failed: ${reply.error}`));
      });
      worker.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Chunks currently queued or running across all workers. */
  get inFlight(): number {
    return this.pending.size;
  }

  run(req: ChunkRequest): Promise<ChunkResult> {
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject });
      slot.worker.postMessage(req, [req.bytes.buffer as ArrayBuffer, req.offsets.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
