import fs from 'node:fs';
import type { Logger } from '../../log.js';
import { AppendLog } from './appendLog.js';
import { removeUnneededSegments } from './compactOnDisk.js';
import type { CompactionLauncher, RunningCompaction } from './compaction.js';
import type { DataDirLock } from './dataDirLock.js';
import { DAMAGED_SUFFIX, listSegments, segmentPath, snapshotPath } from './layout.js';
import { LOG_MAGIC } from './records.js';
import type { Recovered } from './recover.js';
import { installSnapshot, writeSnapshot } from './snapshotFile.js';
import type { EmbeddedState, Op } from './state.js';

export interface DurabilityOptions {
  /** Milliseconds between group commits (each fsynced): the most a kill -9 loses. */
  readonly commitMs: number;
  /** Log bytes after which a compaction starts (or half the snapshot's size, when that is more). */
  readonly compactBytes: number;
}

/**
 * What makes the embedded store durable for the one process that holds the data dir's lock: the
 * append log with its group commit, compaction in another process, and the repairs a damaged data
 * dir needs before anything new is appended to it.
 */
export class DurableWriter {
  private readonly timer: NodeJS.Timeout;
  private compacting: Promise<void> | undefined;
  private compaction: RunningCompaction | undefined;
  private snapshotBytes: number;
  private closed = false;

  private constructor(
    private readonly dir: string,
    /** The store's state, the truth when the files on disk turn out damaged. */
    private readonly state: EmbeddedState,
    private readonly log: AppendLog,
    private readonly lock: DataDirLock,
    private readonly launcher: CompactionLauncher,
    private readonly opts: DurabilityOptions,
    private readonly logger: Logger,
  ) {
    this.snapshotBytes = fileSize(snapshotPath(dir));
    this.timer = setInterval(() => void this.commit(), opts.commitMs);
    this.timer.unref();
  }

  /** Repairs what `recovered` found damaged, then starts a new log segment after the last one replayed. */
  static start(
    dir: string,
    recovered: Recovered,
    lock: DataDirLock,
    launcher: CompactionLauncher,
    opts: DurabilityOptions,
    logger: Logger,
  ): DurableWriter {
    repair(dir, recovered);
    const log = AppendLog.open(dir, recovered.lastSeq + 1, (message) => logger.error(message));
    return new DurableWriter(dir, recovered.state, log, lock, launcher, opts, logger);
  }

  add(op: Op): void {
    this.log.add(op);
  }

  /** Writes and fsyncs what was added; starts a compaction when the log has grown past its bound. */
  async commit(): Promise<void> {
    await this.log.commit();
    if (
      !this.closed &&
      !this.compacting &&
      this.log.bytes > Math.max(this.opts.compactBytes, this.snapshotBytes / 2)
    ) {
      this.compact().catch((err) =>
        this.logger.error(`compaction failed, the log keeps everything: ${(err as Error).message}`),
      );
    }
  }

  /** Folds the closed log into a new snapshot in another process; resolves once it is installed. */
  compact(): Promise<void> {
    this.compacting ??= this.runCompaction().finally(() => {
      this.compacting = undefined;
      this.compaction = undefined;
    });
    return this.compacting;
  }

  private async runCompaction(): Promise<void> {
    const upTo = await this.log.rotate();
    if (this.closed) return;
    this.compaction = this.launcher.run({ dir: this.dir, upTo });
    const result = await this.compaction.done;
    if (result.snapshotBytes !== undefined) {
      this.snapshotBytes = result.snapshotBytes;
      return;
    }
    for (const w of result.warnings) this.logger.error(w);
    // The log on disk lost something after it was written; memory has it all. Writing it here pauses
    // this thread, once, for a damaged disk. The cut and the snapshot happen in one synchronous step,
    // so the snapshot holds exactly the log before the cut.
    const sealed = this.log.seq;
    const closing = this.log.rotate();
    this.snapshotBytes = writeSnapshot(this.state, this.dir, sealed + 1);
    await closing;
    installSnapshot(this.dir);
    removeUnneededSegments(this.dir, sealed + 1);
    this.logger.warn(`compaction: wrote the snapshot from memory instead (${this.snapshotBytes} bytes)`);
  }

  /** Commits what is queued and releases the lock; a compaction under way is cut short (it is safe to). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.compaction?.stop();
    await this.compacting?.catch(() => {});
    await this.launcher.close();
    await this.log.close();
    this.lock.release();
  }
}

function repair(dir: string, r: Recovered): void {
  // A damaged snapshot must never be rotated into `.prev`, the fallback.
  for (const file of r.damagedSnapshots) fs.renameSync(file, file + DAMAGED_SUFFIX);
  // Segments after a damaged record or a gap were not replayed; appending after them would replay them later.
  for (const seq of listSegments(dir))
    if (seq > r.lastSeq) fs.renameSync(segmentPath(dir, seq), segmentPath(dir, seq) + DAMAGED_SUFFIX);
  if (r.tornTail) {
    fs.truncateSync(r.tornTail.file, r.tornTail.validBytes);
    if (r.tornTail.validBytes < LOG_MAGIC.length) fs.writeFileSync(r.tornTail.file, LOG_MAGIC);
  }
  if (r.needsSnapshot) {
    // The log before here ends in damage: what follows starts from a snapshot of what was good.
    writeSnapshot(r.state, dir, r.lastSeq + 1);
    installSnapshot(dir);
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
