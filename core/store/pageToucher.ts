import { Worker } from 'node:worker_threads';
import { threadEntry } from '../threadEntry.js';

/**
 * A thread that takes the page faults of a new buffer, so the listeners' thread copies into memory
 * already there. A new ArrayBuffer is mapped but not resident; its first write to each page faults,
 * and in a soak at 300,000 points/s with full windows those faults made copying into a new buffer
 * about 3.6 ms a megabyte on the listeners' thread, 20 times the copy into a touched one. One thread
 * for the process (pageToucherThread.ts, at low priority), started on first use; it keeps the process
 * alive only while it holds a buffer.
 */
class PageToucher {
  private readonly worker = new Worker(threadEntry('pageToucherThread', import.meta.url));
  private readonly waiting: Array<(buffer: ArrayBuffer | null) => void> = [];

  constructor(onGone: () => void) {
    this.worker.unref();
    this.worker.on('message', (buffer: ArrayBuffer) => this.answer(buffer));
    const gone = () => {
      onGone();
      while (this.waiting.length) this.answer(null);
    };
    this.worker.on('error', gone);
    this.worker.on('exit', gone);
  }

  /** `buffer` back with its first `length` bytes resident, or null if the thread is gone with it. */
  touch(buffer: ArrayBuffer, length: number): Promise<ArrayBuffer | null> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.worker.ref();
      this.worker.postMessage({ buffer, length }, [buffer]);
    });
  }

  private answer(buffer: ArrayBuffer | null): void {
    this.waiting.shift()?.(buffer);
    if (this.waiting.length === 0) this.worker.unref();
  }
}

let toucher: PageToucher | null = null;

/**
 * A new buffer of `size` bytes whose first `resident` bytes are in memory. Without the thread (it
 * failed) the buffer is new and untouched, as `new Uint8Array` would give.
 */
export async function residentBuffer(size: number, resident: number): Promise<Uint8Array> {
  if (!toucher) {
    const started: PageToucher = new PageToucher(() => {
      if (toucher === started) toucher = null;
    });
    toucher = started;
  }
  const touched = await toucher.touch(new ArrayBuffer(size), Math.min(resident, size));
  return new Uint8Array(touched ?? new ArrayBuffer(size));
}
