import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { startRedisCluster, type RedisCluster } from '../../utils/redisCluster.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { storeContract } from './storeContract/index.js';

const rawWrite = async (store: unknown, name: string, bytes: Buffer) => {
  const client = (store as RedisStore).client as Redis | Cluster;
  await client.set(`metrics.${name}`, bytes);
  await client.sadd('metrics.unique_metrics', `metrics.${name}`);
};

if (redisUrl) {
  storeContract('redis', { open: async () => RedisStore.connect(await freshRedisDb()), rawWrite });

  describe('Redis Cluster (three masters)', () => {
    let cluster: RedisCluster;
    beforeAll(async () => {
      cluster = await startRedisCluster(3);
    });
    afterAll(async () => {
      await cluster?.stop();
    });
    // A cluster has one database: every case starts from an empty cluster (cases in a file run in order).
    storeContract('redis cluster', {
      open: async () => {
        await cluster.flushAll();
        return RedisStore.connect(cluster.url);
      },
      rawWrite,
    });
  });
} else {
  describe.skip('Store contract: redis and redis cluster (SKIPPED: no redis-server on this machine)', () => {});
}
