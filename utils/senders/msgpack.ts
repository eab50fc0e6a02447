import { Packr } from 'msgpackr';
import type { NamedPoint } from './sender.js';

// Python's msgpack writes floats as float64 and integers as integers; do the same.
const packr = new Packr({ useRecords: false, useFloat32: 0 });

/** One msgpack datagram: a list of `[name, [ts, value]]`. */
export function encodeMsgpack(points: ReadonlyArray<NamedPoint>): Buffer {
  return packr.pack(points.map((p) => [p.name, [p.ts, p.value]]));
}

/** Upper bound of one point's share of a datagram, for splitting without encoding twice. */
export const msgpackPointBytes = (p: NamedPoint) => Buffer.byteLength(p.name) + 5 + 1 + 1 + 9 + 9;
