import { encodeMsgpack, msgpackPointBytes } from './msgpack.js';
import { encodePickle, framePickle } from './pickle.js';
import { encodePlaintext } from './plaintext.js';
import type { Proto, Sender } from './sender.js';
import { connectTcp } from './tcpSender.js';
import { openUdp } from './udpSender.js';

/** Largest datagram we send: well under the 64 KiB UDP limit and the loopback MTU of 65,536. */
export const MAX_DATAGRAM = 32 * 1024;
/** carbon-relay sends at most 500 points per pickle frame; so do we. */
export const PICKLE_FRAME_POINTS = 500;

const picklePointBytes = (p: { name: string }) => Buffer.byteLength(p.name) + 25;

/** Opens a client for one of Kale's ingest protocols. */
export async function openSender(proto: Proto, host: string, port: number): Promise<Sender> {
  switch (proto) {
    case 'line':
      return connectTcp(proto, host, port, encodePlaintext);
    case 'pickle':
      return connectTcp(proto, host, port, framesOf500);
    case 'udp':
      return openUdp(proto, host, port, MAX_DATAGRAM, encodeMsgpack, msgpackPointBytes);
    case 'pickle-udp':
      return openUdp(proto, host, port, MAX_DATAGRAM, encodePickle, picklePointBytes);
  }
}

function framesOf500(points: Parameters<typeof framePickle>[0]): Buffer {
  const frames: Buffer[] = [];
  for (let i = 0; i < points.length; i += PICKLE_FRAME_POINTS)
    frames.push(framePickle(points.slice(i, i + PICKLE_FRAME_POINTS)));
  return Buffer.concat(frames);
}
