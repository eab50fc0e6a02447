import type { Series } from '../../../../core/store/store.js';
import { WindowDecodeError, decodeWindow } from '../../../../core/store/windowCodec.js';

/** Reused between windows: a render reads 1,000 windows of 1,441 points for one panel, and fresh arrays per window were most of its garbage. */
let timestamps = new Float64Array(4096);
let values = new Float64Array(4096);

/**
 * A raw Skyline window decoded into arrays shared by every call: the answer is valid until the next
 * call (the render grids each window before reading the next). Undefined for an undecodable window,
 * which the render skips as `readWindows` does.
 *
 * Only Skyline's usual bytes are read here, each point `[uint32 ts, float64 | small int value]` with
 * timestamps rising; anything else (another encoding, a point written out of order or twice) is
 * left to `decodeWindow`, the reference decoder, which sorts and keeps the last write.
 */
export function decodeWindowScratch(bytes: Uint8Array): Series | undefined {
  const usual = decodeUsualScratch(bytes);
  if (usual) return usual;
  try {
    return decodeWindow(bytes);
  } catch (err) {
    if (err instanceof WindowDecodeError) return undefined;
    throw err;
  }
}

/**
 * Skyline's usual bytes (as decodeWindowScratch reads them itself) decoded into the shared arrays;
 * undefined for any other window. Such bytes decode point by point, so the points of bytes appended
 * to them are the points of the appended bytes alone.
 */
export function decodeUsualScratch(bytes: Uint8Array): Series | undefined {
  const n = decodeUsual(bytes);
  return n < 0 ? undefined : { timestamps: timestamps.subarray(0, n), values: values.subarray(0, n) };
}

/** Points decoded into the shared arrays, or -1 when the window is not in the usual form. */
function decodeUsual(b: Uint8Array): number {
  const len = b.length;
  // A usual point takes at least 7 bytes.
  const most = Math.ceil(len / 7);
  if (timestamps.length < most) {
    timestamps = new Float64Array(most);
    values = new Float64Array(most);
  }
  const dv = new DataView(b.buffer, b.byteOffset, len);
  let n = 0;
  let last = -1;
  let p = 0;
  while (p < len) {
    if (p + 7 > len || b[p] !== 0x92 || b[p + 1] !== 0xce) return -1;
    const t = dv.getUint32(p + 2);
    if (t <= last) return -1;
    const kind = b[p + 6];
    if (kind === 0xcb) {
      if (p + 15 > len) return -1;
      values[n] = dv.getFloat64(p + 7);
      p += 15;
    } else if (kind <= 0x7f) {
      values[n] = kind;
      p += 7;
    } else return -1;
    timestamps[n++] = t;
    last = t;
  }
  return n;
}
