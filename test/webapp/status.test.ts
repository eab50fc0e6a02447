import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import type { Store } from '../../core/store/store.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { startTestWebapp, type TestWebapp } from './fixtures.js';
import { statusSince } from '../support/statusSince.js';

const backends: Array<[string, () => Promise<Store | undefined>]> = [
  ['embedded', async () => undefined],
  ...(redisUrl
    ? [['redis', async () => RedisStore.connect(await freshRedisDb())] as [string, () => Promise<Store>]]
    : []),
];

interface Health {
  service: string;
  state: string;
  reason: string;
}

describe.each(backends)('GET /api/status on the %s store', (_kind, open) => {
  let w: TestWebapp | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await w?.stop();
    await store?.close();
  });
  const status = async () => (await fetch(`${w!.url}/api/status`)).json();
  const health = (body: { health: Health[] }, service: string) =>
    body.health.find((h) => h.service === service);

  it('says what is missing on a store no service has reported to', async () => {
    store = await open();
    w = await startTestWebapp({ store });
    const s = await status();
    expect(health(s, 'store')).toMatchObject({
      state: 'ok',
      reason: expect.stringMatching(/ping [\d.]+ ms/),
    });
    expect(health(s, 'horizon')).toMatchObject({
      state: 'down',
      reason: expect.stringContaining('no status reported'),
    });
    expect(health(s, 'analyzer')).toMatchObject({
      state: 'degraded',
      reason: expect.stringContaining('no cycle finished yet'),
    });
    expect(health(s, 'oculus')).toMatchObject({
      state: 'degraded',
      reason: expect.stringContaining('no shape import yet'),
    });
    expect(s.analyzer).toEqual({ interval: 60, lastCycle: null, nextCycleAt: null });
    expect(s.backends.store).toMatchObject({ ok: true, kind: w.store.kind, latencyMs: expect.any(Number) });
    expect(s.backends.shapeIndex).toMatchObject({ kind: 'embedded', ok: true });
    expect(s.listeners.webapp).toBe(Number(new URL(w.url).port));
  });

  it('turns the services’ status documents and self-metric series into health, rates and the next cycle', async () => {
    store = await open();
    w = await startTestWebapp({ store });
    const now = Math.floor(Date.now() / 1000);
    // Horizon's self-metrics are counts per 10 s report: 500 received per report is 50 points/s.
    const reports = Array.from({ length: 6 }, (_, i) => now - 50 + i * 10);
    await w.store.append([
      { name: 'kale.horizon.received', points: reports.map((t) => [t, 500] as [number, number]) },
      {
        name: 'kale.horizon.rejected',
        points: reports.map((t, i) => [t, i === 5 ? 20 : 0] as [number, number]),
      },
      {
        name: 'kale.horizon.rejected.unsafe',
        points: reports.map((t, i) => [t, i === 5 ? 20 : 0] as [number, number]),
      },
      { name: 'kale.horizon.rejected.oversized', points: reports.map((t) => [t, 0] as [number, number]) },
      { name: 'kale.horizon.received', points: [[now - 7200, 999]] },
    ]);
    await w.store.putStatus('horizon', {
      received: 3000,
      queue_depth: 0,
      updatedAt: now - 2,
      endpoints: { pickle: 2024, line: 2003 },
    });
    await w.store.putStatus('analyzer', {
      startedAt: now - 30,
      runTime: 75,
      analyzed: 10,
      totalMetrics: 10,
      exceptions: { TooShort: 2 },
    });
    await w.store.putStatus('oculus', {
      backend: 'embedded',
      failures: 2,
      lastError: 'connect ECONNREFUSED',
      retryInMs: 2000,
    });
    const s = await statusSince(w!.url, Date.now() / 1000);
    expect(health(s, 'horizon')).toMatchObject({
      state: 'degraded',
      reason: 'rejecting 2.00 points/s (see rejects by reason)',
    });
    expect(health(s, 'analyzer')).toMatchObject({
      state: 'degraded',
      reason: 'a cycle takes 75 s, longer than its 60 s interval',
    });
    expect(health(s, 'oculus')).toMatchObject({
      state: 'degraded',
      reason: '2 failed imports: connect ECONNREFUSED; retrying in 2 s',
    });
    expect(s.series.ingest.received).toEqual(reports.map((t) => [t, 50]));
    expect(Object.keys(s.series.ingest.rejectedBy)).toEqual(['unsafe']);
    expect(s.series.ingest.rejectedBy.unsafe.at(-1)).toEqual([reports[5], 2]);
    expect(s.analyzer).toMatchObject({
      interval: 60,
      nextCycleAt: now - 30 + 76,
      lastCycle: { exceptions: { TooShort: 2 } },
    });
    expect(s.listeners).toMatchObject({ pickle: 2024, line: 2003 });

    await w.store.putStatus('analyzer', { startedAt: now - 400, runTime: 1 });
    await w.store.putStatus('horizon', { updatedAt: now - 300 });
    await w.store.putStatus('oculus', { backend: 'embedded', lastImport: now - 180, failures: 0 });
    const later = await statusSince(w!.url, Date.now() / 1000);
    expect(health(later, 'analyzer')).toMatchObject({
      state: 'down',
      reason: 'last cycle ended 7 min ago (runs every 60 s)',
    });
    expect(health(later, 'horizon')).toMatchObject({
      state: 'down',
      reason: 'last report 5 min ago (reports every 10 s)',
    });
    expect(health(later, 'oculus')).toMatchObject({ state: 'ok', reason: 'last import 3 min ago' });
  });
});

describe('GET /api/status with Elasticsearch configured', () => {
  it('reports an unreachable shape index as down, with the reason', async () => {
    const w = await startTestWebapp({ elasticsearch: { url: 'http://127.0.0.1:1' } });
    try {
      const s = await (await fetch(`${w.url}/api/status`)).json();
      expect(s.backends.shapeIndex).toMatchObject({ kind: 'elasticsearch', ok: false, latencyMs: null });
      expect(s.health.find((h: Health) => h.service === 'elasticsearch')).toMatchObject({ state: 'down' });
    } finally {
      await w.stop();
    }
  });

  it('probes every node of a cluster and names the one that does not answer', async () => {
    const node = http.createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
    const { port } = node.address() as AddressInfo;
    const w = await startTestWebapp({
      elasticsearch: { url: `http://127.0.0.1:${port},http://127.0.0.1:1` },
    });
    try {
      const s = await (await fetch(`${w.url}/api/status`)).json();
      expect(s.backends.shapeIndex).toMatchObject({ kind: 'elasticsearch', ok: false });
      expect(s.backends.shapeIndex.latencyMs).toBeGreaterThanOrEqual(0);
      expect(s.backends.shapeIndex.error).toMatch(/^http:\/\/127\.0\.0\.1:1: /);
      expect(s.backends.shapeIndex.error).not.toContain(`:${port}`);
      // The other node answers, so the cluster is degraded, not down.
      expect(s.health.find((h: Health) => h.service === 'elasticsearch')).toMatchObject({
        state: 'degraded',
        reason: s.backends.shapeIndex.error,
      });
    } finally {
      await w.stop();
      node.close();
    }
  });
});
