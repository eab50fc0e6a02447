import fs from 'node:fs';
import { promisify } from 'node:util';
import { segmentPath } from './layout.js';
import { LOG_MAGIC, frameRecord } from './records.js';
import { opCodec, type Op } from './state.js';

interface Segment {
  readonly seq: number;
  /** Opened at the first write: a process that only reads leaves no segment behind. */
  fd?: number;
  /** Bytes on disk. */
  written: number;
  pending: Buffer[];
  pendingBytes: number;
}

const newSegment = (seq: number): Segment => ({
  seq,
  written: LOG_MAGIC.length,
  pending: [],
  pendingBytes: 0,
});

/**
 * The append-only log of one writer: ops are framed and queued as they happen, and written and
 * fsynced together once per commit interval (group commit), off the event loop. A kill -9 loses at
 * most what was queued since the last commit.
 */
export class AppendLog {
  /** Oldest first; the last one takes new ops, the others are closed and wait for their last write. */
  private readonly segments: Segment[];
  private committing: Promise<void> = Promise.resolve();
  private failed: string | undefined;

  private constructor(
    private readonly dir: string,
    seq: number,
    private readonly onError: (message: string) => void,
  ) {
    this.segments = [newSegment(seq)];
  }

  /** Continues the log with segment `seq`. */
  static open(dir: string, seq: number, onError: (message: string) => void): AppendLog {
    return new AppendLog(dir, seq, onError);
  }

  private get open(): Segment {
    return this.segments[this.segments.length - 1];
  }

  add(op: Op): void {
    const record = frameRecord(opCodec.pack(op));
    this.open.pending.push(record);
    this.open.pendingBytes += record.length;
  }

  /** The segment taking new ops. */
  get seq(): number {
    return this.open.seq;
  }

  /** Bytes of the segment taking new ops, written or queued. */
  get bytes(): number {
    return this.open.written + this.open.pendingBytes;
  }

  /** Writes and fsyncs everything queued so far; commits run one at a time, in order. */
  commit(): Promise<void> {
    this.committing = this.committing.then(() => this.writeAll());
    return this.committing;
  }

  /**
   * Cuts the log here, synchronously: every op added so far belongs to the segment closed, every later
   * one to the next, so the store's memory at this instant is exactly the log up to the cut. Resolves
   * with the closed segment's number once it is written, fsynced and closed.
   */
  rotate(): Promise<number> {
    const closed = this.open.seq;
    this.segments.push(newSegment(closed + 1));
    return this.commit().then(() => {
      if (this.segments.some((s) => s.seq === closed))
        throw new Error(this.failed ?? `segment ${closed} not closed`);
      return closed;
    });
  }

  private async writeAll(): Promise<void> {
    while (this.segments.length) {
      const segment = this.segments[0];
      const last = this.segments.length === 1;
      if (!(await this.write(segment, !last))) return;
      if (last) return;
      // Closed: even empty it exists (recovery takes a missing segment for a lost one).
      fs.closeSync(segment.fd!);
      this.segments.shift();
    }
  }

  /** False when the write failed: the ops stay queued and are written at the same offset next time. */
  private async write(segment: Segment, closing: boolean): Promise<boolean> {
    if (segment.pending.length === 0 && (segment.fd !== undefined || !closing)) return true;
    const batch = Buffer.concat(segment.pending);
    const queued = segment.pending.length;
    try {
      segment.fd ??= await openSegment(this.dir, segment.seq);
      for (let off = 0; off < batch.length; ) {
        off += (await write(segment.fd, batch, off, batch.length - off, segment.written + off)).bytesWritten;
      }
      await fdatasync(segment.fd);
    } catch (err) {
      // A full disk may be freed; until then nothing queued is dropped.
      const message = `cannot write ${segmentPath(this.dir, segment.seq)}: ${(err as Error).message}; ${segment.pending.length} operations kept in memory, retrying`;
      if (message !== this.failed) this.onError(message);
      this.failed = message;
      return false;
    }
    this.failed = undefined;
    segment.pending.splice(0, queued);
    segment.pendingBytes -= batch.length;
    segment.written += batch.length;
    return true;
  }

  async close(): Promise<void> {
    await this.commit();
    for (const s of this.segments) if (s.fd !== undefined) fs.closeSync(s.fd);
  }
}

const open = promisify(fs.open);
const write = promisify(fs.write);
const fsync = promisify(fs.fsync);
const fdatasync = promisify(fs.fdatasync);

/** A new segment with its header, durable with its directory entry; all off the event loop. */
async function openSegment(dir: string, seq: number): Promise<number> {
  const fd = await open(segmentPath(dir, seq), 'w');
  await write(fd, LOG_MAGIC, 0, LOG_MAGIC.length, 0);
  await fsync(fd);
  const dirFd = await open(dir, 'r');
  try {
    await fsync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
  return fd;
}
