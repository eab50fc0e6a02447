/**
 * Where a Redis server's time goes: seconds spent in each command so far (INFO commandstats), and the
 * change between two readings, largest first. A script's time includes the commands it calls, which
 * Redis also counts under their own names.
 */
import type { Redis } from 'ioredis';

export type CommandSeconds = ReadonlyMap<string, number>;

export async function redisCommandSeconds(client: Pick<Redis, 'info'>): Promise<CommandSeconds> {
  const out = new Map<string, number>();
  for (const m of (await client.info('commandstats')).matchAll(/^cmdstat_([^:]+):.*?\busec=(\d+)/gm))
    out.set(m[1], Number(m[2]) / 1e6);
  return out;
}

/** `evalsha:41.20 append:17.93 …`: the `top` commands by seconds spent between `before` and `after`. */
export function commandSecondsSpent(before: CommandSeconds, after: CommandSeconds, top = 6): string {
  return [...after]
    .map(([cmd, s]) => [cmd, s - (before.get(cmd) ?? 0)] as const)
    .filter(([, s]) => s >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([cmd, s]) => `${cmd}:${s.toFixed(2)}`)
    .join(' ');
}
