import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The ceiling every Redis write path is compared with: `redis-benchmark -P 64` issuing APPENDs of a
 * Skyline-sized point (12 bytes) to random keys, on the same box and in the same run.
 */
export async function appendCeiling(port: number, requests = 1_000_000): Promise<number> {
  const { stdout } = await run('redis-benchmark', [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-P',
    '64',
    '-n',
    String(requests),
    '-r',
    '100000',
    '--csv',
    'APPEND',
    'bench:__rand_int__',
    'xxxxxxxxxxxx',
  ]);
  // CSV: "test","rps",... — the second field of the data row is requests per second.
  const row = stdout.trim().split('\n').pop() ?? '';
  const rps = Number(row.split(',')[1]?.replace(/"/g, ''));
  if (!Number.isFinite(rps)) throw new Error(`could not read redis-benchmark output: ${stdout}`);
  return rps;
}
