import v8 from 'node:v8';

/**
 * A thread's own memory: its V8 heap and the off-heap memory its isolate holds (typed arrays such as
 * decoded windows). Node's process metrics count the main thread's isolate only, so worker threads
 * measure themselves and send it with each answer (core/metrics/threadMemoryMetrics.ts).
 */
export interface ThreadMemory {
  readonly heapBytes: number;
  readonly externalBytes: number;
}

/** This thread's memory now; in a worker, taken before it answers, while the work's data is still held. */
export function threadMemoryNow(): ThreadMemory {
  const { total_heap_size, external_memory } = v8.getHeapStatistics();
  return { heapBytes: total_heap_size, externalBytes: external_memory };
}
