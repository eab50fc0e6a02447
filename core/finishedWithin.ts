import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits for `work` at most `ms` and says whether it finished (a failure counts as finished). A
 * service's stop uses it for work under way that waits on an absent Redis for as long as Redis is
 * away: the work is abandoned, so the stop still ends within shutdownTimeout.
 */
export async function finishedWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const finished = work.then(
    () => true,
    () => true,
  );
  return Promise.race([finished, sleep(ms, false, { ref: false })]);
}

/**
 * How long a stop waits for work under way: half of shutdownTimeout, so that letting go afterwards
 * (a group lease, threads, an index) still ends within it.
 */
export const stopWaitMs = (shutdownTimeout: number): number => shutdownTimeout * 500;
