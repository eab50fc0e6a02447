import { EmbeddedStore } from '../store/embeddedStore.js';
import type { Store } from '../store/store.js';

/**
 * Says plainly that an embedded data dir is read as of its last snapshot, which a running kale renews
 * every 30 s: what a CLI read beside it cannot see yet. Empty for Redis (read live) or a new data dir.
 */
export function snapshotNote(store: Store): string {
  if (!(store instanceof EmbeddedStore) || store.loadedSnapshotAt === undefined) return '';
  const age = Math.max(0, Math.round(Date.now() / 1000 - store.loadedSnapshotAt));
  return `the data dir's snapshot of ${age} s ago (a running kale writes one every 30 s: what it took since is not there yet; --redis reads live)`;
}
