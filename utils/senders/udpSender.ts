import dgram from 'node:dgram';
import net from 'node:net';
import type { NamedPoint, Proto, Sender } from './sender.js';

/**
 * Sends each batch as datagrams of about `maxDatagram` bytes at most: `pointBytes` bounds one point's
 * encoded size, so a batch is split between points without encoding it twice.
 */
export function openUdp(
  proto: Proto,
  host: string,
  port: number,
  maxDatagram: number,
  encode: (points: ReadonlyArray<NamedPoint>) => Buffer,
  pointBytes: (p: NamedPoint) => number,
): Sender {
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  const sendOne = (buf: Buffer) =>
    new Promise<void>((resolve, reject) =>
      socket.send(buf, port, host, (err) => (err ? reject(err) : resolve())),
    );
  return {
    proto,
    async send(points) {
      // All of a batch's datagrams are handed to the socket before waiting for any of them.
      const sent: Array<Promise<void>> = [];
      let start = 0,
        bytes = 0;
      for (let i = 0; i < points.length; i++) {
        const b = pointBytes(points[i]);
        if (i > start && bytes + b > maxDatagram) {
          sent.push(sendOne(encode(points.slice(start, i))));
          start = i;
          bytes = 0;
        }
        bytes += b;
      }
      if (start < points.length) sent.push(sendOne(encode(points.slice(start))));
      await Promise.all(sent);
    },
    async close() {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
