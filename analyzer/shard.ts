/**
 * `--shard i/N`: several analyzer processes split the metric set by a stable hash of the name, so
 * every metric is analysed by exactly one of them each cycle, whatever order names are listed in.
 */
export interface Shard {
  /** 0 ≤ index < count. */
  readonly index: number;
  readonly count: number;
}

export class ShardError extends Error {}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new ShardError(`--shard: expected i/N (e.g. 0/4), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new ShardError(`--shard: need 0 <= i < N, got "${text}"`);
  return { index, count };
}

/** FNV-1a over the UTF-16 code units: stable across processes, hosts and Node versions. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function inShard(name: string, shard: Shard | undefined): boolean {
  return !shard || shard.count === 1 || nameHash(name) % shard.count === shard.index;
}
