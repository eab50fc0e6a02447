import fs from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * The framing shared by snapshots and log segments: an 8-byte magic, then records of
 * `[u32 length][u32 crc32][payload]` (little-endian). The checksum is what tells a torn or garbled
 * record from a good one, so replay can stop at the first bad record instead of decoding garbage.
 */
export const SNAPSHOT_MAGIC = Buffer.from('KALESNP1');
export const LOG_MAGIC = Buffer.from('KALELOG1');
const HEADER_BYTES = 8;
// Far above any record written (snapshot chunks are about 1 MiB): a larger length is garbage.
const MAX_RECORD_BYTES = 1 << 30;
const READ_BYTES = 1 << 20;

/** The 8 bytes that go before `payload`: its length and checksum. */
export function recordHeader(payload: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return header;
}

export function frameRecord(payload: Uint8Array): Buffer {
  return Buffer.concat([recordHeader(payload), payload]);
}

export interface ScanResult {
  /** Bytes of the file up to the end of its last good record. */
  readonly validBytes: number;
  readonly size: number;
  /** Why reading stopped before the end of the file; absent when every byte was good. */
  readonly damage?: string;
  /** True when the damage is an incomplete last record (a write cut short), not a garbled one. */
  readonly truncated?: boolean;
}

/**
 * Calls `onRecord` with each good record's payload, in order, until the end of the file or the first
 * bad one. Payloads are views of read buffers that are never reused, so what is decoded from them can
 * keep pointing into them (no copy of 250 MB of windows on load). An exception from `onRecord` (an
 * undecodable payload) counts as damage at that record.
 */
export function scanRecords(file: string, magic: Buffer, onRecord: (payload: Buffer) => void): ScanResult {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let buf = Buffer.allocUnsafe(0);
    let bufStart = 0;
    let bufLen = 0;
    // Makes bytes [pos, pos + n) readable in buf: a fresh buffer, since payloads already handed out
    // may be kept.
    const ensure = (pos: number, n: number) => {
      if (pos >= bufStart && pos + n <= bufStart + bufLen) return;
      buf = Buffer.allocUnsafe(Math.max(n, READ_BYTES));
      bufStart = pos;
      bufLen = fs.readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
    };
    if (size < magic.length)
      return { validBytes: 0, size, damage: `${size} bytes, shorter than its header`, truncated: true };
    ensure(0, magic.length);
    if (!buf.subarray(0, magic.length).equals(magic))
      return { validBytes: 0, size, damage: 'not a kale store file (bad header)' };
    let pos = magic.length;
    while (pos < size) {
      if (pos + HEADER_BYTES > size)
        return { validBytes: pos, size, damage: `incomplete record header at byte ${pos}`, truncated: true };
      ensure(pos, HEADER_BYTES);
      const length = buf.readUInt32LE(pos - bufStart);
      const sum = buf.readUInt32LE(pos - bufStart + 4);
      if (length > MAX_RECORD_BYTES)
        return { validBytes: pos, size, damage: `implausible record length ${length} at byte ${pos}` };
      if (pos + HEADER_BYTES + length > size)
        return { validBytes: pos, size, damage: `incomplete record at byte ${pos}`, truncated: true };
      ensure(pos, HEADER_BYTES + length);
      const payload = buf.subarray(pos - bufStart + HEADER_BYTES, pos - bufStart + HEADER_BYTES + length);
      if (crc32(payload) !== sum)
        return { validBytes: pos, size, damage: `checksum mismatch at byte ${pos}` };
      try {
        onRecord(payload);
      } catch (err) {
        return {
          validBytes: pos,
          size,
          damage: `undecodable record at byte ${pos} (${(err as Error).message})`,
        };
      }
      pos += HEADER_BYTES + length;
    }
    return { validBytes: pos, size };
  } finally {
    fs.closeSync(fd);
  }
}
