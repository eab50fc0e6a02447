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
  readonly snapshotBytes: number;
  readonly removedSegments: number;
  readonly warnings: string[];
}

/**
 * Rebuilds the store from the files alone, exactly as a restart would (snapshot + closed segments),
 * writes that as the new snapshot and installs it, keeping the previous one. Only then are segments
 * deleted: those older than what `.prev` needs, so a damaged snapshot can still fall back whole.
 */
export function compactOnDisk({ dir, upTo }: CompactionJob): CompactionResult {
  const recovered = recover(dir, { upTo });
  const snapshotBytes = writeSnapshot(recovered.state, dir, upTo + 1);
  installSnapshot(dir);
  const keepFrom = snapshotLogSeq(previousSnapshotPath(dir)) ?? upTo + 1;
  let removedSegments = 0;
  for (const seq of listSegments(dir)) {
    if (seq >= keepFrom) break;
    fs.rmSync(segmentPath(dir, seq), { force: true });
    removedSegments++;
  }
  return { snapshotBytes, removedSegments, warnings: recovered.warnings };
}
