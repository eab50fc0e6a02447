import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from './redisUrl.js';

/** A client for the target: commands wait while the server is away instead of failing at once. */
export function connectRedis(target: RedisTarget): Redis | Cluster {
  const options: RedisOptions = {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    // Concurrent commands of one tick travel as one pipeline (per node, on a cluster).
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    // A socket to a Redis that is away may never confirm its close; ioredis destroys it after this
    // (2 s by default, most of a SIGTERM's shutdownTimeout).
    disconnectTimeout: 300,
  };
  const client =
    target.kind === 'standalone'
      ? new Redis(target.url, options)
      : new Cluster([...target.nodes], {
          redisOptions: { ...options, password: target.password },
          enableAutoPipelining: true,
          // ioredis cannot place a script call's keys in a per-node auto-pipeline; scripts go one by one.
          autoPipeliningIgnoredCommands: ['kaleTorus', 'kaleTrim', 'kaleTrimBuffer'],
          enableOfflineQueue: true,
          clusterRetryStrategy: options.retryStrategy,
          // ioredis documents a 5 s default but refreshes its slot map only when it follows a MOVED
          // itself; a command of an auto-pipeline gets the MOVED as its error instead, and the map kept
          // naming a dead master after a failover. One CLUSTER SLOTS every 2 s per client bounds that.
          slotsRefreshInterval: 2000,
        } satisfies ClusterOptions);
  // Connection errors are retried by ioredis; callers see failures on their own commands.
  client.on('error', () => {});
  return client;
}
