import fs from 'node:fs';
import { Unpackr } from 'msgpackr';
import type { AnomalyRecord, Collection } from '../store.js';
import { fsyncDir, previousSnapshotPath, snapshotPath } from './layout.js';
import { SNAPSHOT_MAGIC, frameRecord, recordHeader, scanRecords } from './records.js';
import { opCodec, type Bucket, type EmbeddedState, type Op } from './state.js';

/** First record of a snapshot: the log segment it continues with. The last record is `['E', ops]`. */
type Head = readonly ['K', { logSeq: number; writtenAt: number }];
type End = readonly ['E', number];

export interface SnapshotRead {
  /** The first log segment not contained in the snapshot; undefined when not even the header was good. */
  readonly logSeq: number | undefined;
  /** Every record was good and the end record was there. */
  readonly complete: boolean;
  readonly damage?: string;
  readonly mtime: number;
}

/**
 * Writes `state` as a new snapshot beside the current one (`.tmp`), a record at a time, and fsyncs
 * it; `installSnapshot` then puts it in place. Returns the bytes written.
 */
export function writeSnapshot(state: EmbeddedState, dir: string, logSeq: number): number {
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${snapshotPath(dir)}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let bytes = 0;
    const write = (buf: Uint8Array) => {
      fs.writeSync(fd, buf);
      bytes += buf.length;
    };
    write(SNAPSHOT_MAGIC);
    const now = Date.now() / 1000;
    const head: Head = ['K', { logSeq, writtenAt: now }];
    write(frameRecord(opCodec.pack(head)));
    let ops = 0;
    for (const op of state.restoreOps(now)) {
      // Header and payload apart: no copy of each 1 MiB record.
      const payload = opCodec.pack(op);
      write(recordHeader(payload));
      write(payload);
      ops++;
    }
    const end: End = ['E', ops];
    write(frameRecord(opCodec.pack(end)));
    fs.fsyncSync(fd);
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Puts the fsynced `.tmp` snapshot in place: the current one becomes `.prev` (when there is one), the
 * new one current, and the directory is fsynced. A crash between the two renames leaves `.prev`
 * and the log segments it needs, which recovery falls back to.
 */
export function installSnapshot(dir: string): void {
  const current = snapshotPath(dir);
  if (fs.existsSync(current)) fs.renameSync(current, previousSnapshotPath(dir));
  fs.renameSync(`${current}.tmp`, current);
  fsyncDir(dir);
}

/** Applies a snapshot's records to `state` (an empty one), as far as they are good. */
export function readSnapshot(file: string, state: EmbeddedState): SnapshotRead {
  const stat = fs.statSync(file);
  const mtime = stat.mtimeMs / 1000;
  if (stat.size === 0) return { logSeq: undefined, complete: false, damage: 'empty file', mtime };
  if (!startsWithMagic(file)) return readLegacySnapshot(file, state, mtime);
  let logSeq: number | undefined;
  let ended = false;
  const scan = scanRecords(file, SNAPSHOT_MAGIC, (payload) => {
    const op = opCodec.unpack(payload) as Op | Head | End;
    if (logSeq === undefined) {
      if (op[0] !== 'K') throw new Error('no header record');
      logSeq = (op as Head)[1].logSeq;
    } else if (op[0] === 'E') {
      ended = true;
    } else {
      state.apply(op as Op);
    }
  });
  const damage =
    scan.damage ?? (ended ? undefined : `incomplete: no end record after byte ${scan.validBytes}`);
  return { logSeq, complete: !damage && logSeq !== undefined, damage, mtime };
}

/** Reads only the header's log segment number; undefined when the file is missing or unreadable. */
export function snapshotLogSeq(file: string): number | undefined {
  if (!fs.existsSync(file)) return undefined;
  if (!startsWithMagic(file)) return 0;
  let seq: number | undefined;
  try {
    scanRecords(file, SNAPSHOT_MAGIC, (payload) => {
      const op = opCodec.unpack(payload) as Head;
      seq = op[0] === 'K' ? op[1].logSeq : undefined;
      // Stops the scan: the rest of the file is not needed.
      throw new Error('header read');
    });
  } catch {
    return undefined;
  }
  return seq;
}

function startsWithMagic(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(SNAPSHOT_MAGIC.length);
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SNAPSHOT_MAGIC);
  } finally {
    fs.closeSync(fd);
  }
}

/** The one-document snapshot of Kale before the append log; its data dirs still open. */
interface LegacySnapshot {
  windows: Record<string, Uint8Array>;
  quarantine: Record<string, Uint8Array>;
  torus: Record<string, Bucket>;
  current: AnomalyRecord[];
  history: AnomalyRecord[];
  claims?: Record<string, number>;
  /** Older still: only alert claims, under this name. */
  alerts?: Record<string, number>;
  collections: Record<string, Collection>;
  status: Record<string, Record<string, unknown>>;
  metricState?: Record<string, [Uint8Array, number]>;
}

const legacyCodec = new Unpackr({ variableMapSize: true, useRecords: false, copyBuffers: true });

function readLegacySnapshot(file: string, state: EmbeddedState, mtime: number): SnapshotRead {
  let s: LegacySnapshot;
  try {
    s = legacyCodec.unpack(fs.readFileSync(file)) as LegacySnapshot;
    if (typeof s !== 'object' || s === null || typeof s.windows !== 'object')
      throw new Error('not a snapshot document');
  } catch (err) {
    return {
      logSeq: undefined,
      complete: false,
      damage: `neither a kale store file nor a readable older snapshot (${(err as Error).message})`,
      mtime,
    };
  }
  const entries = <T>(r: Record<string, T> | undefined) => Object.entries(r ?? {});
  state.apply(['P', Object.keys(s.windows), Object.values(s.windows)]);
  state.apply(['X', Object.keys(s.quarantine ?? {}), Object.values(s.quarantine ?? {})]);
  state.apply(['B', Object.keys(s.torus ?? {}), Object.values(s.torus ?? {})]);
  state.apply(['N', s.current ?? [], s.history ?? []]);
  const claims = [...entries(s.claims), ...entries(s.alerts).map(([k, v]) => [`alert.${k}`, v] as const)];
  state.apply(['C', claims.map(([k]) => k), claims.map(([, v]) => v)]);
  state.apply(['S', Object.values(s.collections ?? {})]);
  state.apply(['H', Object.keys(s.status ?? {}), Object.values(s.status ?? {})]);
  const ms = entries(s.metricState);
  state.apply(['M', ms.map(([k]) => k), ms.map(([, [b]]) => b), ms.map(([, [, at]]) => at)]);
  return { logSeq: 0, complete: true, mtime };
}
