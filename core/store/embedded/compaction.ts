import { Worker } from 'node:worker_threads';
import { threadEntry } from '../../threadEntry.js';
import type { CompactionJob, CompactionResult } from './compactOnDisk.js';

/** A compaction running on its own thread; `stop` ends it early, which leaves the files consistent. */
export interface RunningCompaction {
  readonly done: Promise<CompactionResult>;
  stop(): Promise<void>;
}

export function startCompaction(job: CompactionJob): RunningCompaction {
  const worker = new Worker(threadEntry('compactionWorker', import.meta.url), { workerData: job });
  const done = new Promise<CompactionResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`compaction thread exited (code ${code}) before it finished`)),
    );
  });
  return {
    done,
    stop: async () => {
      await worker.terminate();
    },
  };
}
