import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../../core/store/embeddedStore.js';
import { COUNTER_TYPE, GAUGE_TYPE } from '../../../horizon/remoteWrite/protoSchema.js';
import {
  encodeWriteRequest,
  REMOTE_WRITE_HEADERS,
  type MetadataToSend,
  type SeriesToSend,
} from '../../../utils/senders/remoteWrite.js';
import { pointsOf, startTestHorizon, testConfig, waitFor } from '../support.js';

// remote_write into a real horizon on an ephemeral port, storing into the embedded store; bodies built
// with protobufjs and the snappy package as a Prometheus-compatible sender would (the real Prometheus
// is in test/interop/prometheus.test.ts).
const T0 = (Math.floor(Date.now() / 1000) - 300) * 1000;

async function started(horizon: Record<string, unknown> = {}) {
  const store = EmbeddedStore.open();
  const h = await startTestHorizon(store, testConfig({ remoteWritePort: 0, ...horizon }));
  const url = `http://127.0.0.1:${h.endpoints.remoteWrite}/api/v1/write`;
  const post = (body: Buffer | string, headers: Record<string, string> = REMOTE_WRITE_HEADERS) =>
    fetch(url, {
      method: 'POST',
      body: typeof body === 'string' ? body : new Uint8Array(body),
      headers,
      signal: AbortSignal.timeout(10_000),
    });
  const write = (series: SeriesToSend[], metadata: MetadataToSend[] = []) =>
    post(encodeWriteRequest(series, metadata));
  const stored = (name: string, n: number) =>
    waitFor(
      () => pointsOf(store, name),
      (p) => p.length >= n,
    );
  return {
    store,
    h,
    url,
    post,
    write,
    stored,
    stop: async () => {
      await h.stop();
      await store.close();
    },
  };
}

/** value.StaleNaN of Prometheus: the NaN with this bit pattern marks a series that went away. */
function staleNaN(): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, 0x7ff00000);
  v.setUint32(4, 0x00000002);
  return v.getFloat64(0);
}

