import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CompactionJob, CompactionResult } from './compactOnDisk.js';

/** A compaction running in its own process; `stop` ends it early, which leaves the files consistent. */
export interface RunningCompaction {
  readonly done: Promise<CompactionResult>;
  stop(): Promise<void>;
}

/** The last lines of a failed compaction's stderr that go into the error. */
const STDERR_KEPT = 2000;

/**
 * A process, not a worker thread: a thread would share the serving process's V8 platform threads
 * (its collector's helpers), its memory map's lock and its allocator, so that rebuilding a 250 MB
 * store at the lowest priority could still hold up the serving event loop on a busy box (a 138 ms
 * pause in 1 of 8 runs at load 4.9; docs/benchmarks.md). Under vitest the sources are TypeScript
 * and the process loads tsx; the built CLI runs the plain JS module.
 */
export function startCompaction(job: CompactionJob): RunningCompaction {
  const ts = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./compactionProcess.${ts ? 'ts' : 'js'}`, import.meta.url));
  const child = fork(entry, [JSON.stringify(job)], {
    execArgv: ts ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const done = new Promise<CompactionResult>((resolve, reject) => {
    child.once('message', (result) => resolve(result as CompactionResult));
    child.once('error', reject);
    // 'close', not 'exit': the result may still be on its way through the channel at exit.
    child.once('close', (code, signal) =>
      reject(
        new Error(
          `compaction process exited (${signal ?? `code ${code}`}) before it finished${stderr ? `: ${stderr.trim()}` : ''}`,
        ),
      ),
    );
  });
  return {
    done,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
