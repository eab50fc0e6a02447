import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadEntry } from '../../core/threadEntry.js';
import { kale } from '../support/kaleCli.js';
import type { FromTerminateWorker } from './detectorsTerminate.worker.js';

/**
 * A detector stuck in a loop never yields, so the checks run on a worker thread and this thread watches
 * them: a case that has not returned after STUCK_MS is reported as not terminating (a hang guard far
 * above any real case, not a speed assertion).
 */
const STUCK_MS = 45_000;

function runChecks(numRuns: number): Promise<{ runs: number; bad: string[] }> {
  const worker = new Worker(threadEntry('detectorsTerminate.worker', import.meta.url), {
    workerData: { numRuns },
  });
  return new Promise((resolve, reject) => {
    let last = 'before the first case';
    let guard: NodeJS.Timeout;
    const watch = () => {
      clearTimeout(guard);
      guard = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`did not terminate: ${last}`));
      }, STUCK_MS);
    };
    watch();
    worker.on('message', (m: FromTerminateWorker) => {
      if (m.t === 'case') {
        last = `${m.detector} on ${m.input}`;
        watch();
      } else {
        clearTimeout(guard);
        void worker.terminate();
        resolve(m);
      }
    });
    worker.on('error', (err) => {
      clearTimeout(guard);
      reject(err);
    });
  });
}

describe('every registered detector terminates on every input', () => {
  it('NaN, ±Infinity, 1e308, constant, one point, empty, duplicate and unsorted timestamps, and random series (fast-check)', async () => {
    const { runs, bad } = await runChecks(1000);
    expect(runs).toBeGreaterThan(1000);
    expect(bad).toEqual([]);
  }, 600_000);

  it('kale analyze --preset etsy answers for an hour at 10 s with one null (the KS test used to loop on it)', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kale-nan-')), 'series.json');
    const now = Math.floor(Date.now() / 1000);
    fs.writeFileSync(
      file,
      JSON.stringify(
        Array.from({ length: 400 }, (_, i) => [now - (399 - i) * 10, i === 200 ? null : Math.sin(i / 5)]),
      ),
    );
    const r = kale(['analyze', file, '--preset', 'etsy', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).votes).toHaveProperty('ks_test');
  });
});
