import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  /** Kills the server without waiting (to test outages); `restart` brings it back on the same port. */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away `redis-server` on an ephemeral loopback port with persistence off, for tests and
 * benchmarks. Never the default port: something else may hold it.
 */
export async function startRedisServer(bin = 'redis-server'): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
        '--databases',
        '1024',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child.once('error', () => {});
    await waitForRedis(port);
  };
  const running = () => child.exitCode === null && child.signalCode === null;
  const killed = () =>
    new Promise<void>((resolve) => {
      if (!running()) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: killed,
    kill: killed,
    // A second launch beside a live server would fail to bind and leave the live one unowned, alive
    // after the test: restarting a running server is a no-op.
    restart: async () => {
      if (!running()) await launch();
    },
  };
}

/**
 * Polls the server on `port` until `ready` holds for it (by default: it answers PING), reconnecting
 * each time, for at most `timeoutMs`.
 */
export async function waitForRedis(
  port: number,
  ready = async (c: Redis) => (await c.ping()) === 'PONG',
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      if (await ready(client)) return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    if (Date.now() > deadline)
      throw new Error(
        `redis-server on port ${port} was not ready within ${timeoutMs} ms (is redis-server installed?)`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}
