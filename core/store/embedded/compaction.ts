import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CompactionJob, CompactionResult } from './compactOnDisk.js';

/** A compaction running in its own process; `stop` ends it early, which leaves the files consistent. */
export interface RunningCompaction {
  readonly done: Promise<CompactionResult>;
  stop(): Promise<void>;
}

export type LauncherRequest = { job: CompactionJob } | { stop: true };
export type LauncherReply = { result: CompactionResult } | { failed: string };

/**
 * Starts compactions in processes of their own, forked by a small launcher process that the writer
 * forks once, when it opens the data dir and before it loads the store.
 *
 * A process, not a worker thread: a thread would share the serving process's V8 platform threads
 * (its collector's helpers), its memory map's lock and its allocator (a 138 ms pause in 1 of 8 runs
 * at load 4.9; docs/benchmarks.md). Not forked by the serving process itself: a fork write-protects
 * every page of the parent for copy-on-write, so after forking a child beside a 250 MB store the
 * serving thread took a page fault on each page its next garbage collections touched, and those
 * collections ran 40–55 ms instead of under 10 (docs/benchmarks.md). Under vitest the sources are
 * TypeScript and both processes load tsx; the built CLI runs the plain JS modules.
 */
export class CompactionLauncher {
  private launcher!: ChildProcess;
  private exited!: Promise<void>;
  private current: ((reply: LauncherReply | Error) => void) | undefined;

  private constructor() {
    this.attach();
  }

  static start(): CompactionLauncher {
    return new CompactionLauncher();
  }

  private attach(): void {
    const ts = import.meta.url.endsWith('.ts');
    const module = (name: string) => fileURLToPath(new URL(`./${name}.${ts ? 'ts' : 'js'}`, import.meta.url));
    const execArgv = ts ? ['--import', 'tsx'] : [];
    const launcher = fork(
      module('compactionLauncherProcess'),
      [module('compactionProcess'), JSON.stringify(execArgv)],
      { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    );
    this.launcher = launcher;
    this.exited = new Promise((resolve) => launcher.once('exit', () => resolve()));
    launcher.on('message', (reply: LauncherReply) => this.settle(reply));
    launcher.once('exit', (code, signal) => {
      if (this.launcher === launcher)
        this.settle(new Error(`compaction launcher exited (${signal ?? `code ${code}`})`));
    });
    this.idle();
  }

  /** One compaction at a time. */
  run(job: CompactionJob): RunningCompaction {
    if (this.current) throw new Error('a compaction is already running');
    // Killed from outside: this fork from the serving process is the rare exception.
    if (!this.launcher.connected) this.attach();
    const done = new Promise<CompactionResult>((resolve, reject) => {
      this.current = (reply) => {
        if (reply instanceof Error) reject(reply);
        else if ('failed' in reply) reject(new Error(reply.failed));
        else resolve(reply.result);
      };
    });
    // While a compaction runs, the launcher keeps this process alive; idle, it does not.
    this.launcher.ref();
    (this.launcher.channel as { ref?: () => void } | undefined)?.ref?.();
    this.launcher.send({ job } satisfies LauncherRequest);
    return {
      done,
      stop: async () => {
        if (!this.current) return;
        const settled = done.then(
          () => {},
          () => {},
        );
        if (this.launcher.connected) this.launcher.send({ stop: true } satisfies LauncherRequest);
        await settled;
      },
    };
  }

  /** Ends the launcher; a compaction still running is cut short. */
  async close(): Promise<void> {
    // Waiting for its exit must keep this process alive.
    this.launcher.ref();
    if (this.launcher.connected) this.launcher.disconnect();
    else if (this.launcher.exitCode === null && this.launcher.signalCode === null)
      this.launcher.kill('SIGKILL');
    await this.exited;
  }

  private settle(reply: LauncherReply | Error): void {
    const current = this.current;
    this.current = undefined;
    this.idle();
    current?.(reply);
  }

  private idle(): void {
    this.launcher.unref();
    (this.launcher.channel as { unref?: () => void } | undefined)?.unref?.();
  }
}
