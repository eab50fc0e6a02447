import type { Sink } from '../sink.js';
import {
  PickleError,
  unpickle,
  type UnpickleLimits,
  DEFAULT_UNPICKLE_LIMITS,
} from './restrictedUnpickler.js';
import { decodeCarbonPickle } from './carbonPickle.js';
import { emitRecords } from './records.js';

/**
 * Decodes one pickle payload (without its length prefix) and delivers its records: relay-shaped frames
 * through the fast scan, everything else through the restricted unpickler.
 */
export function decodePickle(
  payload: Uint8Array,
  sink: Sink,
  peer: string,
  limits: UnpickleLimits = DEFAULT_UNPICKLE_LIMITS,
): void {
  if (decodeCarbonPickle(payload, sink, peer, limits.maxMemo)) return;
  let decoded: unknown;
  try {
    decoded = unpickle(payload, limits);
  } catch (err) {
    const unsafe = err instanceof PickleError && err.code === 'forbidden';
    sink.reject(unsafe ? 'unsafe' : 'undecodable', peer, `pickle: ${(err as Error).message}`);
    return;
  }
  emitRecords(decoded, sink, peer);
}

/**
 * One pickle UDP datagram: a pickle with or without the 4-byte length prefix. A pickle never starts with
 * a zero byte, so a prefix that matches the datagram's length is unambiguous.
 */
export function decodePickleDatagram(buf: Buffer, sink: Sink, peer: string): void {
  const prefixed = buf.length >= 4 && buf[0] === 0 && buf.readUInt32BE(0) === buf.length - 4;
  decodePickle(prefixed ? buf.subarray(4) : buf, sink, peer);
}

/**
 * Splits a TCP byte stream into length-prefixed pickle frames (4-byte big-endian length, as carbon-relay sends them),
 * whatever the read boundaries. Holds at most one frame; a length over `maxFrameBytes` is reported so
 * the listener can close that connection without reading (or allocating) the frame.
 */
export class PickleFrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds bytes; calls `frame` for every complete frame. Returns the oversized length, if one is announced. */
  push(data: Buffer, frame: (payload: Buffer) => void): number | undefined {
    this.chunks.push(data);
    this.buffered += data.length;
    for (;;) {
      if (this.buffered < 4) return undefined;
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.flatten();
      const len = head.readUInt32BE(0);
      if (len > this.maxFrameBytes) return len;
      if (this.buffered < 4 + len) return undefined;
      const all = this.flatten();
      frame(all.subarray(4, 4 + len));
      const rest = all.subarray(4 + len);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
  }

  /** Bytes of an incomplete frame left when the connection ended. */
  get pending(): number {
    return this.buffered;
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0];
  }
}
