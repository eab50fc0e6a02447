/**
 * Opening a store inside a writer thread, from what the main thread's store handed over
 * (`WindowStore.writerConnection()`), so horizon's writer thread never names a backend.
 */
import { RedisStore } from './redisStore.js';
import type { RollupStore, WindowStore, WriterConnection } from './store.js';

/** What horizon's writer thread uses of its own connection. */
export interface WriterThreadStore extends WindowStore, RollupStore {
  /** Another connection's trim forgot these metrics: their next append registers them again. */
  forget(names: ReadonlyArray<string>): void;
  /** Drops the connection at once (the thread is about to end; what is queued is already given up). */
  disconnect(): void;
}

/** Only a Redis store offers a writer connection: the embedded one returns null and is written in place. */
export function openWriterConnection(connection: WriterConnection): WriterThreadStore {
  return RedisStore.connect(connection.url);
}
