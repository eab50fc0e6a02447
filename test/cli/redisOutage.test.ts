import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../core/log.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { IngestCounters } from '../../horizon/counters.js';
import { Writer } from '../../horizon/writer.js';
import { freePort, startRedisServer, type RedisServer } from '../../utils/redisServer.js';
import { kale, startKale, type RunningKale } from '../support/kaleCli.js';
import { redisUrl } from '../support/redis.js';

const now = () => Math.floor(Date.now() / 1000);
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('a Redis that is wrong or away at start', () => {
  it('a URL that is not Redis is refused with exit 2 and one line', () => {
    const r = kale([
      'start',
      '--redis',
      'http://x',
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      'off',
      '--webapp-port',
      'off',
    ]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('redis.url: expected redis://host:port');
    expect(r.stderr).toContain('"http://x"');
  });

  it('an unreachable Redis is one line and exit 1 after the bounded retry, for kale start and kale metrics', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [
      ['start', '--pickle-port', 'off', '--udp-port', 'off', '--line-port', 'off', '--webapp-port', 'off'],
      ['metrics'],
    ]) {
      const r = kale([...args, '--redis', url]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).not.toContain('kale ready');
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(
        new RegExp(`^kale: cannot reach Redis at ${url}: .*ECONNREFUSED.*retried for 5 s`),
      );
    }
  });
});

/** Its own redis-server, stopped and started under a running kale. */
describe.runIf(redisUrl)('a Redis outage under a running kale start', () => {
  let server: RedisServer;
  let k: RunningKale | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    k?.child.kill('SIGKILL');
    await server?.stop();
  });

  const waitForLog = async (text: string | RegExp, from = 0) => {
    for (let i = 0; i < 400; i++) {
      const tail = k!.stderr().slice(from);
      if (typeof text === 'string' ? tail.includes(text) : text.test(tail)) return tail;
      await new Promise((r) => setTimeout(r, 50));
    }
    return k!.stderr().slice(from);
  };
  const send = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const s = net.connect(Number(k!.ready.line), '127.0.0.1', () =>
        s.end(Array.from({ length: count }, (_, i) => `outage.m${i} 1 ${now()}\n`).join('')),
      );
      s.on('close', () => resolve()).on('error', reject);
    });

  it('says when the outage begins and ends with the counts, and SIGTERM while Redis is away exits within shutdownTimeout saying what was not written', async () => {
    k = await startKale([
      'start',
      '--redis',
      server.url,
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      '0',
      '--webapp-port',
      'off',
      '--shutdown-timeout',
      '4',
    ]);
    await send(5);
    await server.kill();
    let mark = k.stderr().length;
    await send(5);
    expect(await waitForLog('store not taking writes', mark)).toMatch(
      /store not taking writes \(.*\): buffering, \d+ points so far/,
    );
    await server.restart();
    expect(await waitForLog('store takes writes again', mark)).toMatch(
      /store takes writes again after [\d.]+ s: writing the \d+ points buffered; 0 dropped during the outage/,
    );

    await server.kill();
    mark = k.stderr().length;
    await send(7);
    await waitForLog('store not taking writes', mark);
    const exited = new Promise<number | null>((resolve) => k!.child.once('exit', (code) => resolve(code)));
    k.child.kill('SIGTERM');
    expect(await exited, k.stderr().slice(mark)).toBe(0);
    expect(k.stderr().slice(mark)).toMatch(
      /stopped with (\d+) points not written: the Store did not take them within 3 s, and they are dropped/,
    );
    expect(Number(/stopped with (\d+) points/.exec(k.stderr())![1])).toBeGreaterThanOrEqual(7);
    k = undefined;
  });
});

describe.runIf(redisUrl)('the outage log of the writer', () => {
  it('one line when it begins, one per interval while it lasts, one when it ends', async () => {
    const server = await startRedisServer();
    const said: string[] = [];
    const log: Logger = {
      debug: () => {},
      info: (m) => said.push(`info ${m}`),
      warn: (m) => said.push(`warn ${m}`),
      error: (m) => said.push(`error ${m}`),
      child: () => log,
    };
    const store = RedisStore.connect(server.url);
    const w = new Writer(
      store,
      new IngestCounters(),
      { batchMs: 10, batchPoints: 100, bufferPoints: 3 },
      log,
      { afterMs: 100, everyMs: 300 },
    );
    try {
      w.start();
      await server.kill();
      const until = async (test: () => boolean) => {
        while (!test()) await new Promise((r) => setTimeout(r, 20));
      };
      // One point goes in flight and hangs; of the nine behind it the buffer bound keeps the newest three.
      w.add('outage.writer', now(), 0);
      await until(() => said.some((s) => s.includes('store not taking writes')));
      for (let i = 1; i < 10; i++) w.add('outage.writer', now() + i, i);
      await until(() => said.filter((s) => s.includes('still not taking writes')).length >= 2);
      await server.restart();
      await until(() => said.some((s) => s.includes('takes writes again')));
      expect(said.filter((s) => s.includes('store not taking writes'))).toHaveLength(1);
      expect(said.at(-1)).toMatch(
        /^info store takes writes again after [\d.]+ s: writing the 4 points buffered; 6 dropped during the outage$/,
      );
      expect(await store.listMetrics()).toEqual(['outage.writer']);
    } finally {
      await w.close(1000);
      await store.close();
      await server.stop();
    }
  });
});
