/** What `redis.url` names: one server, or the seed nodes of a Redis Cluster. */
export type RedisTarget =
  | { readonly kind: 'standalone'; readonly url: string }
  | {
      readonly kind: 'cluster';
      readonly nodes: ReadonlyArray<{ host: string; port: number }>;
      readonly password?: string;
    };

export class RedisUrlError extends Error {}

/** Redis did not answer at start within the bounded retry: the command says so in one line and exits 1. */
export class RedisUnreachableError extends Error {}

/** `url` without its password, for messages. */
export const shownRedisUrl = (url: string) => url.replace(/\/\/[^@/]*@/, '//');

const CLUSTER_SCHEME = 'redis-cluster://';

/**
 * `redis://[:password@]host:port[/db]` (ioredis' own form) or
 * `redis-cluster://[:password@]host:port[,host:port…]`: any reachable nodes of the cluster, which
 * ioredis asks for the rest of the topology.
 */
export function parseRedisTarget(url: string): RedisTarget {
  if (/^rediss?:\/\//.test(url)) return { kind: 'standalone', url };
  if (!url.startsWith(CLUSTER_SCHEME))
    throw new RedisUrlError(
      `expected redis://host:port[/db], rediss://… or ${CLUSTER_SCHEME}host:port[,host:port…], got "${url.slice(0, 100)}"`,
    );
  let rest = url.slice(CLUSTER_SCHEME.length).replace(/\/$/, '');
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    password = decodeURIComponent(rest.slice(0, at).replace(/^[^:]*:/, ''));
    rest = rest.slice(at + 1);
  }
  const nodes = rest.split(',').map((hostPort) => {
    const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(hostPort.trim());
    if (!m || Number(m[2]) > 65535)
      throw new RedisUrlError(
        `expected ${CLUSTER_SCHEME}host:port[,host:port…], got "${hostPort}" among the nodes`,
      );
    return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  });
  return { kind: 'cluster', nodes, password };
}
