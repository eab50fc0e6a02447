import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/cli.js';
import { listenTcp, type TcpListener } from '../../../horizon/listeners/tcp.js';
import { waitFor } from '../support.js';
import { closedAfterEach } from './closedAfterEach.js';
import { closed, connect } from './connect.js';

const opened = closedAfterEach<TcpListener>();

/** A listener that records what each connection sends, and who was refused. */
async function recordingListener(max: number) {
  const received = new Map<string, string>();
  const refused: string[] = [];
  const listener = opened(
    await listenTcp(
      '127.0.0.1',
      0,
      '--test-port',
      (socket, peer) => {
        received.set(peer, '');
        socket.on('data', (d: Buffer) => received.set(peer, received.get(peer) + d.toString()));
      },
      { max, refused: (peer) => refused.push(peer) },
    ),
  );
  return { listener, port: listener.port, received, refused };
}

describe('listenTcp', () => {
  it('serves each connection on its own and refuses those over the cap, naming the peer', async () => {
    const { port, received, refused } = await recordingListener(2);
    const a = await connect(port);
    const b = await connect(port);
    await waitFor(
      () => received.size,
      (n) => n === 2,
    );
    const c = await connect(port);
    const peer = `127.0.0.1:${c.localPort}`;
    await closed(c);
    expect(refused).toEqual([peer]);
    a.write('from a');
    b.write('from b');
    await waitFor(
      () => [...received.values()].sort(),
      (v) => v.join() === 'from a,from b',
    );
    expect([...received.values()].sort()).toEqual(['from a', 'from b']);
    a.destroy();
    b.destroy();
  });

  it('drops open connections on close and stops accepting', async () => {
    const { listener, port, received } = await recordingListener(10);
    const a = await connect(port);
    await waitFor(
      () => received.size,
      (n) => n === 1,
    );
    await listener.close();
    await closed(a);
    await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('names the port and the flag when the port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as net.AddressInfo).port;
    const failed = listenTcp('127.0.0.1', port, '--test-port', () => {}, { max: 1, refused: () => {} });
    await expect(failed).rejects.toBeInstanceOf(UsageError);
    await expect(failed).rejects.toThrow(`port ${port} is already in use: choose another with --test-port`);
    taken.close();
  });
});
