import fs from 'node:fs';
import { listSegments, previousSnapshotPath, segmentPath, snapshotPath } from './layout.js';
import { LOG_MAGIC, scanRecords } from './records.js';
import { readSnapshot } from './snapshotFile.js';
import { EmbeddedState, opCodec, type Op } from './state.js';

export interface Recovered {
  readonly state: EmbeddedState;
  /** The snapshot the state started from, if any was usable. */
  readonly snapshot?: { readonly file: string; readonly logSeq: number };
  /** The last log segment replayed (from the snapshot's `logSeq - 1` when none was). */
  readonly lastSeq: number;
  /** When the newest file read was written (epoch seconds); undefined for an empty data dir. */
  readonly newestAt?: number;
  /** One line per damaged file: its path, what is wrong, what was used instead. */
  readonly warnings: string[];
  /** Damaged snapshots, which a writer moves aside so they never become the fallback. */
  readonly damagedSnapshots: string[];
  /** A damaged record before the end of the log: a writer must snapshot before appending more. */
  readonly needsSnapshot: boolean;
  /** The last segment ends in an incomplete record (a write cut short): a writer truncates it here. */
  readonly tornTail?: { readonly file: string; readonly validBytes: number };
}

/**
 * Rebuilds the store from `dir`: the newest complete snapshot (the current one, else `.prev`, else
 * the good part of a damaged one), then every log segment from the snapshot's `logSeq` on, up to
 * the first bad record. Reads only; `upTo` stops after that segment (compaction replays only closed
 * segments). `quietTornTail`: a reader beside a running writer sees its last record half-written.
 */
export function recover(dir: string, opts: { upTo?: number; quietTornTail?: boolean } = {}): Recovered {
  const warnings: string[] = [];
  const damagedSnapshots: string[] = [];
  let newestAt: number | undefined;
  const seen = (at: number) => {
    newestAt = Math.max(newestAt ?? 0, at);
  };

  let state = new EmbeddedState();
  let snapshot: Recovered['snapshot'];
  let partial: { file: string; state: EmbeddedState; logSeq: number; mtime: number } | undefined;
  for (const file of [snapshotPath(dir), previousSnapshotPath(dir)]) {
    if (!fs.existsSync(file)) continue;
    const candidate = new EmbeddedState();
    const read = readSnapshot(file, candidate);
    if (read.complete) {
      state = candidate;
      snapshot = { file, logSeq: read.logSeq! };
      seen(read.mtime);
      break;
    }
    damagedSnapshots.push(file);
    warnings.push(`${file} is damaged (${read.damage})`);
    if (read.logSeq !== undefined)
      partial ??= { file, state: candidate, logSeq: read.logSeq, mtime: read.mtime };
  }
  if (!snapshot && partial) {
    // No complete snapshot: the good records of the newest damaged one are still the best there is.
    state = partial.state;
    snapshot = { file: partial.file, logSeq: partial.logSeq };
    seen(partial.mtime);
  }
  if (warnings.length) {
    const from = snapshot
      ? damagedSnapshots.includes(snapshot.file)
        ? `the good part of ${snapshot.file}`
        : snapshot.file
      : 'the log files alone';
    warnings[warnings.length - 1] += `: starting from ${from}`;
  }

  const segments = listSegments(dir).filter(
    (seq) => seq >= (snapshot?.logSeq ?? 0) && (opts.upTo === undefined || seq <= opts.upTo),
  );
  let lastSeq = (snapshot?.logSeq ?? segments[0] ?? 0) - 1;
  let needsSnapshot = damagedSnapshots.length > 0;
  let tornTail: Recovered['tornTail'];
  for (const [i, seq] of segments.entries()) {
    const file = segmentPath(dir, seq);
    if (seq !== lastSeq + 1) {
      warnings.push(
        `${segmentPath(dir, lastSeq + 1)} is missing: replayed the log up to it, skipping ${file} and after`,
      );
      needsSnapshot = true;
      break;
    }
    const scan = scanRecords(file, LOG_MAGIC, (payload) => state.apply(opCodec.unpack(payload) as Op));
    seen(fs.statSync(file).mtimeMs / 1000);
    lastSeq = seq;
    if (!scan.damage) continue;
    const last = i === segments.length - 1;
    const dropped = scan.size - scan.validBytes;
    if (last && scan.truncated) {
      tornTail = { file, validBytes: scan.validBytes };
      if (!opts.quietTornTail)
        warnings.push(
          `${file} ends in a record cut short (${scan.damage}): replayed the ${scan.validBytes} bytes before it, ${dropped} dropped`,
        );
    } else {
      const later = segments.length - 1 - i;
      warnings.push(
        `${file} is damaged (${scan.damage}): replayed the log up to there; ${dropped} bytes${later ? ` and ${later} later log files` : ''} not replayed`,
      );
      needsSnapshot = true;
    }
    break;
  }
  return { state, snapshot, lastSeq, newestAt, warnings, damagedSnapshots, needsSnapshot, tornTail };
}
