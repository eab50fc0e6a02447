import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { IngestCounters } from '../../horizon/counters.js';
import { NameTable } from '../../horizon/nameTable.js';
import { runRoomba } from '../../horizon/roomba.js';
import { ThreadedWriter } from '../../horizon/threadedWriter.js';
import { Writer, type PointWriter, type WriterOptions } from '../../horizon/writer.js';
import { freePort, startRedisServer } from '../../utils/redisServer.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { pointsOf, waitFor } from './support.js';

const log = createLogger('test');

type OpenWriter = (
  store: RedisStore,
  counters: IngestCounters,
  opts: WriterOptions,
  names?: NameTable,
) => PointWriter;
/** Both PointWriters for Redis: in this thread on the given connection, and in a writer thread on its own. */
const WRITERS: Array<[string, OpenWriter]> = [
  [
    'in-thread writer',
    (store, counters, opts, names) => new Writer(store, counters, opts, log, undefined, names),
  ],
  [
    'threaded writer',
    (store, counters, opts, names) =>
      new ThreadedWriter(store.writerConnection()!, counters, opts, log, names),
  ],
];

describe.each(WRITERS)('%s', (_kind, open) => {
  it('drops the oldest points past the buffer bound and counts them', async () => {
    // A Redis URL where nothing listens: appends wait in ioredis until a server appears, as in an outage.
    const store = RedisStore.connect(`redis://127.0.0.1:${await freePort()}`);
    const counters = new IngestCounters();
    const w = open(store, counters, { batchMs: 1000, batchPoints: 4, bufferPoints: 10 });
    for (let i = 0; i < 25; i++) w.add('bounded', 1000 + i, i);
    // The first full batch is in flight (4 points); the queue behind it holds the newest 10.
    expect(
      await waitFor(
        () => counters.dropped,
        (d) => d === 11,
      ),
    ).toBe(11);
    expect(w.depth).toBe(14);
    expect(await w.close(50)).toBe(14);
    store.client.disconnect();
  });

  it.runIf(redisUrl)('writes one batch per Store append with torus writes alongside', async () => {
    const store = RedisStore.connect(await freshRedisDb());
    const counters = new IngestCounters();
    const w = open(store, counters, { batchMs: 5, batchPoints: 1000, bufferPoints: 10_000 });
    w.start();
    for (let i = 0; i < 2500; i++)
      w.add(`b.m${i % 10}`, 1000 + i, i, [{ type: 'count', key: 'b.total:all:0', value: 1, expireAt: 4e9 }]);
    expect(await w.close(10_000)).toBe(0);
    // The first full batch goes at once; the two queued behind it are merged into the next write.
    expect(counters.flushes).toBe(2);
    expect((await pointsOf(store, 'b.m3')).length).toBe(250);
    expect(await store.torusRead('count', ['b.total:all:0'])).toEqual([{ type: 'count', total: 2500 }]);
    await store.close();
  });

  it.runIf(redisUrl)(
    'names every point right while its name table starts over again and again, queued points included',
    async () => {
      const store = RedisStore.connect(await freshRedisDb());
      // A table of 3 names for 7 metrics: it starts over every third new name, with points of the old
      // table still batched (and, in the thread, queued) behind the new ones.
      const w = open(
        store,
        new IngestCounters(),
        { batchMs: 5, batchPoints: 4, bufferPoints: 10_000 },
        new NameTable(3),
      );
      w.start();
      const expected = new Map<string, Array<[number, number]>>();
      for (let i = 0; i < 140; i++) {
        const name = `churn.m${(i * 3) % 7}`;
        // The relay path (an id from the writer's own table) and the string path, for the same names.
        if (i % 2) w.addId(w.names.idOf(Buffer.from(name), 0, name.length, false), 1000 + i, i);
        else w.add(name, 1000 + i, i);
        expected.set(name, [...(expected.get(name) ?? []), [1000 + i, i]]);
      }
      expect(w.names.generation).toBeGreaterThan(10);
      expect(await w.close(10_000)).toBe(0);
      expect((await store.listMetrics()).sort()).toEqual([...expected.keys()].sort());
      for (const [name, points] of expected) expect(await pointsOf(store, name)).toEqual(points);
      await store.close();
    },
  );

  it.runIf(redisUrl)('registers a metric again when it comes back after roomba forgot it', async () => {
    const store = RedisStore.connect(await freshRedisDb());
    const w = open(store, new IngestCounters(), { batchMs: 5, batchPoints: 1000, bufferPoints: 10_000 });
    w.start();
    w.add('back.again', 1000, 1);
    await w.pump();
    // Roomba trims through its own connection; the writer hears which metrics it forgot.
    const r = await runRoomba(store, 60, 5000);
    expect(r.forgotten).toEqual(['back.again']);
    w.forget(r.forgotten);
    expect(await store.listMetrics()).toEqual([]);
    w.add('back.again', 6000, 2);
    expect(await w.close(10_000)).toBe(0);
    expect(await store.listMetrics()).toEqual(['back.again']);
    expect(await pointsOf(store, 'back.again')).toEqual([[6000, 2]]);
    await store.close();
  });
});

