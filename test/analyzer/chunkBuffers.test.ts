import { describe, expect, it } from 'vitest';
import { analyzeChunk, packChunk } from '../../analyzer/chunk.js';
import { resolvePreset } from '../../analyzer/presets.js';
import { rulesFromConfig } from '../../analyzer/rules.js';
import { AnalyzerRunner, type CycleReport } from '../../analyzer/runner.js';
import { WorkerPool } from '../../analyzer/workerPool.js';
import { validateConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/log.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import type { AnomalyRecord, AppendBatch } from '../../core/store/store.js';
import { encodePoints } from '../../core/store/windowCodec.js';

const NOW = 1_700_000_000;
const log = createLogger('test');

/** `length` one-minute points of noise around 100 ending at `end`; `jump` lifts the last `jumped`. */
function points(end: number, length: number, seed: number, jump = 0, jumped = 0): Array<[number, number]> {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length }, (_, i) => [
    end - 60 * (length - 1 - i),
    100 + 10 * (rand() - 0.5) + (i >= length - jumped ? jump : 0),
  ]);
}

describe("the analyzer's chunk buffers", () => {
  it('come back from the worker with its answer, which is what the main thread answers', async () => {
    const config = validateConfig({ analyzer: { preset: 'consensus' } });
    const names = ['m.a', 'm.b', 'm.c'];
    const raws = [
      encodePoints(points(NOW, 300, 1)),
      encodePoints(points(NOW, 500, 2, 300, 1)),
      encodePoints(points(NOW, 400, 3)),
    ];
    const back: ArrayBuffer[] = [];
    const pool = new WorkerPool(1, 'consensus', rulesFromConfig(config), 60_000, (b) => back.push(b));
    try {
      const sent = await packChunk(0, names, raws, NOW + 30);
      const size = sent.bytes.buffer.byteLength;
      const answer = await pool.run(sent);
      expect(back.map((b) => b.byteLength)).toEqual([size]);
      const here = analyzeChunk(
        await packChunk(0, names, raws, NOW + 30),
        resolvePreset('consensus', config),
        rulesFromConfig(config),
      );
      const { decodeMs: _d, detectMs: _t, ...rest } = here;
      expect(answer).toMatchObject(rest);
      expect(answer.anomalies.map((a) => a.metric)).toEqual(['m.b']);
    } finally {
      await pool.close();
    }
  });

  it('reused cycle after cycle through worker threads, leave every verdict and state as judging on one thread does', async () => {
    // Windows of different lengths that grow each cycle, so chunks are packed both into buffers given
    // back and into new ones; 14 metrics in chunks of 3 go through at most 4 buffers.
    const names = Array.from({ length: 14 }, (_, i) => `svc.m${String(i).padStart(2, '0')}`);
    const history: AppendBatch[] = names.map((name, i) => ({
      name,
      points: points(NOW - 600, 1440 + 97 * i, i + 1),
    }));
    const later = (cycle: number): AppendBatch[] =>
      names.map((name, i) => ({
        name,
        points: points(NOW - 600 + 180 * cycle, 3, 100 * cycle + i, i % 4 === cycle % 4 ? 300 : 0, 1),
      }));
    const run = async (workers: number, chunkSize: number) => {
      const store = EmbeddedStore.open();
      await store.append(history);
      const runner = new AnalyzerRunner({
        store,
        config: validateConfig({ analyzer: { workers } }),
        log,
        writeStats: false,
        chunkSize,
      });
      // Everything but the timings and the number of chunks (3 metrics a chunk against 500).
      const reports: Array<Partial<CycleReport>> = [];
      const chunks: number[] = [];
      const current: AnomalyRecord[][] = [];
      try {
        for (let cycle = 1; cycle <= 4; cycle++) {
          await store.append(later(cycle));
          const { runTime, fetchSeconds, decodeSeconds, detectSeconds, paceWaitSeconds, ...r } =
            await runner.runCycle(NOW - 600 + 180 * cycle + 30);
          const { chunks: n, ...judged } = r;
          reports.push(judged);
          chunks.push(n);
          current.push(await store.currentAnomalies());
        }
        return {
          reports,
          chunks,
          current,
          calibration: await store.readMetricState('calibration', names),
          context: await store.readMetricState('context', names),
        };
      } finally {
        await runner.close();
        await store.close();
      }
    };
    const threads = await run(2, 3);
    const one = await run(0, 500);
    expect(threads.reports.map((r) => r.analyzed)).toEqual([14, 14, 14, 14]);
    expect(threads.chunks).toEqual([5, 5, 5, 5]);
    expect(one.chunks).toEqual([1, 1, 1, 1]);
    expect(threads.current.flat().length).toBeGreaterThan(0);
    expect({ ...threads, chunks: [] }).toEqual({ ...one, chunks: [] });
  });
});
