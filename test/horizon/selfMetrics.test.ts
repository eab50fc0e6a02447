import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { pointsOf, startTestHorizon, testConfig, waitFor } from './support.js';

describe('self-metrics', () => {
  it('writes kale.horizon.* counters per interval and a status document', async () => {
    const store = EmbeddedStore.open();
    const h = await startTestHorizon(store, testConfig({ selfMetricsInterval: 1, skip: ['noise'] }));
    const now = Math.floor(Date.now() / 1000);
    const s = net.connect(h.endpoints.line as number, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.end(`sm.ok 1 ${now}\nsm.ok 2 ${now + 1}\nsm.bad nan ${now}\nsm.old 1 1000\nnoise.x 1 ${now}\n`);
    const received = await waitFor(
      () => pointsOf(store, 'kale.horizon.received'),
      (p) => p.some(([, v]) => v > 0),
    );
    expect(received.reduce((sum, [, v]) => sum + v, 0)).toBe(5);
    const total = async (name: string) =>
      (await pointsOf(store, `kale.horizon.${name}`)).reduce((sum, [, v]) => sum + v, 0);
    expect(await total('rejected.value')).toBe(1);
    expect(await total('rejected.timestamp')).toBe(1);
    expect(await total('rejected')).toBe(2);
    expect(await total('skipped')).toBe(1);
    expect(await pointsOf(store, 'kale.horizon.queue_depth')).not.toEqual([]);
    expect(await pointsOf(store, 'kale.horizon.flush_latency_ms')).not.toEqual([]);
    const status = (await store.getStatus()).horizon;
    expect(status).toMatchObject({ received: 5, skipped: 1, 'rejected.value': 1, endpoints: h.endpoints });
    await h.stop();
    await store.close();
  });
});
