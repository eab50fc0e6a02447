import fs from 'node:fs';
import path from 'node:path';
import { ShapeTable } from './shapeTable.js';
import type { ShapeWindow } from '../shapes/windows.js';

/**
 * One window's table on disk: a 4-byte header length, a JSON header (names and sizes), then the
 * columns as raw little-endian arrays, each 8-byte aligned. Written to a temporary file and renamed,
 * so a reader in another process never sees half a file.
 */
const VERSION = 1;

export function writeTableFile(file: string, t: ShapeTable): void {
  const header = Buffer.from(
    JSON.stringify({
      version: VERSION,
      window: t.window,
      step: t.step,
      length: t.length,
      dims: t.dims,
      names: t.names,
    }),
  );
  const parts: Buffer[] = [lengthPrefix(header.length), header];
  let size = 4 + header.length;
  for (const col of [t.stats, t.flat, t.z, t.paa]) {
    const pad = (8 - (size % 8)) % 8;
    parts.push(Buffer.alloc(pad), Buffer.from(col.buffer, col.byteOffset, col.byteLength));
    size += pad + col.byteLength;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat(parts, size));
  fs.renameSync(tmp, file);
}

export function readTableFile(file: string): ShapeTable {
  const buf = fs.readFileSync(file);
  const headerLength = buf.readUInt32LE(0);
  const h = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8')) as {
    version: number;
    window: ShapeWindow;
    step: number;
    length: number;
    dims: number;
    names: string[];
  };
  if (h.version !== VERSION)
    throw new Error(`${file}: shape table version ${h.version}, expected ${VERSION}`);
  const n = h.names.length;
  let at = 4 + headerLength;
  const take = <T>(
    make: (b: SharedArrayBuffer, off: number, len: number) => T,
    count: number,
    bytesPer: number,
  ): T => {
    at += (8 - (at % 8)) % 8;
    // Copy into a fresh, aligned buffer: typed arrays need offsets that are multiples of their size.
    // Shared memory, so the table's scan threads read the columns in place (sharedColumns.ts).
    const bytes = buf.subarray(at, at + count * bytesPer);
    const copy = new SharedArrayBuffer(bytes.length);
    new Uint8Array(copy).set(bytes);
    at += count * bytesPer;
    return make(copy, 0, count);
  };
  return ShapeTable.fromColumns({
    window: h.window,
    step: h.step,
    length: h.length,
    dims: h.dims,
    names: h.names,
    stats: take((b, o, l) => new Float64Array(b, o, l), n * 6, 8),
    flat: take((b, o, l) => new Uint8Array(b, o, l), n, 1),
    z: take((b, o, l) => new Float32Array(b, o, l), n * h.length, 4),
    paa: take((b, o, l) => new Float32Array(b, o, l), n * h.dims, 4),
  });
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
