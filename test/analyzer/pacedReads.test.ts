import { describe, expect, it } from 'vitest';
import { AnalyzerRunner } from '../../analyzer/runner.js';
import { validateConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/log.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { ingestBacklog } from '../../core/store/readPacer.js';
import { IngestCounters } from '../../horizon/counters.js';
import { Writer } from '../../horizon/writer.js';
import { freePort } from '../../utils/redisServer.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

const NOW = 1_700_000_000;
const log = createLogger('test');

function window(seed: number): Array<[number, number]> {
  return Array.from({ length: 300 }, (_, i) => [
    NOW - 60 * (299 - i),
    100 + ((seed * 7 + i * 13) % 11) + 0.5,
  ]);
}

describe.runIf(redisUrl)('paced reads', () => {
  it('still judge every metric, in small batches, while ingest is behind', async () => {
    const store = RedisStore.connect(await freshRedisDb());
    const names = Array.from({ length: 230 }, (_, i) => `paced.m${i}`);
    await store.append(names.map((name, i) => ({ name, points: window(i) })));
    // Ingest that cannot write: a writer whose Store is nowhere (its appends wait), holding points.
    const nowhere = RedisStore.connect(`redis://127.0.0.1:${await freePort()}`);
    const writer = new Writer(
      nowhere,
      new IngestCounters(),
      { batchMs: 1000, batchPoints: 10, bufferPoints: 1000 },
      log,
    );
    writer.start();
    for (let i = 0; i < 50; i++) writer.add('held', NOW + i, i);
    expect(ingestBacklog()).toBeGreaterThanOrEqual(50);
    // Batches of 7 with 2 in flight; each waits up to 20 ms for the backlog to fall under 10, then reads anyway.
    const config = validateConfig({
      analyzer: { workers: 1, preset: 'consensus' },
      reads: { batch: 7, batchBytes: 2 ** 20, inFlight: 2, backlogMark: 10, maxWaitMs: 20, threadShare: 1 },
    });
    const reads: number[] = [];
    const reading = Object.create(store, {
      readRawWindows: {
        value: (batch: string[]) => {
          reads.push(batch.length);
          return store.readRawWindows(batch);
        },
      },
    }) as RedisStore;
    const behind = new AnalyzerRunner({ store: reading, config, log, writeStats: false, chunkSize: 100 });
    try {
      const r = await behind.runCycle(NOW + 30);
      expect(r.totalMetrics).toBe(230);
      expect(r.analyzed + Object.values(r.exceptions).reduce((a, b) => a + b!, 0)).toBe(230);
      expect(r.exceptions.Deadline).toBeUndefined();
      expect(r.analyzed).toBe(230);
      expect(r.paceWaitSeconds).toBeGreaterThan(0);
      // Chunks of 100 read as 7+…+7+2 names per command.
      expect(Math.max(...reads)).toBe(7);
      expect(reads.reduce((a, b) => a + b, 0)).toBe(230);
    } finally {
      await behind.close();
      await writer.close(0);
      nowhere.client.disconnect();
    }
    // Ingest caught up (the writer is closed): nothing to wait for, and the same verdicts.
    expect(ingestBacklog()).toBe(0);
    const caughtUp = new AnalyzerRunner({ store, config, log, writeStats: false, chunkSize: 100 });
    try {
      const r = await caughtUp.runCycle(NOW + 30);
      expect(r.analyzed).toBe(230);
      expect(r.paceWaitSeconds).toBe(0);
    } finally {
      await caughtUp.close();
      await store.close();
    }
  }, 60_000);
});
