/**
 * A `kale` service process for the failover round (`kale horizon`, `kale analyzer`), watched from
 * outside: the endpoints of its ready line and the lines it logs.
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export interface KaleProcess {
  readonly ready: Record<string, number | string>;
  /** Every line it wrote to stderr so far (its log). */
  readonly log: string[];
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export async function startKaleProcess(kaleBin: string, args: string[]): Promise<KaleProcess> {
  const child = spawn(process.execPath, [kaleBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => log.push(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const ready = await new Promise<Record<string, number | string>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kale ${args[0]}: no ready line within 30 s`)), 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`kale ${args[0]} exited ${code} before it was ready:\n${log.join('\n')}`));
      });
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /^kale ready (\{.*\})$/.exec(line);
        if (!m) return;
        clearTimeout(timer);
        resolve(JSON.parse(m[1]));
      });
    });
    return { ready, log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
