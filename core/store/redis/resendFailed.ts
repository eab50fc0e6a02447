/**
 * Writes that span several masters of a Redis Cluster, made safe to retry. When a master dies, the
 * commands routed to it fail (ioredis gives up after its redirections, about 1.6 s, long before a
 * failover with Redis's default 15 s node timeout completes) while the same batch's commands on the
 * other masters succeed. Retrying the whole batch would append those twice, so only the failed
 * commands are sent again, until every one has succeeded or the client is closed.
 */

/** Waits between rounds: short at first (a failover on a quick network takes a second or two), capped. */
const backoffMs = (round: number) => Math.min(100 * 2 ** round, 1000);

/**
 * Sends every command; then again only those that failed, each round after `beforeRetry` (given the
 * round's errors) and a backoff, until all have succeeded (their results in order). Rethrows a failure
 * once `closed()` holds: nobody will serve it.
 */
export async function resendFailed<T>(
  commands: ReadonlyArray<() => Promise<T>>,
  closed: () => boolean,
  beforeRetry: (errors: unknown[]) => void = () => {},
): Promise<T[]> {
  const results = new Array<T>(commands.length);
  let pending = commands.map((_, i) => i);
  for (let round = 0; ; round++) {
    const settled = await Promise.allSettled(pending.map((i) => commands[i]()));
    const failed: number[] = [];
    const errors: unknown[] = [];
    settled.forEach((s, n) => {
      if (s.status === 'fulfilled') results[pending[n]] = s.value;
      else {
        failed.push(pending[n]);
        errors.push(s.reason);
      }
    });
    if (failed.length === 0) return results;
    if (closed()) throw errors[errors.length - 1];
    pending = failed;
    beforeRetry(errors);
    await new Promise((r) => setTimeout(r, backoffMs(round)));
  }
}
