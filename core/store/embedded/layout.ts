import fs from 'node:fs';
import path from 'node:path';

/**
 * The files of an embedded data dir. The snapshot holds the whole store as of the start of log
 * segment `logSeq` (its header says which); the segments from there on replay everything since.
 * The previous snapshot is kept with the segments it needs, so a damaged snapshot falls back to it.
 */
export const SNAPSHOT_FILE = 'kale-store.msgpack';
export const PREVIOUS_SUFFIX = '.prev';
export const DAMAGED_SUFFIX = '.damaged';
export const LOCK_FILE = 'kale.lock';
const SEGMENT_PREFIX = 'kale-store.log.';

export const snapshotPath = (dir: string) => path.join(dir, SNAPSHOT_FILE);
export const previousSnapshotPath = (dir: string) => path.join(dir, SNAPSHOT_FILE + PREVIOUS_SUFFIX);
export const segmentPath = (dir: string, seq: number) =>
  path.join(dir, `${SEGMENT_PREFIX}${String(seq).padStart(6, '0')}`);

/** Sequence numbers of the log segments in `dir`, ascending. */
export function listSegments(dir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(SEGMENT_PREFIX) && /^\d+$/.test(n.slice(SEGMENT_PREFIX.length)))
    .map((n) => Number(n.slice(SEGMENT_PREFIX.length)))
    .sort((a, b) => a - b);
}

/** Makes renames and new files in `dir` durable (their directory entry survives a power cut). */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
