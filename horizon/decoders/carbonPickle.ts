/**
 * A fast path for the one pickle shape relays send: carbon-relay's and statsd's
 * `pickle.dumps([(name, (ts, value)), …], protocol ≥ 2)`, as a straight scan of the opcodes that shape
 * is made of: PROTO, FRAME, EMPTY_LIST, MARK/APPENDS or APPEND, text names, binary numbers, TUPLE2, and
 * memo puts (BINPUT, LONG_BINPUT, MEMOIZE) that nothing reads back. No stack, no containers, no memo.
 *
 * Anything else (another protocol, a repeated name fetched back from the memo, a single record, a text
 * value, a truncated or hostile frame) returns false before a point is delivered, and the frame goes
 * to the restricted unpickler, which decodes or rejects it exactly as before. So this can only speed
 * up frames the unpickler would have decoded to the same records, never accept more.
 */
import type { Sink } from '../sink.js';
import { FrameRecords } from './frameRecords.js';

const records = new FrameRecords();

/** Decodes `payload` and delivers its records when it has the relay shape; false (nothing delivered) otherwise. */
export function decodeCarbonPickle(payload: Uint8Array, sink: Sink, peer: string, maxMemo: number): boolean {
  const buf = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const len = buf.length;
  if (len < 4 || buf[0] !== 0x80 || buf[1] < 2 || buf[1] > 5) return false;
  const view = new DataView(buf.buffer, buf.byteOffset, len);
  records.reset();
  let p = 2;
  let puts = 0;
  let inMark = false;
  let listSeen = false;
  let value = 0;

  /** Skips memo puts and FRAME hints at `p`; -1 when the memo would outgrow the unpickler's limit. */
  const skipAnnotations = (): number => {
    for (;;) {
      const op = buf[p];
      if (op === 0x71)
        p += 2; // BINPUT
      else if (op === 0x94)
        p += 1; // MEMOIZE
      else if (op === 0x72)
        p += 5; // LONG_BINPUT
      else if (op === 0x95) {
        p += 9;
        continue;
      } // FRAME
      else return p;
      if (++puts > maxMemo) return -1;
    }
  };

  /** Reads one binary number at `p` into `value`; false when it is not one. */
  const readNumber = (): boolean => {
    const op = buf[p];
    if (op === 0x47) {
      if (p + 9 > len) return false;
      value = view.getFloat64(p + 1);
      p += 9;
      return true;
    } // BINFLOAT
    if (op === 0x4a) {
      if (p + 5 > len) return false;
      value = view.getInt32(p + 1, true);
      p += 5;
      return true;
    } // BININT
    if (op === 0x4b) {
      if (p + 2 > len) return false;
      value = buf[p + 1];
      p += 2;
      return true;
    } // BININT1
    if (op === 0x4d) {
      if (p + 3 > len) return false;
      value = view.getUint16(p + 1, true);
      p += 3;
      return true;
    } // BININT2
    return false;
  };

  for (;;) {
    if (skipAnnotations() < 0 || p >= len) return false;
    const op = buf[p];
    if (op === 0x5d && !listSeen) {
      listSeen = true;
      p++;
      continue;
    } // EMPTY_LIST
    if (!listSeen) return false;
    if (op === 0x28 && !inMark) {
      inMark = true;
      p++;
      continue;
    } // MARK
    if (op === 0x65 && inMark) {
      inMark = false;
      p++;
      continue;
    } // APPENDS
    if (op === 0x2e) {
      // STOP
      if (inMark || p + 1 !== len) return false;
      break;
    }
    // A record: name, [put], ts, value, TUPLE2, [put], TUPLE2, [put], then APPEND unless inside a MARK.
    let nameLen: number;
    let latin1: boolean;
    if (op === 0x8c || op === 0x55) {
      // SHORT_BINUNICODE, SHORT_BINSTRING
      if (p + 2 > len) return false;
      nameLen = buf[p + 1];
      latin1 = op === 0x55;
      p += 2;
    } else if (op === 0x58 || op === 0x54) {
      // BINUNICODE, BINSTRING
      if (p + 5 > len) return false;
      nameLen = view.getUint32(p + 1, true);
      latin1 = op === 0x54;
      p += 5;
    } else return false;
    if (p + nameLen > len) return false;
    records.name(p, p + nameLen, latin1);
    p += nameLen;
    if (skipAnnotations() < 0 || !readNumber()) return false;
    const ts = value;
    if (!readNumber()) return false;
    if (buf[p] !== 0x86) return false;
    p++;
    if (skipAnnotations() < 0 || buf[p] !== 0x86) return false;
    p++;
    if (skipAnnotations() < 0) return false;
    if (!inMark) {
      if (buf[p] !== 0x61) return false;
      p++;
    } // APPEND
    records.numbers(ts, value);
  }
  if (!listSeen) return false;
  records.deliver(buf, sink, peer);
  return true;
}
