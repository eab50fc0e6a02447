/**
 * A fast path for the msgpack datagram senders write: one array of `[name, [ts, value]]`
 * records, names as str or bin, numbers as integers up to 32 bits or float64, scanned straight from
 * the bytes so each name goes to the NameTable as bytes (no string, no decoded arrays per point).
 *
 * Anything else (a single record, several objects back to back, float32, 64-bit integers, numeric
 * strings, a truncated or corrupt datagram) returns false before a point is delivered, and the
 * datagram goes to msgpackr as before. So this only speeds up datagrams msgpackr decodes to the same
 * records (names with invalid UTF-8 aside: both replace bad sequences, not always alike).
 */
import type { Sink } from '../sink.js';
import { FrameRecords } from './frameRecords.js';

const records = new FrameRecords();

/** Decodes `buf` and delivers its records when it has the common shape; false (nothing delivered) otherwise. */
export function decodeMsgpackRecords(buf: Buffer, sink: Sink, peer: string): boolean {
  const len = buf.length;
  if (len < 1) return false;
  const view = new DataView(buf.buffer, buf.byteOffset, len);
  let p = 0;
  let count: number;
  const head = buf[0];
  if (head >= 0x90 && head <= 0x9f) {
    count = head & 0x0f;
    p = 1;
  } else if (head === 0xdc && len >= 3) {
    count = view.getUint16(1);
    p = 3;
  } else if (head === 0xdd && len >= 5) {
    count = view.getUint32(1);
    p = 5;
  } else return false;
  // Every record takes at least 5 bytes: a bound on `count` before anything is allocated.
  if (count === 0 || count * 5 > len - p) return false;
  records.reset(count);
  let value = 0;

  /** Reads one number at `p` into `value`; false when it is not one of the forms taken here. */
  const readNumber = (): boolean => {
    if (p >= len) return false;
    const op = buf[p];
    if (op <= 0x7f) {
      value = op;
      p += 1;
      return true;
    } // positive fixint
    if (op >= 0xe0) {
      value = op - 0x100;
      p += 1;
      return true;
    } // negative fixint
    if (op === 0xcb) {
      if (p + 9 > len) return false;
      value = view.getFloat64(p + 1);
      p += 9;
      return true;
    }
    if (op === 0xcc) {
      if (p + 2 > len) return false;
      value = buf[p + 1];
      p += 2;
      return true;
    }
    if (op === 0xcd) {
      if (p + 3 > len) return false;
      value = view.getUint16(p + 1);
      p += 3;
      return true;
    }
    if (op === 0xce) {
      if (p + 5 > len) return false;
      value = view.getUint32(p + 1);
      p += 5;
      return true;
    }
    if (op === 0xd0) {
      if (p + 2 > len) return false;
      value = view.getInt8(p + 1);
      p += 2;
      return true;
    }
    if (op === 0xd1) {
      if (p + 3 > len) return false;
      value = view.getInt16(p + 1);
      p += 3;
      return true;
    }
    if (op === 0xd2) {
      if (p + 5 > len) return false;
      value = view.getInt32(p + 1);
      p += 5;
      return true;
    }
    return false;
  };

  for (let r = 0; r < count; r++) {
    if (p + 2 > len || buf[p] !== 0x92) return false;
    const op = buf[p + 1];
    let nameLen: number;
    if (op >= 0xa0 && op <= 0xbf) {
      nameLen = op & 0x1f;
      p += 2;
    } // fixstr
    else if (op === 0xd9 || op === 0xc4) {
      if (p + 3 > len) return false;
      nameLen = buf[p + 2];
      p += 3;
    } // str8, bin8
    else if (op === 0xda || op === 0xc5) {
      if (p + 4 > len) return false;
      nameLen = view.getUint16(p + 2);
      p += 4;
    } // str16, bin16
    else return false;
    if (p + nameLen > len) return false;
    records.name(p, p + nameLen);
    p += nameLen;
    if (p >= len || buf[p] !== 0x92) return false;
    p++;
    if (!readNumber()) return false;
    const ts = value;
    if (!readNumber()) return false;
    records.numbers(ts, value);
  }
  if (p !== len) return false;
  records.deliver(buf, sink, peer);
  return true;
}
