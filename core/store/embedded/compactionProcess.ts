import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { compactOnDisk, type CompactionJob } from './compactOnDisk.js';

// A thread of its own, at the lowest CPU priority (on Linux this names the calling thread alone): on
// a busy box a 250 MB rewrite must yield the core to the serving event loop, not compete with it.
try {
  os.setPriority(19);
} catch {
  // Not permitted here: it runs at normal priority.
}
parentPort!.postMessage(compactOnDisk(workerData as CompactionJob));
