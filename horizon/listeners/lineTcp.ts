import type { Sink } from '../sink.js';
import { LineReader } from '../decoders/plaintext.js';
import type { ReadGate } from './readGate.js';
import { listenTcp, refusedOver, type TcpListener } from './tcp.js';

/** Plaintext TCP (collectd, netcat, most agents): Graphite lines, reassembled across reads. */
export function listenLineTcp(
  host: string,
  port: number,
  sink: Sink,
  maxLineBytes: number,
  maxConnections: number,
  gate?: ReadGate,
): Promise<TcpListener> {
  return listenTcp(
    host,
    port,
    '--line-port',
    (socket, peer) => {
      const reader = new LineReader(sink, peer, maxLineBytes);
      socket.on('data', (data: Buffer) => {
        try {
          reader.push(data);
        } catch (err) {
          sink.reject('undecodable', peer, (err as Error).message);
          socket.destroy();
        }
      });
      socket.on('end', () => reader.end());
    },
    refusedOver(maxConnections, '--line-port', sink),
    gate,
  );
}
