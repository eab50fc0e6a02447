import { countWithin } from '../core/store/byteBudget.js';

/**
 * Raw window bytes a chunk of the analyzer's cycle holds at most. A chunk is read, packed and judged
 * whole, and up to `maxInFlight` are in flight at once, so what a cycle holds grew with its windows'
 * length: 500 metrics of 12,600 points (a prefilled soak's windows at its end) are 95 MB of raw
 * Redis windows (15 bytes a point) and 100 MB decoded in a worker. A day at one minute is 10.8 MB for
 * 500 metrics, a full chunk with room; longer windows make chunks of fewer metrics, so a cycle's memory
 * stays about the same as windows grow.
 */
export const CHUNK_RAW_BYTES = 16 * 2 ** 20;

/**
 * Metrics in the next chunk: as many as fit CHUNK_RAW_BYTES at the bytes per metric the last chunk
 * read, between 1 and `max` (before any chunk was read: `max`).
 */
export function metricsPerChunk(bytesPerMetric: number, max: number): number {
  return countWithin(CHUNK_RAW_BYTES, bytesPerMetric, max);
}
