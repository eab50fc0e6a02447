import fs from 'node:fs';
import { promisify } from 'node:util';
import { segmentPath } from './layout.js';
import { LOG_MAGIC, frameRecord } from './records.js';
import { opCodec, type Op } from './state.js';

/**
 * The append-only log of one writer: ops are framed and queued as they happen, and written and
 * fsynced together once per commit interval (group commit), off the event loop. A kill -9 loses at
 * most what was queued since the last commit.
 */
export class AppendLog {
  private pending: Buffer[] = [];
  private committing: Promise<void> = Promise.resolve();
  private failed: string | undefined;

  private constructor(
    private readonly dir: string,
    /** The segment being written. */
    public seq: number,
    /** Opened at the first write: a process that only reads leaves no segment behind. */
    private fd: number | undefined,
    /** Bytes in the current segment, written or not. */
    public bytes: number,
    private written: number,
    private readonly onError: (message: string) => void,
  ) {}

  /** Continues the log with segment `seq`, created when something is first written to it. */
  static open(dir: string, seq: number, onError: (message: string) => void): AppendLog {
    return new AppendLog(dir, seq, undefined, LOG_MAGIC.length, LOG_MAGIC.length, onError);
  }

  add(op: Op): void {
    const record = frameRecord(opCodec.pack(op));
    this.pending.push(record);
    this.bytes += record.length;
  }

  /** Writes and fsyncs everything queued so far; commits run one at a time, in order. */
  commit(): Promise<void> {
    this.committing = this.committing.then(() => this.writePending());
    return this.committing;
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = Buffer.concat(this.pending);
    const queued = this.pending.length;
    try {
      this.fd ??= await openSegment(this.dir, this.seq);
      for (let off = 0; off < batch.length;) {
        off += (await write(this.fd, batch, off, batch.length - off, this.written + off)).bytesWritten;
      }
      await fdatasync(this.fd);
    } catch (err) {
      // Kept queued and written again at the same offset next time (a full disk may be freed).
      const message = `cannot write ${segmentPath(this.dir, this.seq)}: ${(err as Error).message}; ${this.pending.length} operations kept in memory, retrying`;
      if (message !== this.failed) this.onError(message);
      this.failed = message;
      return;
    }
    this.failed = undefined;
    this.pending.splice(0, queued);
    this.written += batch.length;
  }

  /** Commits, then continues in segment `seq + 1`; resolves with the segment just closed. */
  async rotate(): Promise<number> {
    await this.commit();
    if (this.pending.length) throw new Error(`cannot rotate ${segmentPath(this.dir, this.seq)}: ${this.pending.length} operations not written`);
    const closed = this.seq;
    // Even empty, the closed segment exists: recovery takes a missing one for a lost one.
    fs.closeSync(this.fd ?? await openSegment(this.dir, closed));
    this.fd = undefined;
    this.seq = closed + 1;
    this.bytes = this.written = LOG_MAGIC.length;
    return closed;
  }

  async close(): Promise<void> {
    await this.commit();
    if (this.fd !== undefined) fs.closeSync(this.fd);
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
