import net from 'node:net';
import type { Port } from '../../core/config/schema.js';
import { bindError } from '../../core/listen.js';
import type { Sink } from '../sink.js';
import { OPEN_GATE, type ReadGate } from './readGate.js';

export interface TcpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** The cap for a listener whose refusals are counted and logged as `overload` rejects. */
export function refusedOver(max: number, flag: string, sink: Sink): ConnectionCap {
  return {
    max,
    refused: (peer) =>
      sink.reject(
        'overload',
        peer,
        `connection refused: ${max} already open on ${flag} (horizon.maxConnections)`,
      ),
  };
}

/** Connections over `max` are closed at once; `refused` hears of each. */
export interface ConnectionCap {
  readonly max: number;
  refused(peer: string): void;
}

/**
 * A TCP server that serves every connection independently (a bad or slow client never blocks the
 * others) and, on close, stops accepting and drops open connections: what they already sent has been
 * decoded and queued. After each read (and its decoding), `gate` may pause the connection. At most
 * `cap.max` connections are open at once; Node closes the ones over it before they are read.
 */
export function listenTcp(
  host: string,
  port: number,
  flag: string,
  onConnection: (socket: net.Socket, peer: string) => void,
  cap: ConnectionCap,
  gate: ReadGate = OPEN_GATE,
): Promise<TcpListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset by the peer is its business; it must never reach the process.
    socket.on('error', () => {});
    onConnection(socket, `${socket.remoteAddress}:${socket.remotePort}`);
    socket.on('data', () => gate.afterRead(socket));
  });
  server.maxConnections = cap.max;
  server.on('drop', (d) => cap.refused(`${d?.remoteAddress}:${d?.remotePort}`));
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(bindError(err as NodeJS.ErrnoException, port as Port, flag)));
    server.listen(port, host, () => {
      server.on('error', () => {});
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
