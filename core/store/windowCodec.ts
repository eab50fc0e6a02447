import { unpackMultiple } from 'msgpackr';
import type { Point, Series } from './store.js';

/**
 * Encodes points as Skyline stores them: one msgpack 2-array per point, integers in their smallest
 * msgpack form and everything else as float64, exactly as Python's msgpack.packb((ts, value)) writes
 * them. Written straight into one buffer: this is ingest's hottest path, and a msgpackr call per
 * point cost a quarter to half of horizon's time.
 */
export function encodePoints(points: ReadonlyArray<Point>): Buffer {
  return encodeEach([points])[0];
}

/** Encodes several point lists into one allocation, returning a view per list (one per metric). */
export function encodeEach(lists: ReadonlyArray<ReadonlyArray<Point>>): Buffer[] {
  let total = 0;
  for (const l of lists) total += encodedSize(l);
  const out = Buffer.allocUnsafe(total);
  let p = 0;
  const views: Buffer[] = [];
  for (const points of lists) {
    const start = p;
    p = encodeInto(out, p, points);
    views.push(out.subarray(start, p));
  }
  return views;
}

/** Bytes `points` take encoded: so a caller can write a length before the points, in one buffer. */
export function encodedSize(points: ReadonlyArray<Point>): number {
  let n = points.length;
  for (const [ts, value] of points) n += numberSize(ts) + numberSize(value);
  return n;
}

function numberSize(v: number): number {
  if (!Number.isSafeInteger(v) || Object.is(v, -0)) return 9;
  if (v >= 0) return v < 0x80 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v < 0x100000000 ? 5 : 9;
  return v >= -32 ? 1 : v >= -0x80 ? 2 : v >= -0x8000 ? 3 : v >= -0x80000000 ? 5 : 9;
}

/** Writes `points` into `out` at `p` (room for encodedSize(points) bytes); returns the end. */
export function encodeInto(out: Buffer, p: number, points: ReadonlyArray<Point>): number {
  const writeNumber = (v: number) => {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      if (v >= 0) {
        if (v < 0x80) out[p++] = v;
        else if (v < 0x100) {
          out[p++] = 0xcc;
          out[p++] = v;
        } else if (v < 0x10000) {
          out[p++] = 0xcd;
          out.writeUInt16BE(v, p);
          p += 2;
        } else if (v < 0x100000000) {
          out[p++] = 0xce;
          out.writeUInt32BE(v, p);
          p += 4;
        } else {
          out[p++] = 0xcf;
          out.writeBigUInt64BE(BigInt(v), p);
          p += 8;
        }
      } else if (v >= -32) out[p++] = v & 0xff;
      else if (v >= -0x80) {
        out[p++] = 0xd0;
        out.writeInt8(v, p);
        p += 1;
      } else if (v >= -0x8000) {
        out[p++] = 0xd1;
        out.writeInt16BE(v, p);
        p += 2;
      } else if (v >= -0x80000000) {
        out[p++] = 0xd2;
        out.writeInt32BE(v, p);
        p += 4;
      } else {
        out[p++] = 0xd3;
        out.writeBigInt64BE(BigInt(v), p);
        p += 8;
      }
    } else {
      out[p++] = 0xcb;
      out.writeDoubleBE(v, p);
      p += 8;
    }
  };
  for (const [ts, value] of points) {
    out[p++] = 0x92;
    writeNumber(ts);
    writeNumber(value);
  }
  return p;
}

export class WindowDecodeError extends Error {}

/**
 * Decodes concatenated `[ts, value]` arrays. The analyzer decodes hundreds of millions of points a
 * cycle, so the common shape (fixarray of two numbers) is read directly from the bytes; anything
 * else falls back to msgpackr, which stays the reference decoder.
 */
export function decodeWindow(bytes: Uint8Array): Series {
  const fast = decodeFast(bytes);
  const { ts, vs, n } = fast ?? decodeGeneric(bytes);
  return sortAndDedupe(ts, vs, n);
}

/** The number read by `readNumber`; a module-level slot keeps the read cursor out of a closure (2x faster). */
let lastNumber = 0;

