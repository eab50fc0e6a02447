import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../threadPriority.js';

/**
 * pageToucher.ts's thread: writes a byte into every page of a buffer's first `length` bytes, and hands
 * the buffer back. At low priority: the pages are for the analyzer's next chunk, bulk work, and at
 * normal priority its bursts (40 MB of page faults in a quarter second at the first cycle of a
 * prefilled soak) took a core from the listeners' thread in the seconds the kernel dropped datagrams.
 */
lowerThreadPriority();
const port = parentPort!;
port.on('message', ({ buffer, length }: { buffer: ArrayBuffer; length: number }) => {
  const bytes = new Uint8Array(buffer, 0, length);
  for (let i = 0; i < length; i += 4096) bytes[i] = 0;
  port.postMessage(buffer, [buffer]);
});
