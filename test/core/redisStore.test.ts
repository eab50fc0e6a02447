import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { storeContract } from './storeContract.js';

if (redisUrl) {
  storeContract('redis', {
    open: async () => RedisStore.connect(await freshRedisDb()),
    rawWrite: async (store, name, bytes) => {
      const client = (store as RedisStore).client as Redis;
      await client.set(`metrics.${name}`, bytes);
      await client.sadd('metrics.unique_metrics', `metrics.${name}`);
    },
  });
} else {
  describe.skip('Store contract: redis (SKIPPED: no redis-server on this machine)', () => {});
}