/** Reads one msgpack number at `p`; returns the position after it, or -1 for anything else. */
function readNumber(b: Uint8Array, dv: DataView, p: number, len: number): number {
  if (p >= len) return -1;
  const t = b[p];
  if (t <= 0x7f) {
    lastNumber = t;
    return p + 1;
  }
  if (t >= 0xe0) {
    lastNumber = t - 0x100;
    return p + 1;
  }
  switch (t) {
    case 0xcb:
      if (p + 9 > len) return -1;
      lastNumber = dv.getFloat64(p + 1);
      return p + 9;
    case 0xca:
      if (p + 5 > len) return -1;
      lastNumber = dv.getFloat32(p + 1);
      return p + 5;
    case 0xcc:
      if (p + 2 > len) return -1;
      lastNumber = b[p + 1];
      return p + 2;
    case 0xcd:
      if (p + 3 > len) return -1;
      lastNumber = dv.getUint16(p + 1);
      return p + 3;
    case 0xce:
      if (p + 5 > len) return -1;
      lastNumber = dv.getUint32(p + 1);
      return p + 5;
    case 0xcf:
      if (p + 9 > len) return -1;
      lastNumber = Number(dv.getBigUint64(p + 1));
      return p + 9;
    case 0xd0:
      if (p + 2 > len) return -1;
      lastNumber = dv.getInt8(p + 1);
      return p + 2;
    case 0xd1:
      if (p + 3 > len) return -1;
      lastNumber = dv.getInt16(p + 1);
      return p + 3;
    case 0xd2:
      if (p + 5 > len) return -1;
      lastNumber = dv.getInt32(p + 1);
      return p + 5;
    case 0xd3:
      if (p + 9 > len) return -1;
      lastNumber = Number(dv.getBigInt64(p + 1));
      return p + 9;
    default:
      return -1;
  }
}

function decodeFast(b: Uint8Array): { ts: Float64Array; vs: Float64Array; n: number } | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = b.length;
  // A point takes at least 3 bytes; Skyline's typical 15 bytes means this rarely grows.
  let ts = new Float64Array(Math.max(8, len >> 3));
  let vs = new Float64Array(ts.length);
  let n = 0;
  let p = 0;
  while (p < len) {
    if (b[p] !== 0x92) return null;
    p = readNumber(b, dv, p + 1, len);
    if (p < 0) return null;
    const t = lastNumber;
    p = readNumber(b, dv, p, len);
    if (p < 0) return null;
    if (n === ts.length) {
      const grow = (a: Float64Array) => {
        const c = new Float64Array(a.length * 2);
        c.set(a);
        return c;
      };
      ts = grow(ts);
      vs = grow(vs);
    }
    ts[n] = t;
    vs[n] = lastNumber;
    n++;
  }
  return { ts, vs, n };
}

function decodeGeneric(bytes: Uint8Array): { ts: Float64Array; vs: Float64Array; n: number } {
  let items: unknown[];
  try {
    items = unpackMultiple(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as unknown[];
  } catch (err) {
    throw new WindowDecodeError(`undecodable window: ${(err as Error).message}`);
  }
  const ts = new Float64Array(items.length);
  const vs = new Float64Array(items.length);
  let n = 0;
  for (const item of items) {
    if (!Array.isArray(item) || item.length < 2)
      throw new WindowDecodeError('window item is not a [ts, value] array');
    const t = Number(item[0]);
    const v = Number(item[1]);
    if (!Number.isFinite(t)) throw new WindowDecodeError('window item has a non-numeric timestamp');
    ts[n] = t;
    vs[n] = v;
    n++;
  }
  return { ts, vs, n };
}

/** Sorts by timestamp and keeps the last-written value for each timestamp. */
export function sortAndDedupe(ts: Float64Array, vs: Float64Array, n: number): Series {
  let sortedUnique = true;
  for (let i = 1; i < n; i++) {
    if (ts[i] <= ts[i - 1]) {
      sortedUnique = false;
      break;
    }
  }
  if (sortedUnique) return { timestamps: ts.subarray(0, n), values: vs.subarray(0, n) };
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Stable sort keeps write order among equal timestamps, so the last of a run is the last write.
  const sorted = Array.from(order).sort((a, b) => ts[a] - ts[b] || a - b);
  const outT = new Float64Array(n);
  const outV = new Float64Array(n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = sorted[k];
    if (m > 0 && outT[m - 1] === ts[i]) {
      outV[m - 1] = vs[i];
      continue;
    }
    outT[m] = ts[i];
    outV[m] = vs[i];
    m++;
  }
  return { timestamps: outT.slice(0, m), values: outV.slice(0, m) };
}
