import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/cli.js';
import { listenUdp, type UdpListener } from '../../../horizon/listeners/udp.js';
import type { Sink } from '../../../horizon/sink.js';
import { RecordingSink, waitFor } from '../support.js';
import { closedAfterEach } from './closedAfterEach.js';

const opened = closedAfterEach<UdpListener>();

/** Decodes `name value ts`; throws on "boom", as a decoder with a bug would. */
function decode(buf: Buffer, sink: Sink, peer: string): void {
  const text = buf.toString();
  if (text === 'boom') throw new TypeError('decoder bug');
  const [name, value, ts] = text.split(' ');
  sink.point(name, ts, value, peer);
}

async function send(port: number, ...messages: string[]): Promise<void> {
  const client = dgram.createSocket('udp4');
  for (const m of messages) await new Promise<void>((r) => client.send(m, port, '127.0.0.1', () => r()));
  client.close();
}

describe('listenUdp', () => {
  it('hands every datagram to the decoder; one that throws is counted and the next is still read', async () => {
    const sink = new RecordingSink();
    const listener = opened(await listenUdp('127.0.0.1', 0, '--udp-port', sink, decode));
    await send(listener.port, 'a 1 1700000000', 'boom', 'b 2 1700000001');
    await waitFor(
      () => sink.points.length,
      (n) => n === 2,
    );
    expect(sink.points).toEqual([
      ['a', '1700000000', '1'],
      ['b', '1700000001', '2'],
    ]);
    expect(sink.rejects).toEqual([{ reason: 'undecodable', detail: 'decoder bug', count: 1 }]);
  });

  it('reports the receive buffer the kernel granted', async () => {
    const listener = opened(await listenUdp('127.0.0.1', 0, '--udp-port', new RecordingSink(), decode));
    expect(listener.recvBufferBytes).toBeGreaterThan(0);
  });

  it('names the port and the flag when the port is taken', async () => {
    const listener = opened(await listenUdp('127.0.0.1', 0, '--udp-port', new RecordingSink(), decode));
    const failed = listenUdp('127.0.0.1', listener.port, '--udp-port', new RecordingSink(), decode);
    await expect(failed).rejects.toBeInstanceOf(UsageError);
    await expect(failed).rejects.toThrow(
      `port ${listener.port} is already in use: choose another with --udp-port`,
    );
  });
});
