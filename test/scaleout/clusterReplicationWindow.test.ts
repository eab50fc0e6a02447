import calculateSlot from 'cluster-key-slot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIQUE_METRICS, metricKey } from '../../core/store/keys.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { startRedisCluster, type RedisCluster } from '../../utils/redisCluster.js';
import { redisUrl } from '../support/redis.js';

const listed = async (store: RedisStore) => new Set(await store.client.smembers(UNIQUE_METRICS));

/**
 * The replication window made deterministic: the replica of the master serving the metric set is
 * paused (SIGSTOP), so everything that master acknowledges next never reaches it; then the master is
 * killed and the replica, resumed, is promoted without those writes. Two writers share the set, as
 * two horizons do, so the one whose names were lost cannot tell from the set's size (the other's names
 * fill it): it must notice the failover itself.
 */
describe.runIf(redisUrl)('a failover that loses acknowledged writes (about 15 s)', () => {
  let cluster: RedisCluster;
  let a: RedisStore;
  let b: RedisStore;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicas: 1, appendOnly: true, nodeTimeoutMs: 1000 });
    a = RedisStore.connect(cluster.url);
    b = RedisStore.connect(cluster.url);
    await Promise.all([a.firstConnection, b.firstConnection]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cluster?.stop();
  });

  it('loses only what the master acknowledged while its replica lagged, and the metric set is whole again', async () => {
    const t = Math.floor(Date.now() / 1000);
    const bNames = Array.from({ length: 40 }, (_, i) => `window.b${i}`);
    const aOld = Array.from({ length: 5 }, (_, i) => `window.a${i}`);
    const aNew = Array.from({ length: 30 }, (_, i) => `window.a${i + 5}`);
    await b.append(bNames.map((name) => ({ name, points: [[t, 1]] })));
    await a.append(aOld.map((name) => ({ name, points: [[t, 1]] })));

    const master = await cluster.masterOf(calculateSlot(UNIQUE_METRICS));
    const replica = (await cluster.nodes()).find((n) => n.replicaOf === master)!.port;
    const onLostMaster = new Set<string>();
    for (const name of aNew)
      if ((await cluster.masterOf(calculateSlot(metricKey(name)))) === master) onLostMaster.add(name);
    // Wait for the replica to hold everything so far, then cut it off.
    await new Promise((r) => setTimeout(r, 500));
    cluster.pause(replica);
    try {
      // The kernel keeps taking the replication stream into a paused replica's socket buffer and
      // hands it over on resume; filler in the same slot fills that buffer, so what follows stays in
      // the master's memory and dies with it.
      const filler = Buffer.alloc(4 << 20, 1);
      for (let i = 0; i < 4; i++) await a.client.set(`kale.test.filler.${i}{${UNIQUE_METRICS}}`, filler);
      // Acknowledged by the master alone: A's new names (the set's SADD) and points on that master.
      await a.append(aNew.map((name) => ({ name, points: [[t + 1, 2]] })));
      await cluster.kill(master);
    } finally {
      cluster.resume(replica);
    }
    // A keeps writing through the failover; its appends wait for the promotion rather than fail.
    const all = [...aOld, ...aNew];
    const written = a.append(all.map((name) => ({ name, points: [[t + 2, 3]] })));
    await cluster.waitHealthy(60_000);
    expect((await cluster.nodes()).find((n) => n.port === replica)?.role).toBe('master');
    await written;

    // Every name with a point is listed again: A saw the failover and added its names anew (the set
    // lost A's new names, yet still holds more names than A knows of).
    const set = await listed(a);
    for (const name of [...all, ...bNames]) expect(set.has(metricKey(name)), name).toBe(true);

    // The loss is exactly the paused window on that master's slots: the t+1 point of A's new names
    // whose keys it served. Everything else is there once.
    expect(onLostMaster.size).toBeGreaterThan(0);
    const windows = await a.readWindows(all);
    all.forEach((name, i) => {
      const expected = aOld.includes(name) ? [t, t + 2] : onLostMaster.has(name) ? [t + 2] : [t + 1, t + 2];
      expect([...(windows[i]?.timestamps ?? [])], name).toEqual(expected);
    });
  }, 120_000);
});
