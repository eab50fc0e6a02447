import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../../core/store/redisStore.js';
import { encodeWriteRequest, REMOTE_WRITE_HEADERS } from '../../../utils/senders/remoteWrite.js';
import { startRedisServer, type RedisServer } from '../../../utils/redisServer.js';
import { redisUrl } from '../../support/redis.js';
import { pointsOf, startTestHorizon, testConfig, waitFor } from '../support.js';

// Back-pressure against a real outage: horizon's own redis-server is killed under it. While the writer
// holds more than its limit (half of a small bufferPoints here), remote_write answers 503 with
// Retry-After, so Prometheus keeps the samples and retries; once Redis is back, it takes them again and
// nothing that was answered 204 is lost.
describe.runIf(redisUrl)('remote_write back-pressure', () => {
  let server: RedisServer;
  let store: RedisStore;
  let horizon: Awaited<ReturnType<typeof startTestHorizon>>;
  let url: string;
  const ts = (Math.floor(Date.now() / 1000) - 60) * 1000;

  beforeAll(async () => {
    server = await startRedisServer();
    store = RedisStore.connect(server.url);
    horizon = await startTestHorizon(store, testConfig({ remoteWritePort: 0, bufferPoints: 100 }));
    url = `http://127.0.0.1:${horizon.endpoints.remoteWrite}/api/v1/write`;
  });
  afterAll(async () => {
    await server.restart().catch(() => {});
    await horizon.stop();
    await store.close();
    await server.stop();
  });

  const write = (metric: string, n: number) =>
    fetch(url, {
      method: 'POST',
      headers: REMOTE_WRITE_HEADERS,
      signal: AbortSignal.timeout(10_000),
      body: new Uint8Array(
        encodeWriteRequest(
          Array.from({ length: n }, (_, i) => ({
            labels: { __name__: metric, i: String(i) },
            samples: [[ts, i + 0.5]] as [number, number][],
          })),
        ),
      ),
    });

  it('answers 503 with Retry-After while the Store is away and the writer over its limit, and 204 again once it is back', async () => {
    expect((await write('bp_before', 1)).status).toBe(204);
    await waitFor(
      () => pointsOf(store, 'bp_before;i=0'),
      (p) => p.length === 1,
    );
    await server.kill();
    // Within the buffer: accepted, held by the writer.
    expect((await write('bp_held', 60)).status).toBe(204);
    await waitFor(
      () => horizon.writer.depth,
      (d) => d >= 60,
    );
    // Over the limit: refused for now (first as 'behind', then, a second after the last write, as a Store outage).
    const refused = await waitFor(
      async () => {
        const r = await write('bp_refused', 1);
        return { status: r.status, retry: r.headers.get('retry-after'), text: await r.text() };
      },
      (r) => r.status !== 204 && r.retry === '5',
    );
    expect(refused).toMatchObject({ status: 503, retry: '5' });
    expect(refused.text).toMatch(/the Store is not taking writes \(\d+ points buffered\): retry/);
    await server.restart();
    // Prometheus's retry: accepted once the writer has caught up.
    expect(
      (
        await waitFor(
          () => write('bp_refused', 1),
          (r) => r.status === 204,
        )
      ).status,
    ).toBe(204);
    for (let i = 0; i < 60; i++)
      expect(
        await waitFor(
          () => pointsOf(store, `bp_held;i=${i}`),
          (p) => p.length === 1,
        ),
      ).toEqual([[ts / 1000, i + 0.5]]);
    expect(
      await waitFor(
        () => pointsOf(store, 'bp_refused;i=0'),
        (p) => p.length === 1,
      ),
    ).toEqual([[ts / 1000, 0.5]]);
    expect(horizon.counters.dropped).toBe(0);
  });
});
