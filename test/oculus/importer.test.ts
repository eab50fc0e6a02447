import type { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../core/config/schema.js';
import type { EmbeddedState } from '../../core/store/embedded/state.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { Point, Store } from '../../core/store/store.js';
import { encodePoints } from '../../core/store/windowCodec.js';
import { importShapes } from '../../oculus/importer.js';
import type { ShapeIndex } from '../../oculus/index/shapeIndex.js';
import type { ShapeChunks } from '../../oculus/shapeChunks.js';
import { shapeFromSeries, type Shape } from '../../oculus/shapes/shape.js';
import { SHAPE_WINDOWS, type ShapeWindow } from '../../oculus/shapes/windows.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { rng } from './random.js';
import { T0 } from './fixtures.js';

/** Keeps what an import hands each window's `replace`, shape for shape. */
class CapturingIndex implements ShapeIndex {
  readonly kind = 'embedded' as const;
  readonly replaced = new Map<ShapeWindow, Shape[]>();
  async replace(window: ShapeWindow, chunks: ShapeChunks): Promise<void> {
    const all: Shape[] = [];
    for await (const chunk of chunks) all.push(...chunk);
    this.replaced.set(window, all);
  }
  get(): Promise<Shape | null> {
    throw new Error('not used');
  }
  count(): Promise<number> {
    throw new Error('not used');
  }
  search(): never {
    throw new Error('not used');
  }
  async close(): Promise<void> {}
}

/**
 * Eight hours at 60 s (enough for a 24 h shape), written the ways Skyline-compatible writers leave
 * windows: several writes of each second (the last one counts), out of order, late, flat, too short.
 */
function windows(): Record<string, Point[]> {
  const rand = rng(14);
  const minutes = Array.from({ length: 480 }, (_, i) => T0 - 480 * 60 + i * 60);
  const walk = (ts: number[]) => {
    let v = 0;
    return ts.map((t): Point => [t, (v += rand() - 0.5)]);
  };
  const shuffled = walk(minutes.flatMap((t) => [t, t, t])).sort(() => rand() - 0.5);
  const sorted = walk(minutes);
  return {
    'dup.each.second': walk(minutes.flatMap((t) => [t, t, t, t, t])),
    'unsorted.with.dups': shuffled,
    'late.points': [...sorted.slice(0, 300), ...sorted.slice(350), ...sorted.slice(300, 350)],
    'sorted.unique': sorted,
    'flat.level': minutes.map((t): Point => [t, 42]),
    'too.short': minutes.slice(0, 3).map((t): Point => [t, 1]),
  };
}

type RawWrite = (store: Store, name: string, bytes: Buffer) => Promise<void>;

const stores: Array<[string, () => Promise<{ store: Store; rawWrite: RawWrite }>]> = [
  [
    'embedded',
    async () => ({
      store: EmbeddedStore.open(),
      rawWrite: async (store, name, bytes) => {
        (store as unknown as { state: EmbeddedState }).state.windows.set(name, [bytes]);
      },
    }),
  ],
];
if (redisUrl)
  stores.push([
    'redis',
    async () => ({
      store: await RedisStore.connect(await freshRedisDb()),
      rawWrite: async (store, name, bytes) => {
        const client = (store as RedisStore).client as Redis | Cluster;
        await client.set(`metrics.${name}`, bytes);
        await client.sadd('metrics.unique_metrics', `metrics.${name}`);
      },
    }),
  ]);
else it.skip('redis: no redis-server for this run', () => {});

describe.each(stores)('the import, decoding on its own thread (%s store)', (_, open) => {
  it('gives the shapes the windows decoded on this thread give, duplicate and unsorted timestamps included', async () => {
    const { store, rawWrite } = await open();
    for (const [name, points] of Object.entries(windows())) await rawWrite(store, name, encodePoints(points));
    // Bytes that are no msgpack (0xc1 is never used): skipped, as readWindows reads them (null).
    await rawWrite(store, 'undecodable', Buffer.from([0x92, 0x01, 0xc1, 0xff, 0x00]));
    // Batches of 3: several batches through the thread, the last one short.
    const config = configSchema.parse({ oculus: { paaDims: 16 }, reads: { batch: 3 } });
    const index = new CapturingIndex();
    const result = await importShapes(config, store, index);

    const names = await store.listMetrics();
    const series = await store.readWindows(names);
    expect(series[names.indexOf('undecodable')]).toBeNull();
    for (const window of SHAPE_WINDOWS) {
      // What the importer built from readWindows on the listeners' thread before.
      const expected = names.flatMap((name, j) => {
        const s = series[j];
        const shape = s && shapeFromSeries(name, s, window, 16);
        return shape ? [shape] : [];
      });
      expect(expected.map((s) => s.name)).toEqual(
        names.filter((n) => n !== 'too.short' && n !== 'undecodable'),
      );
      expect(index.replaced.get(window)).toEqual(expected);
      expect(result.windows.find((w) => w.window === window)).toEqual({
        window,
        metrics: 7,
        indexed: 5,
        flat: 1,
        skipped: 2,
      });
    }
    await store.close();
  });
});
