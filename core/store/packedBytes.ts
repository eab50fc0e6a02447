/**
 * Byte strings (raw windows, stored state) packed into one buffer, so a batch of them goes to a worker
 * thread as one transfer instead of a copy per item, or a structured clone of a Buffer that would copy
 * the whole socket buffer it is a view of. Item i is `bytes[offsets[2i], +offsets[2i+1])`; length −1
 * marks an absent item (no key). The analyzer's chunks and oculus's import batches both travel this way.
 */
export interface PackedBytes {
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array;
}

/** Bytes `raws` take packed. */
export function packedSize(raws: ReadonlyArray<Uint8Array | null>): number {
  let total = 0;
  for (const r of raws) total += r ? r.length : 0;
  return total;
}

/**
 * Copies `raws` into one buffer; `null` gets length −1. Into the front of `into` when given (at least
 * packedSize(raws) long): a reader that packs batch after batch reuses one buffer, because a fresh one
 * of tens of megabytes costs its page faults on first touch, several times the copy itself.
 */
export function packBytes(raws: ReadonlyArray<Uint8Array | null>, into?: Uint8Array): PackedBytes {
  const total = packedSize(raws);
  if (into && into.length < total) throw new RangeError(`packBytes: ${total} bytes into ${into.length}`);
  const bytes = into ? into.subarray(0, total) : new Uint8Array(total);
  const offsets = new Int32Array(raws.length * 2);
  let p = 0;
  raws.forEach((r, i) => {
    offsets[2 * i] = p;
    if (!r) {
      offsets[2 * i + 1] = -1;
      return;
    }
    bytes.set(r, p);
    offsets[2 * i + 1] = r.length;
    p += r.length;
  });
  return { bytes, offsets };
}

/** Item `i` of `packed` (a view, no copy), or null when absent. */
export function packedItem(packed: PackedBytes, i: number): Uint8Array | null {
  const length = packed.offsets[2 * i + 1];
  if (length < 0) return null;
  return packed.bytes.subarray(packed.offsets[2 * i], packed.offsets[2 * i] + length);
}

/** The buffers to hand over with `postMessage` so the packed bytes move instead of being copied. */
export function packedTransfer(packed: PackedBytes): ArrayBuffer[] {
  return [packed.bytes.buffer as ArrayBuffer, packed.offsets.buffer as ArrayBuffer];
}
