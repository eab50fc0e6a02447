import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_RAW_BYTES, metricsPerChunk } from '../../analyzer/chunkBudget.js';
import { AnalyzerRunner } from '../../analyzer/runner.js';
import { validateConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/log.js';
import { rawBytes } from '../../core/store/byteBudget.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('chunks bounded by bytes, not only by metrics', () => {
  it('fits as many metrics as the byte budget holds, at least one, at most the chunk size', () => {
    expect(metricsPerChunk(0, 500)).toBe(500);
    expect(metricsPerChunk(1000, 500)).toBe(500);
    expect(metricsPerChunk(CHUNK_RAW_BYTES / 40, 500)).toBe(40);
    expect(metricsPerChunk(CHUNK_RAW_BYTES * 3, 500)).toBe(1);
    expect(rawBytes([new Uint8Array(3), null, new Uint8Array(4)])).toBe(7);
  });

  it('reads long windows in smaller chunks once it has seen their size, each warming up its share', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-chunk-bytes-'));
    dirs.push(dir);
    const store = EmbeddedStore.open(dir);
    const now = Math.floor(Date.now() / 1000);
    // A day at one second of values that need a float: over a megabyte of raw window per metric, so 40
    // of them are several chunks' worth.
    const day = (end: number) =>
      Array.from({ length: 86_400 }, (_, i): [number, number] => [end - 86_399 + i, 100 + Math.sin(i)]);
    const named = (prefix: string) => Array.from({ length: 40 }, (_, k) => `${prefix}${k}`);
    const first = named('svc.long');
    await store.append(first.map((name) => ({ name, points: day(now) })));
    const [raw] = await store.readRawWindows([first[0]]);
    expect(raw!.length * first.length).toBeGreaterThan(2 * CHUNK_RAW_BYTES);
    const runner = new AnalyzerRunner({
      store,
      config: validateConfig({ analyzer: { workers: 0 } }),
      log: createLogger('test'),
      writeStats: false,
    });
    try {
      // Nothing read yet: one chunk of up to 500 metrics, which also tells the size of their windows.
      const before = await runner.runCycle(now + 1);
      expect(before).toMatchObject({ analyzed: 40, chunks: 1, warmedUp: 40 });
      // 40 more new metrics: now cut to the byte budget, and each cut chunk warms up a tenth of its size.
      const second = named('svc.new');
      await store.append(second.map((name) => ({ name, points: day(now + 60) })));
      const after = await runner.runCycle(now + 61);
      expect(after.analyzed).toBe(80);
      expect(after.chunks).toBeGreaterThanOrEqual(6);
      expect(after.warmedUp).toBeGreaterThan(0);
      expect(after.warmedUp).toBeLessThanOrEqual(after.chunks * Math.ceil((50 * 20) / 500));
      expect(after.warmedUp).toBeLessThan(second.length);
    } finally {
      await runner.close();
      await store.close();
    }
  });
});
