import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/cli.js';
import { validateConfig } from '../../../core/config/load.js';
import { benchRedis } from '../../../utils/bench/benchRedis.js';
import { freshRedisDb, redisUrl } from '../../support/redis.js';

describe.runIf(redisUrl)('the Redis a bench runs on', () => {
  it('refuses a given Redis that holds keys, naming it, and leaves the keys alone', async () => {
    const url = await freshRedisDb();
    const r = new Redis(url);
    try {
      await r.set('someone.elses', 'data');
      const refused = benchRedis(validateConfig({ redis: { url } }));
      await expect(refused).rejects.toBeInstanceOf(UsageError);
      await expect(refused).rejects.toThrow(`${url} holds 1 keys`);
      expect(await r.get('someone.elses')).toBe('data');

      await r.del('someone.elses');
      const given = await benchRedis(validateConfig({ redis: { url } }));
      expect(given.url).toBe(url);
      await given.stop();
    } finally {
      r.disconnect();
    }
  });

  it('starts a throw-away redis-server when none is given', async () => {
    const own = await benchRedis(validateConfig({}));
    const r = new Redis(own.url);
    try {
      expect(await r.ping()).toBe('PONG');
    } finally {
      r.disconnect();
      await own.stop();
    }
  });
});
