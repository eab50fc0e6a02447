import { parentPort } from 'node:worker_threads';
import { runScan, type ScanJob } from './tableScan.js';

/** A scan worker thread (scanPool.ts): runs its share of each job it is sent, in turn. */
const port = parentPort!;
port.on('message', ({ id, job }: { id: number; job: ScanJob }) => {
  try {
    port.postMessage({ id, ok: true, result: runScan(job) });
  } catch (err) {
    port.postMessage({ id, ok: false, error: (err as Error).stack ?? String(err) });
  }
});
