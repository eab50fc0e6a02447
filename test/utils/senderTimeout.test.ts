import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kale } from '../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

/**
 * A port held by a program that is not kale: it accepts connections and then neither reads nor
 * closes, as the seed met on a shared host.
 */
describe.runIf(redisUrl)('kale seed against a port that is not kale', () => {
  let server: net.Server;
  const held: net.Socket[] = [];
  beforeAll(async () => {
    server = net.createServer({ pauseOnConnect: true }, (s) => {
      held.push(s);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('times out and says so in one line, exit 1, instead of hanging', async () => {
    const port = (server.address() as net.AddressInfo).port;
    const r = kale([
      'seed',
      '--redis',
      await freshRedisDb(),
      '--proto',
      'pickle',
      '--pickle-port',
      String(port),
      '--metrics',
      '1',
      '--hours',
      '0.2',
      '--json',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `kale: the pickle listener at 127.0.0.1:${port} did not close the connection after the last point within 10 s: is it kale's pickle port (see the ports on kale's ready line)?`,
    );
  });
});
