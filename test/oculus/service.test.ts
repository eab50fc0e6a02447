import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../core/config/schema.js';
import { createLogger } from '../../core/log.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { startOculusWith } from '../../oculus/service.js';
import { freePort } from '../../utils/redisServer.js';
import { metricBatches } from './fixtures.js';

describe('oculus service', () => {
  it('imports after its first interval (shorter than the start-up delay) and again every interval', async () => {
    const store = EmbeddedStore.open();
    await store.append(metricBatches(20));
    const passes: number[] = [];
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-oculus-'));
    const service = await startOculusWith(
      {
        config: configSchema.parse({ dataDir, oculus: { interval: 0.2 } }),
        store,
        log: createLogger('test'),
      },
      {
        onPass: ({ result }) => passes.push(result!.windows[0].indexed),
      },
    );
    // Until a second pass (each starts its shaping thread, slower under vitest's TypeScript loader), not
    // for a fixed time: on a busy box a fixed 700 ms saw one pass.
    for (const until = Date.now() + 20_000; passes.length < 2 && Date.now() < until; )
      await new Promise((r) => setTimeout(r, 20));
    await service.stop();
    expect(passes.length).toBeGreaterThanOrEqual(2);
    expect(passes[0]).toBe(20);
    expect((await store.getStatus()).oculus).toMatchObject({ backend: 'embedded', failures: 0 });
    expect(fs.existsSync(path.join(dataDir, 'oculus', 'shapes-1h.bin'))).toBe(true);
    await store.close();
  });

  it('with Elasticsearch down, retries with growing delays and reports the failure', async () => {
    const store = EmbeddedStore.open();
    await store.append(metricBatches(5));
    const url = `http://127.0.0.1:${await freePort()}`;
    const delays: unknown[] = [];
    const errors: string[] = [];
    const service = await startOculusWith(
      {
        config: configSchema.parse({ elasticsearch: { url }, oculus: { interval: 60 } }),
        store,
        log: createLogger('test'),
      },
      {
        retryMinMs: 20,
        firstPassDelayMs: 0,
        onPass: ({ error }) => {
          errors.push(error!.message);
          void store.getStatus().then((s) => delays.push(s.oculus.retryInMs));
        },
      },
    );
    while (delays.length < 4) await new Promise((r) => setTimeout(r, 20));
    await service.stop();
    expect(errors[0]).toContain(`Elasticsearch at ${url} is unreachable`);
    // Doubling from 20 ms, capped at the 60 s interval.
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 160]);
    expect((await store.getStatus()).oculus).toMatchObject({
      backend: 'elasticsearch',
      lastError: errors[errors.length - 1],
    });
    await store.close();
  });
});
