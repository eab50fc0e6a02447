import dgram from 'node:dgram';
import net from 'node:net';
import type { Port } from '../../core/config/schema.js';
import { bindError } from '../../core/listen.js';
import type { Sink } from '../sink.js';

export interface UdpListener {
  readonly port: number;
  /** The receive buffer the kernel granted (Linux reports twice the bytes it holds for data). */
  readonly recvBufferBytes: number;
  close(): Promise<void>;
}

/** Asks for a large socket buffer so bursts are not lost while a batch is being decoded; the OS may cap it. */
export const RECV_BUFFER = 32 * 1024 * 1024;

/** A UDP listener handing each datagram to `decode`; a bad datagram is counted and never stops it. */
export function listenUdp(
  host: string,
  port: number,
  flag: string,
  sink: Sink,
  decode: (buf: Buffer, sink: Sink, peer: string) => void,
): Promise<UdpListener> {
  const socket = dgram.createSocket({
    type: net.isIPv6(host) ? 'udp6' : 'udp4',
    recvBufferSize: RECV_BUFFER,
  });
  socket.on('message', (msg, rinfo) => {
    const peer = `${rinfo.address}:${rinfo.port}`;
    try {
      decode(msg, sink, peer);
    } catch (err) {
      sink.reject('undecodable', peer, (err as Error).message);
    }
  });
  return new Promise((resolve, reject) => {
    socket.once('error', (err) => reject(bindError(err as NodeJS.ErrnoException, port as Port, flag)));
    socket.bind(port, host, () => {
      socket.on('error', () => {});
      resolve({
        port: socket.address().port,
        recvBufferBytes: socket.getRecvBufferSize(),
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}
