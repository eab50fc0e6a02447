import { parentPort, workerData } from 'node:worker_threads';
import { compactOnDisk, type CompactionJob } from './compactOnDisk.js';

// A thread of its own: decoding and writing a 250 MB snapshot never pauses the serving event loop.
parentPort!.postMessage(compactOnDisk(workerData as CompactionJob));
