import fs from 'node:fs';
import { listSegments, previousSnapshotPath, segmentPath } from './layout.js';
import { recover } from './recover.js';
import { installSnapshot, snapshotLogSeq, writeSnapshot } from './snapshotFile.js';

export interface CompactionJob {
  readonly dir: string;
  /** The last closed log segment; the new snapshot continues with `upTo + 1`. */
  readonly upTo: number;
}

export interface CompactionResult {
  /** Undefined when the closed log turned out damaged: nothing was installed. */
  readonly snapshotBytes?: number;
  readonly warnings: string[];
}

/**
 * Rebuilds the store from the files alone, exactly as a restart would (snapshot + closed segments),
 * writes that as the new snapshot and installs it, keeping the previous one. Only then are segments
 * deleted: those older than what `.prev` needs, so a damaged snapshot can still fall back whole.
 * A damaged closed log installs nothing: the writer snapshots its memory instead.
 */
export function compactOnDisk(
  { dir, upTo }: CompactionJob,
  /** False once the writer that asked is gone: a new one may own the data dir, so nothing is installed. */
  writerAlive: () => boolean = () => true,
): CompactionResult {
  const recovered = recover(dir, { upTo });
  // Damaged after it was written: a snapshot of this would lose what the writer still holds in memory.
  if (recovered.warnings.length) return { warnings: recovered.warnings };
  if (!writerAlive()) return { warnings: [] };
  const snapshotBytes = writeSnapshot(recovered.state, dir, upTo + 1);
  if (!writerAlive()) return { warnings: [] };
  installSnapshot(dir);
  removeUnneededSegments(dir, upTo + 1);
  return { snapshotBytes, warnings: [] };
}

/** Deletes the log segments neither the snapshot (from `snapshotSeq`) nor `.prev` replays. */
export function removeUnneededSegments(dir: string, snapshotSeq: number): void {
  const keepFrom = Math.min(snapshotSeq, snapshotLogSeq(previousSnapshotPath(dir)) ?? snapshotSeq);
  for (const seq of listSegments(dir)) {
    if (seq >= keepFrom) break;
    fs.rmSync(segmentPath(dir, seq), { force: true });
  }
}