describe('threaded writer without its thread', () => {
  it('counts points added after the thread is gone as dropped instead of holding them', async () => {
    const store = RedisStore.connect(`redis://127.0.0.1:${await freePort()}`);
    const counters = new IngestCounters();
    const w = new ThreadedWriter(
      store.writerConnection()!,
      counters,
      { batchMs: 1000, batchPoints: 4, bufferPoints: 10 },
      log,
    );
    expect(await w.close(0)).toBe(0);
    for (let i = 0; i < 5; i++) w.add('late', 1000 + i, i);
    expect(counters.dropped).toBe(5);
    expect(w.depth).toBe(0);
    store.client.disconnect();
  });
});

describe.runIf(redisUrl).each(WRITERS)(
  '%s while Redis is down (own redis-server, killed and restarted)',
  (_kind, open) => {
    it('buffers, reconnects and stores every point inside the bound, in order; drops and counts the oldest past it', async () => {
      const server = await startRedisServer();
      const store = RedisStore.connect(server.url);
      const counters = new IngestCounters();
      const w = open(store, counters, { batchMs: 5, batchPoints: 100, bufferPoints: 3000 });
      w.start();
      try {
        for (let i = 0; i < 200; i++) w.add('outage.before', 1000 + i, i);
        expect(
          await waitFor(
            () => pointsOf(store, 'outage.before'),
            (p) => p.length === 200,
          ),
        ).toHaveLength(200);

        await server.kill();
        // 5,000 points while down, with room for 3,000 in the queue.
        for (let i = 0; i < 5000; i++) w.add('outage.during', 2000 + i, i);
        // Whether the writer had taken one batch (100 points) to ioredis before it saw Redis gone depends
        // on timing: that batch is held offline and sent on reconnect, the rest is bounded to 3,000.
        await waitFor(
          () => ({ dropped: counters.dropped, depth: w.depth }),
          (c) => c.dropped >= 1900 && c.dropped + c.depth === 5000,
        );
        const inFlight = w.depth - 3000;
        expect([0, 100]).toContain(inFlight);
        expect(counters.dropped).toBe(2000 - inFlight);
        await server.restart();
        // ioredis reconnects with backoff; the buffered points drain in order once it is back.
        expect(
          await waitFor(
            () => w.depth,
            (d) => d === 0,
          ),
        ).toBe(0);

        for (let i = 0; i < 100; i++) w.add('outage.after', 9000 + i, i);
        expect(await w.close(20_000)).toBe(0);
        const during = await pointsOf(store, 'outage.during');
        // The batch in flight, if any, arrived first; the queue behind it was bounded to 3,000 by dropping
        // its oldest points. Everything else arrived.
        expect(counters.dropped).toBe(2000 - inFlight);
        const kept = [
          ...Array.from({ length: inFlight }, (_, i) => i),
          ...Array.from({ length: 3000 }, (_, k) => 2000 + k),
        ];
        expect(during).toEqual(kept.map((i) => [2000 + i, i]));
        expect(await pointsOf(store, 'outage.after')).toEqual(
          Array.from({ length: 100 }, (_, i) => [9000 + i, i]),
        );
        // In order: the raw bytes were appended in send order, not only sorted on read.
        const raw = await store.client.getBuffer('metrics.outage.during');
        const { unpackMultiple } = await import('msgpackr');
        const ts = (unpackMultiple(raw!) as Array<[number, number]>).map((p) => p[0]);
        expect(ts).toEqual([...ts].sort((a, b) => a - b));
      } finally {
        await store.close();
        await server.stop();
      }
    });
  },
);
