import { Worker } from 'node:worker_threads';
import { forgetThreadMemory, observeThreadMemory } from '../core/metrics/threadMemoryMetrics.js';
import { threadEntry } from '../core/threadEntry.js';
import type { ThreadMemory } from '../core/threadMemory.js';
import type { ChunkRequest, ChunkResult } from './chunk.js';
import type { AnalyzerRules } from './rules.js';

/** Every answer brings back the buffer its chunk's windows came in, and the worker's memory. */
type Reply = ({ ok: true; result: ChunkResult } | { ok: false; id: number; error: string }) & {
  bytes: ArrayBuffer;
  memory: ThreadMemory;
};

interface Pending {
  readonly req: ChunkRequest;
  readonly resolve: (r: ChunkResult) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, Pending>;
  /** Names the worker in `kale_thread_memory_bytes`. */
  readonly thread: string;
}

/**
 * A fixed set of worker threads, each handed one chunk at a time (least busy first). A chunk that
 * does not come back within `timeoutMs` (a detector that never ends on some input) costs its worker:
 * the thread is terminated and replaced, and every chunk it held is answered with all its metrics
 * counted as `Timeout`, so the cycle goes on.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly entry = threadEntry('worker', import.meta.url);

  constructor(
    size: number,
    private readonly presetName: string,
    private readonly rules: AnalyzerRules,
    private readonly timeoutMs: number,
    /** Takes each chunk's window buffer as it comes back (none from a worker that timed out or died). */
    private readonly bytesBack: (bytes: ArrayBuffer) => void,
  ) {
    for (let i = 0; i < size; i++) {
      const slot: Slot = {
        worker: undefined as unknown as Worker,
        pending: new Map(),
        thread: `analyzer-worker-${i}`,
      };
      this.spawn(slot);
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Chunks currently queued or running across all workers. */
  get inFlight(): number {
    return this.slots.reduce((n, s) => n + s.pending.size, 0);
  }

  run(req: ChunkRequest): Promise<ChunkResult> {
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.timedOut(slot), this.timeoutMs);
      slot.pending.set(req.id, {
        req: { ...req, bytes: new Uint8Array(0), offsets: new Int32Array(0) },
        resolve,
        reject,
        timer,
      });
      slot.worker.postMessage(req, [req.bytes.buffer as ArrayBuffer, req.offsets.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    for (const slot of this.slots) {
      for (const p of slot.pending.values()) clearTimeout(p.timer);
      forgetThreadMemory(slot.thread);
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(slot: Slot): void {
    const worker = new Worker(this.entry, { workerData: { presetName: this.presetName, rules: this.rules } });
    worker.on('message', (reply: Reply) => {
      const id = reply.ok ? reply.result.id : reply.id;
      this.bytesBack(reply.bytes);
      observeThreadMemory(slot.thread, reply.memory);
      const p = slot.pending.get(id);
      if (!p) return;
      slot.pending.delete(id);
      clearTimeout(p.timer);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(`analyzer worker failed: ${reply.error}`));
    });
    worker.on('error', (err) => {
      for (const p of slot.pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      slot.pending.clear();
    });
    slot.worker = worker;
  }

  private timedOut(slot: Slot): void {
    const stuck = slot.worker;
    for (const p of slot.pending.values()) {
      clearTimeout(p.timer);
      p.resolve(timeoutResult(p.req, this.timeoutMs));
    }
    slot.pending.clear();
    this.spawn(slot);
    void stuck.terminate();
  }
}

function timeoutResult(req: ChunkRequest, timeoutMs: number): ChunkResult {
  return {
    id: req.id,
    anomalies: [],
    analyzed: 0,
    exceptions: { Timeout: req.names.length },
    breakdown: {},
    decodeMs: 0,
    detectMs: 0,
    warmedUp: 0,
    calibration: [],
    context: [],
    failure: `${req.names.length} metrics from ${req.names[0]}: no answer within ${timeoutMs / 1000} s`,
  };
}
