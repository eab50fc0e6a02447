import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { threadEntry } from '../../core/threadEntry.js';
import type { ScanJob, ScanResult } from './tableScan.js';

export interface ScanOptions {
  /** Threads a scan is split over, the searching one included (default: the machine's parallelism). */
  readonly threads?: number;
  /** Tables smaller than this are scanned by the searching thread alone (default 20,000 rows). */
  readonly parallelFromRows?: number;
}

type Reply = { id: number; ok: true; result: ScanResult } | { id: number; ok: false; error: string };

/**
 * Worker threads that take a share of a table scan (tableScan.ts) while the searching thread does
 * its own. Started on first use; they keep the process alive only while a scan is under way.
 */
export class ScanPool {
  private readonly threads: number;
  private readonly fromRows: number;
  private workers: Worker[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: ScanResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(options: ScanOptions = {}) {
    this.threads = Math.max(1, options.threads ?? os.availableParallelism());
    this.fromRows = options.parallelFromRows ?? 20_000;
  }

  /** Worker threads worth using on a table of `rows`. */
  helpersFor(rows: number): number {
    return rows >= this.fromRows ? this.threads - 1 : 0;
  }

  /** Sends `job` to `helpers` workers; each answers its share. */
  run(job: ScanJob, helpers: number): Array<Promise<ScanResult>> {
    while (this.workers.length < helpers) this.workers.push(this.start());
    const replies = this.workers.slice(0, helpers).map(
      (worker) =>
        new Promise<ScanResult>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          worker.postMessage({ id, job });
        }),
    );
    this.refWhileBusy();
    return replies;
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private start(): Worker {
    const worker = new Worker(threadEntry('scanWorker', import.meta.url));
    worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      this.refWhileBusy();
      if (!p) return;
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(`scan worker failed: ${reply.error}`));
    });
    worker.on('error', (err) => this.fail(worker, err));
    worker.on('exit', (code) => this.fail(worker, new Error(`scan worker exited with code ${code}`)));
    worker.unref();
    return worker;
  }

  /** A dead worker is replaced on next use; scans waiting on the pool fail (their share is lost). */
  private fail(worker: Worker, err: Error): void {
    if (!this.workers.includes(worker)) return;
    this.workers = this.workers.filter((w) => w !== worker);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.refWhileBusy();
  }

  private refWhileBusy(): void {
    for (const w of this.workers) {
      if (this.pending.size > 0) w.ref();
      else w.unref();
    }
  }
}
