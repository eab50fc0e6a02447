/** The worker threads' memory, which the process's own `nodejs_*` figures (the main thread's) leave out. */
import { Gauge } from 'prom-client';
import type { ThreadMemory } from '../threadMemory.js';
import { registry } from './registry.js';

const threadMemory = new Gauge({
  name: 'kale_thread_memory_bytes',
  help: "A worker thread's memory as of its last answer: kind=heap (its V8 heap) or external (off-heap, such as decoded windows)",
  labelNames: ['thread', 'kind'],
  registers: [registry],
});

/** Records what `thread` (`analyzer-worker-0`, `oculus-shaper`, …) measured with its last answer. */
export function observeThreadMemory(thread: string, memory: ThreadMemory): void {
  threadMemory.set({ thread, kind: 'heap' }, memory.heapBytes);
  threadMemory.set({ thread, kind: 'external' }, memory.externalBytes);
}

/** A thread that stopped holds nothing: its figures go. */
export function forgetThreadMemory(thread: string): void {
  threadMemory.remove({ thread, kind: 'heap' });
  threadMemory.remove({ thread, kind: 'external' });
}
