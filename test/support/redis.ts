import { inject } from 'vitest';
import { Redis } from 'ioredis';

/** The run's Redis URL, or null when it is unavailable outside CI (suites then skip, loudly). */
export const redisUrl = inject('redisUrl');

/**
 * A Redis URL on a database no other test file uses (the run's server has 1024 databases; database 0
 * only holds the counter), so files run in parallel without sharing keys.
 */
export async function freshRedisDb(): Promise<string> {
  if (!redisUrl) throw new Error('no Redis for this run');
  const r = new Redis(redisUrl);
  const db = await r.incr('kale.test.next-db');
  r.disconnect();
  if (db >= 1024) throw new Error('out of test databases');
  return `${redisUrl}/${db}`;
}