describe('remote_write, Graphite tagged names (the default)', () => {
  let k: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    k = await started();
  });
  afterAll(async () => {
    await k.stop();
  });

  it('stores a gauge under name;label=value;… with labels sorted and unsafe characters replaced, answering 204', async () => {
    const res = await k.write([
      {
        labels: { job: 'node', __name__: 'node_load1', instance: 'db 1:9100', path: 'a;b', a1: '~x', a: 'y' },
        samples: [
          [T0, 0.5],
          [T0 + 15_000, 0.75],
        ],
      },
    ]);
    expect(res.status).toBe(204);
    // Sorted by label name (a before a1), not by the joined text.
    expect(await k.stored('node_load1;a=y;a1=_x;instance=db_1:9100;job=node;path=a_b', 2)).toEqual([
      [T0 / 1000, 0.5],
      [T0 / 1000 + 15, 0.75],
    ]);
  });

  it('the same series with its labels in another order is the same metric; an empty label is no label', async () => {
    await k.write([{ labels: { instance: 'x', __name__: 'same_series', zone: '' }, samples: [[T0, 1]] }]);
    await k.write([{ labels: { __name__: 'same_series', instance: 'x' }, samples: [[T0 + 1000, 2]] }]);
    expect(await k.stored('same_series;instance=x', 2)).toEqual([
      [T0 / 1000, 1],
      [T0 / 1000 + 1, 2],
    ]);
  });

  it('stores a _total counter as per-second rates, a reset counted from zero, the first sample only priming', async () => {
    const res = await k.write([
      {
        labels: { __name__: 'http_requests_total', code: '200' },
        samples: [
          [T0, 100],
          [T0 + 10_000, 150],
          [T0 + 20_000, 170],
          [T0 + 30_000, 30],
        ],
      },
    ]);
    expect(res.status).toBe(204);
    // 50 in 10 s, 20 in 10 s, then a restart: 30 since zero in 10 s.
    expect(await k.stored('http_requests_total;code=200', 3)).toEqual([
      [T0 / 1000 + 10, 5],
      [T0 / 1000 + 20, 2],
      [T0 / 1000 + 30, 3],
    ]);
    // The next request goes on from the last sample of the previous one.
    await k.write([
      { labels: { __name__: 'http_requests_total', code: '200' }, samples: [[T0 + 40_000, 50]] },
    ]);
    expect((await k.stored('http_requests_total;code=200', 4)).at(-1)).toEqual([T0 / 1000 + 40, 2]);
  });

  it('metadata wins over the suffix: a gauge named _total is stored as sent', async () => {
    await k.write([], [{ type: GAUGE_TYPE, metricFamilyName: 'active_handles_total' }]);
    await k.write([
      {
        labels: { __name__: 'active_handles_total' },
        samples: [
          [T0, 7],
          [T0 + 1000, 5],
        ],
      },
    ]);
    expect(await k.stored('active_handles_total', 2)).toEqual([
      [T0 / 1000, 7],
      [T0 / 1000 + 1, 5],
    ]);
  });

  it('a series whose metadata says counter is a rate too, without the _total suffix', async () => {
    await k.write([], [{ type: COUNTER_TYPE, metricFamilyName: 'legacy_bytes' }]);
    await k.write([
      {
        labels: { __name__: 'legacy_bytes' },
        samples: [
          [T0, 0],
          [T0 + 2000, 4096],
        ],
      },
    ]);
    expect(await k.stored('legacy_bytes', 1)).toEqual([[T0 / 1000 + 2, 2048]]);
  });

  it('counts what it refuses by reason, the same as every protocol, and stores the rest', async () => {
    const before = { ...k.h.counters.rejected };
    const received = k.h.counters.received;
    const res = await k.write([
      {
        labels: { job: 'no-name' },
        samples: [
          [T0, 1],
          [T0 + 1000, 2],
        ],
      },
      {
        labels: { __name__: 'mixed' },
        samples: [
          [T0 - 86_400_000, 1],
          [T0, Number.POSITIVE_INFINITY],
          [T0 + 1000, staleNaN()],
          [T0 + 2000, 3],
        ],
      },
    ]);
    expect(res.status).toBe(204);
    expect(await k.stored('mixed', 1)).toEqual([[T0 / 1000 + 2, 3]]);
    expect(k.h.counters.rejected.name - before.name).toBe(2);
    expect(k.h.counters.rejected.timestamp - before.timestamp).toBe(1);
    expect(k.h.counters.rejected.value - before.value).toBe(1);
    // The stale marker is Prometheus saying the series went away: neither stored nor a bad value.
    expect(k.h.counters.received - received).toBe(3);
  });

  it('answers a body that is not snappy, or not a WriteRequest, with 400 naming the problem, and keeps serving', async () => {
    const undecodable = k.h.counters.rejected.undecodable;
    const notSnappy = await k.post(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    expect(notSnappy.status).toBe(400);
    expect(await notSnappy.text()).toMatch(/not Snappy-compressed/);
    const notProto = await k.post(compressSync(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f])));
    expect(notProto.status).toBe(400);
    expect(await notProto.text()).toMatch(/not a protobuf prometheus\.WriteRequest/);
    const gzip = await k.post(Buffer.from('x'), { ...REMOTE_WRITE_HEADERS, 'Content-Encoding': 'gzip' });
    expect(gzip.status).toBe(400);
    expect(await gzip.text()).toMatch(/Content-Encoding gzip is not supported/);
    expect(k.h.counters.rejected.undecodable - undecodable).toBe(2);
    expect((await k.write([{ labels: { __name__: 'after_bad' }, samples: [[T0, 1]] }])).status).toBe(204);
  });

  it('other paths and methods are 404 and 405', async () => {
    const base = k.url.replace('/api/v1/write', '');
    expect((await fetch(`${base}/api/v1/read`, { method: 'POST' })).status).toBe(404);
    const get = await fetch(k.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('remote_write bounds and options', () => {
  it('413 over maxBodyBytes (by Content-Length or as it streams) and over maxDecodedBytes', async () => {
    const k = await started({ remoteWrite: { maxBodyBytes: 1000, maxDecodedBytes: 2000 } });
    try {
      const oversized = k.h.counters.rejected.oversized;
      const big = await k.post(Buffer.alloc(1001));
      expect(big.status).toBe(413);
      expect(await big.text()).toMatch(/over 1000 bytes \(horizon\.remoteWrite\.maxBodyBytes\)/);
      // Compresses below 1000 bytes, decompresses above 2000.
      const series = Array.from({ length: 40 }, (_, i) => ({
        labels: { __name__: 'wide', i: String(i).padStart(30, '0') },
        samples: [[T0, 1]] as [number, number][],
      }));
      const body = encodeWriteRequest(series);
      expect(body.length).toBeLessThan(1000);
      const decoded = await k.post(body);
      expect(decoded.status).toBe(413);
      expect(await decoded.text()).toMatch(/over horizon\.remoteWrite\.maxDecodedBytes \(2000\)/);
      expect(k.h.counters.rejected.oversized - oversized).toBe(2);
    } finally {
      await k.stop();
    }
  });

  it('a template gives dotted names; counters: raw stores counters as sent', async () => {
    const k = await started({
      remoteWrite: { template: 'prom.{job}.{instance}.{__name__}', counters: 'raw' },
    });
    try {
      await k.write([
        { labels: { __name__: 'up', job: 'node', instance: '10.0.0.1:9100' }, samples: [[T0, 1]] },
        {
          labels: { __name__: 'jobs_total' },
          samples: [
            [T0, 5],
            [T0 + 1000, 7],
          ],
        },
      ]);
      expect(await k.stored('prom.node.10_0_0_1:9100.up', 1)).toEqual([[T0 / 1000, 1]]);
      expect(await k.stored('prom._._.jobs_total', 2)).toEqual([
        [T0 / 1000, 5],
        [T0 / 1000 + 1, 7],
      ]);
    } finally {
      await k.stop();
    }
  });

  it('a template naming no label is a config error naming the key', () => {
    expect(() => testConfig({ remoteWrite: { template: 'prom.static' } })).toThrow(
      /horizon\.remoteWrite\.template/,
    );
  });
});
