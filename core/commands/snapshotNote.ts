import { EmbeddedStore } from '../store/embeddedStore.js';
import type { StoreConnection } from '../store/store.js';

/**
 * Says plainly that an embedded data dir is read as of the last write that reached its files: a
 * running kale commits what it took once per `embedded.commitMs` (a second by default), and a CLI read
 * beside it does not follow later commits. Empty for Redis (read live) or a new data dir.
 */
export function snapshotNote(store: StoreConnection): string {
  if (!(store instanceof EmbeddedStore) || store.loadedSnapshotAt === undefined) return '';
  const age = Math.max(0, Math.round(Date.now() / 1000 - store.loadedSnapshotAt));
  return `the data dir as of ${age} s ago (a running kale commits once a second by default: what it took since is not there yet; --redis reads live)`;
}
