import { Cluster } from 'ioredis';
import type { KaleConfig } from '../../core/config/schema.js';
import { UsageError } from '../../core/cli.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { startRedisServer } from '../redisServer.js';

export interface BenchRedis {
  readonly url: string;
  /** Stops the throw-away server, if the bench started one. */
  stop(): Promise<void>;
}

/**
 * The Redis a bench runs on: a throw-away redis-server of its own, or the one given with --redis (or
 * the configuration). Benches flush the Redis they run on, so a given one must be empty: a bench
 * pointed at a Redis in use refuses instead of wiping it.
 */
export async function benchRedis(config: KaleConfig): Promise<BenchRedis> {
  const url = config.redis.url;
  if (!url) {
    const own = await startRedisServer();
    return { url: own.url, stop: () => own.stop() };
  }
  const probe = RedisStore.connect(url);
  try {
    const client = probe.client;
    const nodes = client instanceof Cluster ? client.nodes('master') : [client];
    const keys = (await Promise.all(nodes.map((n) => n.dbsize()))).reduce((a, b) => a + b, 0);
    if (keys > 0)
      throw new UsageError(
        `kale bench flushes the Redis it runs on, and ${url} holds ${keys} keys: give an empty Redis, or leave --redis out for a throw-away one`,
      );
  } finally {
    await probe.close();
  }
  return { url, stop: async () => {} };
}
