import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export const KALE_BIN = path.resolve('dist/bin/kale.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `kale` command to completion (tests exercise the real binary, not its modules). */
export function kale(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [KALE_BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface RunningKale {
  child: ChildProcess;
  ready: Record<string, number | string>;
  stderr(): string;
  /** Sends SIGTERM and waits for exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running `kale` command and resolves with the endpoints from its `kale ready` line. */
export function startKale(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<RunningKale> {
  const child = spawn(process.execPath, [KALE_BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line within ${opts.timeoutMs ?? 30_000} ms; stderr:\n${err}`));
    }, opts.timeoutMs ?? 30_000);
    let ready = false;
    void exited.then((code) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`kale exited ${code} before ready; stderr:\n${err}`));
      }
    });
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^kale ready (\{.*\})$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      ready = true;
      resolve({
        child,
        ready: JSON.parse(m[1]),
        stderr: () => err,
        stop: async () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
