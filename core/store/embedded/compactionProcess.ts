import fs from 'node:fs';
import os from 'node:os';
import { compactOnDisk, type CompactionJob } from './compactOnDisk.js';

/**
 * Lowest CPU priority for every thread of this process, V8's garbage-collection helpers included (on
 * Linux a priority names one thread): on a busy box a 250 MB rewrite must yield the cores to the
 * serving process. Threads started later inherit it from the thread that starts them.
 */
function lowestPriority(): void {
  let threads: number[];
  try {
    threads = fs.readdirSync('/proc/self/task').map(Number);
  } catch {
    threads = [0];
  }
  for (const tid of threads) {
    try {
      os.setPriority(tid, 19);
    } catch {
      // Not permitted here, or the thread has ended: it runs at normal priority.
    }
  }
}

lowestPriority();
const job = JSON.parse(process.argv[2]) as CompactionJob;
// The launcher exits when its writer is gone (a kill -9 included), leaving this process to the init
// process: the writer's successor owns the data dir.
const launcher = process.ppid;
const result = compactOnDisk(job, () => process.ppid === launcher);
if (process.connected) process.send!(result, () => process.disconnect());
