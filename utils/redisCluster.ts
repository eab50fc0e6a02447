import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, waitForRedis } from './redisServer.js';

export interface RedisClusterOptions {
  readonly masters?: number;
  /** Replicas per master; a failover needs at least one. */
  readonly replicas?: number;
  /** `appendonly yes` on every node (what a failover measurement runs with). */
  readonly appendOnly?: boolean;
  /**
   * `cluster-node-timeout` in ms: how long a master may be silent before the others fail it over.
   * Redis's default is 15 s; tests shorten it so a failover fits in a test.
   */
  readonly nodeTimeoutMs?: number;
}

export interface RedisClusterNode {
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** The master's port, for a replica. */
  readonly replicaOf?: number;
}

export interface RedisCluster {
  /** `redis-cluster://127.0.0.1:P1,127.0.0.1:P2,…`, the form `--redis` and `redis.url` accept. */
  readonly url: string;
  /** Every node's client port, masters and replicas. */
  readonly ports: ReadonlyArray<number>;
  /** Each live node's role as the cluster sees it now (changes with a failover). */
  nodes(): Promise<RedisClusterNode[]>;
  /** The port of the master serving `slot` now. */
  masterOf(slot: number): Promise<number>;
  /** SIGKILLs the node on `port` (a kill -9: no shutdown save, no goodbye to the cluster). */
  kill(port: number): Promise<void>;
  /**
   * SIGSTOPs the node on `port` (`resume` sends SIGCONT): a paused replica receives nothing, so what its
   * master acknowledges meanwhile is exactly what a failover to it would lose.
   */
  pause(port: number): void;
  resume(port: number): void;
  /** Resolves once every slot is served by a live master, as every live node sees it. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Empties every master (a cluster has one database, so tests share it and flush between cases). */
  flushAll(): Promise<void>;
  /** Kills every node and removes their files; safe to call twice and after a failed start. */
  stop(): Promise<void>;
}

const run = promisify(execFile);

const killChild = (c: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });

/** One short-lived connection to a node, for the helper's own questions. */
async function onNode<T>(port: number, ask: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => {});
  try {
    return await ask(c);
  } finally {
    c.disconnect();
  }
}

/** `CLUSTER NODES` as roles by port, skipping nodes the cluster marks failed. */
function parseClusterNodes(text: string): RedisClusterNode[] {
  const lines = text.trim().split('\n');
  const portOf = new Map(lines.map((l) => l.split(' ')).map((f) => [f[0], Number(/:(\d+)@/.exec(f[1])![1])]));
  return lines
    .map((l) => l.split(' '))
    .filter((f) => !/fail/.test(f[2]))
    .map((f) =>
      /master/.test(f[2])
        ? { port: portOf.get(f[0])!, role: 'master' as const }
        : { port: portOf.get(f[0])!, role: 'replica' as const, replicaOf: portOf.get(f[3]) },
    );
}

/**
 * Starts a throw-away Redis Cluster on ephemeral loopback ports: `redis-server --cluster-enabled yes`
 * per node, each with its bus on a second free port, joined by `redis-cli --cluster create
 * --cluster-replicas N`. For tests and benchmarks; `stop()` kills every node it started, and a start
 * that fails kills what it had started before throwing.
 */
export async function startRedisCluster(opts: number | RedisClusterOptions = 3): Promise<RedisCluster> {
  // A cluster that has not converged in 20 s on a busy box (one CI run saw a node never reach
  // cluster_state:ok in 30 s) is thrown away and started afresh on new ports, with what the stuck node said.
  const failures: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startRedisClusterOnce(opts);
    } catch (err) {
      failures.push(`attempt ${attempt}: ${(err as Error).message}`);
    }
  }
  throw new Error(`Redis Cluster did not start:\n${failures.join('\n')}`);
}

async function startRedisClusterOnce(opts: number | RedisClusterOptions): Promise<RedisCluster> {
  const {
    masters = 3,
    replicas = 0,
    appendOnly = false,
    nodeTimeoutMs,
  } = typeof opts === 'number' ? { masters: opts } : opts;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-redis-cluster-'));
  const children = new Map<number, ChildProcess>();
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all([...children.values()].map(killChild));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const child = (port: number) => {
    const c = children.get(port);
    if (!c) throw new Error(`no node of this cluster on port ${port}`);
    return c;
  };
  const live = () => ports.filter((p) => children.get(p)!.exitCode === null && !children.get(p)!.signalCode);
  const nodes = async () => parseClusterNodes(String(await onNode(live()[0], (c) => c.cluster('NODES'))));
  // Right after a kill the others still report `cluster_state:ok` (they have not failed the node yet):
  // healthy also means no slot is served by a dead node.
  const waitHealthy = async (timeoutMs = 30_000) => {
    const alive = new Set(live());
    await Promise.all(
      [...alive].map((p) =>
        waitForRedis(
          p,
          async (c) =>
            /cluster_state:ok/.test(String(await c.cluster('INFO'))) &&
            (await c.cluster('SLOTS')).every((range) => alive.has(Number(range[2][1]))),
          timeoutMs,
        ).catch(async (err: Error) => {
          const said = await onNode(p, async (c) =>
            String(await c.cluster('INFO')).replace(/\r?\n/g, ' '),
          ).catch((e: Error) => e.message);
          throw new Error(`${err.message}; the node says: ${said}`);
        }),
      ),
    );
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const [port, bus] = [await freePort(), await freePort()];
      ports.push(port);
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--cluster-port',
          String(bus),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          ...(nodeTimeoutMs ? ['--cluster-node-timeout', String(nodeTimeoutMs)] : []),
          // A replica takes over however long it was cut off (a paused one, a slow box): tests measure
          // what that loses instead of waiting for a failover Redis would refuse.
          '--cluster-replica-validity-factor',
          '0',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          appendOnly ? 'yes' : 'no',
          '--appendfilename',
          `appendonly-${port}.aof`,
          '--appenddirname',
          `aof-${port}`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.once('error', () => {});
      children.set(port, child);
    }
    await Promise.all(ports.map((p) => waitForRedis(p)));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    await waitHealthy(20_000);
    // A replica counts once it has synced with its master: a failover before that would lose everything.
    if (replicas > 0)
      await Promise.all(
        (await nodes())
          .filter((n) => n.role === 'replica')
          .map((n) =>
            waitForRedis(n.port, async (c) => /master_link_status:up/.test(await c.info('replication'))),
          ),
      );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis-cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    nodes,
    masterOf: async (slot) => {
      const ranges = await onNode(live()[0], (c) => c.cluster('SLOTS'));
      const range = ranges.find(([from, to]) => from <= slot && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return range[2][1];
    },
    kill: async (port) => {
      await killChild(child(port));
    },
    pause: (port) => {
      child(port).kill('SIGSTOP');
    },
    resume: (port) => {
      child(port).kill('SIGCONT');
    },
    waitHealthy,
    flushAll: async () => {
      const masterPorts = (await nodes()).filter((n) => n.role === 'master').map((n) => n.port);
      // Replicas refuse writes; each master's flush reaches its replicas.
      await Promise.all(masterPorts.map((port) => onNode(port, (c) => c.flushall())));
    },
    stop,
  };
}
