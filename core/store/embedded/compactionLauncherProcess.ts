import { fork, type ChildProcess } from 'node:child_process';
import type { CompactionJob } from './compactOnDisk.js';
import type { LauncherReply, LauncherRequest } from './compaction.js';

/** The last lines of a failed compaction's stderr that go into the error. */
const STDERR_KEPT = 2000;

const [entry, execArgvJson] = process.argv.slice(2);
const execArgv = JSON.parse(execArgvJson) as string[];
let running: ChildProcess | undefined;

const reply = (message: LauncherReply) => {
  if (process.connected) process.send!(message);
};

/**
 * Forks one compaction from this small, idle process, so the serving process never forks again after
 * it opened the data dir (see compaction.ts). The compaction's own `ppid` is this process: when the
 * writer is gone this process exits, and a compaction still running installs nothing.
 */
function run(job: CompactionJob): void {
  const child = fork(entry, [JSON.stringify(job)], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  running = child;
  let stderr = '';
  let answered = false;
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
  });
  child.once('message', (result) => {
    answered = true;
    reply({ result } as LauncherReply);
  });
  // 'close', not 'exit': the result may still be on its way through the channel at exit.
  child.once('close', (code, signal) => {
    running = undefined;
    if (!answered)
      reply({
        failed: `compaction process exited (${signal ?? `code ${code}`}) before it finished${stderr ? `: ${stderr.trim()}` : ''}`,
      });
  });
}

process.on('message', (request: LauncherRequest) => {
  if ('job' in request) run(request.job);
  else running?.kill('SIGKILL');
});
// The writer closed or died: a compaction under way is cut short, which leaves the files consistent.
process.on('disconnect', () => {
  running?.kill('SIGKILL');
  process.exit(0);
});
