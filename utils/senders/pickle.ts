/**
 * A small pickle *encoder* for the one structure carbon-relay sends: a list of `(name, (ts, value))`
 * tuples, at protocol 2 with floats as BINFLOAT, as Python's `pickle.dumps(points, 2)` writes it
 * (minus the memo, which no reader needs).
 */
import type { NamedPoint } from './sender.js';

const PROTO = 0x80,
  EMPTY_LIST = 0x5d,
  MARK = 0x28,
  APPENDS = 0x65,
  BINUNICODE = 0x58,
  BINFLOAT = 0x47;
const TUPLE2 = 0x86,
  STOP = 0x2e;

/** Encodes the points as one pickle (no length prefix). */
export function encodePickle(points: ReadonlyArray<NamedPoint>): Buffer {
  const names = points.map((p) => Buffer.from(p.name, 'utf8'));
  const size = 4 + 1 + points.length * (1 + 4 + 9 + 9 + 2) + names.reduce((n, b) => n + b.length, 0) + 1;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  out[o++] = PROTO;
  out[o++] = 2;
  out[o++] = EMPTY_LIST;
  out[o++] = MARK;
  for (let i = 0; i < points.length; i++) {
    out[o++] = BINUNICODE;
    out.writeUInt32LE(names[i].length, o);
    o += 4;
    names[i].copy(out, o);
    o += names[i].length;
    out[o++] = BINFLOAT;
    out.writeDoubleBE(points[i].ts, o);
    o += 8;
    out[o++] = BINFLOAT;
    out.writeDoubleBE(points[i].value, o);
    o += 8;
    out[o++] = TUPLE2;
    out[o++] = TUPLE2;
  }
  out[o++] = APPENDS;
  out[o++] = STOP;
  return out.subarray(0, o);
}

/** One pickle TCP frame: 4-byte big-endian length, then the pickle. */
export function framePickle(points: ReadonlyArray<NamedPoint>): Buffer {
  const body = encodePickle(points);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}
