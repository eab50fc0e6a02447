import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { Store } from '../../core/store/store.js';
import { runRoomba } from '../../horizon/roomba.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { pointsOf } from './support.js';

const NOW = 1_800_000_000;
const KEEP = 86400 + 600;

function roombaSuite(open: () => Promise<Store>) {
  it('trims to FULL_DURATION + grace and forgets metrics with nothing left', async () => {
    const store = await open();
    await store.append([
      {
        name: 'rb.mixed',
        points: [
          [NOW - KEEP - 60, 1],
          [NOW - KEEP + 60, 2],
          [NOW, 3],
        ],
      },
      { name: 'rb.dead', points: [[NOW - KEEP - 3600, 1]] },
    ]);
    const r = await runRoomba(store, KEEP, NOW);
    expect(r).toMatchObject({ metrics: 2, removed: 2, forgotten: ['rb.dead'], quarantined: [] });
    expect(await pointsOf(store, 'rb.mixed')).toEqual([
      [NOW - KEEP + 60, 2],
      [NOW, 3],
    ]);
    expect(await store.listMetrics()).toEqual(['rb.mixed']);
    await store.close();
  });

  it('never loses a point appended while it trims', async () => {
    const store = await open();
    const names = Array.from({ length: 200 }, (_, i) => `rb.c${i}`);
    await store.append(
      names.map((name) => ({
        name,
        points: Array.from({ length: 50 }, (_, j) => [NOW - KEEP - 1000 + j, j] as [number, number]),
      })),
    );
    const appends = (async () => {
      for (let k = 0; k < 20; k++)
        await store.append(names.map((name) => ({ name, points: [[NOW + k, k]] })));
    })();
    await Promise.all([runRoomba(store, KEEP, NOW), appends]);
    await runRoomba(store, KEEP, NOW);
    for (const name of names)
      expect(await pointsOf(store, name)).toEqual(Array.from({ length: 20 }, (_, k) => [NOW + k, k]));
    await store.close();
  });
}

describe('roomba on the embedded store', () => roombaSuite(async () => EmbeddedStore.open()));

describe.runIf(redisUrl)('roomba on Redis', () => {
  roombaSuite(async () => RedisStore.connect(await freshRedisDb()));

  it('quarantines an undecodable key and reports it, keeping the bytes', async () => {
    const store = RedisStore.connect(await freshRedisDb());
    await store.client.set('metrics.rb.garbage', Buffer.from([0xc1, 0x00, 0xff]));
    await store.client.sadd('metrics.unique_metrics', 'metrics.rb.garbage');
    const r = await runRoomba(store, KEEP, NOW);
    expect(r.quarantined).toEqual(['rb.garbage']);
    expect(await store.client.getBuffer('quarantine.metrics.rb.garbage')).toEqual(
      Buffer.from([0xc1, 0x00, 0xff]),
    );
    expect(await store.listMetrics()).toEqual([]);
    await store.close();
  });
});
