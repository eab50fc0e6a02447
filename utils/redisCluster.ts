import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, waitForRedis } from './redisServer.js';

export interface RedisCluster {
  /** `redis-cluster://127.0.0.1:P1,127.0.0.1:P2,…`, the form `--redis` and `redis.url` accept. */
  readonly url: string;
  readonly ports: ReadonlyArray<number>;
  /** Empties every master (a cluster has one database, so tests share it and flush between cases). */
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

const run = promisify(execFile);

/**
 * Starts a throw-away Redis Cluster of `masters` nodes (no replicas) on ephemeral loopback ports:
 * `redis-server --cluster-enabled yes` per node, each with its bus on a second free port, joined by
 * `redis-cli --cluster create`. For tests and benchmarks.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
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
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.once('error', () => {});
      children.push(child);
    }
    await Promise.all(ports.map((p) => waitForRedis(p)));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await Promise.all(
      ports.map((p) =>
        waitForRedis(p, async (c) => /cluster_state:ok/.test(String(await c.cluster('INFO')))),
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis-cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    flushAll: async () => {
      await Promise.all(
        ports.map(async (port) => {
          const c = new Redis({ port, host: '127.0.0.1' });
          try {
            // A replica-less cluster: every node is a master, each flushed for its own slots.
            await c.flushall();
          } finally {
            c.disconnect();
          }
        }),
      );
    },
    stop,
  };
}
