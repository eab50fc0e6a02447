import { setImmediate as nextTurn } from 'node:timers/promises';
import { residentBuffer } from './pageToucher.js';

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

/** Copies `raws` into one new buffer; `null` gets length −1. */
export function packBytes(raws: ReadonlyArray<Uint8Array | null>): PackedBytes {
  const packed = unfilled(raws, new Uint8Array(packedSize(raws)));
  copyItems(raws, packed, 0, raws.length);
  return packed;
}

/** Room for `raws` at the front of `into` (at least packedSize(raws) long), nothing copied yet. */
function unfilled(raws: ReadonlyArray<Uint8Array | null>, into: Uint8Array): PackedBytes {
  const total = packedSize(raws);
  if (into.length < total) throw new RangeError(`packing ${total} bytes into ${into.length}`);
  return { bytes: into.subarray(0, total), offsets: new Int32Array(raws.length * 2) };
}

/** Copies `raws[from, to)` into `packed`, each after the items before it. */
function copyItems(
  raws: ReadonlyArray<Uint8Array | null>,
  packed: PackedBytes,
  from: number,
  to: number,
): void {
  const { bytes, offsets } = packed;
  let p = from > 0 ? offsets[2 * from - 2] + Math.max(0, offsets[2 * from - 1]) : 0;
  for (let i = from; i < to; i++) {
    const r = raws[i];
    offsets[2 * i] = p;
    if (!r) {
      offsets[2 * i + 1] = -1;
      continue;
    }
    bytes.set(r, p);
    offsets[2 * i + 1] = r.length;
    p += r.length;
  }
}

/**
 * Bytes `PackingBuffers.pack` copies before it lets the event loop turn. Into an untouched buffer, in
 * a soak at 300,000 points/s, 4 MiB took about 14 ms, in which some 80 datagrams arrive, while a turn
 * of the loop reads at most 32 (libuv's limit per socket and turn); 1 MiB is about 3.5 ms untouched
 * (the tail of a buffer that windows grew into) and well under 1 ms into touched memory.
 */
const TURN_BYTES = 1 << 20;

/**
 * Buffers that batches are packed into and that come back once the thread they went to has read
 * them, so a reader that hands over batch after batch touches its memory once: a fresh buffer of tens
 * of megabytes costs more in page faults on first touch than the copy (45–70 ms against about 1 ms
 * for 10 MB in a soak). `keep` is how many batches can be away at once; more are not kept.
 */
export class PackingBuffers {
  private readonly free: Uint8Array[] = [];

  constructor(private readonly keep: number) {}

  /**
   * `raws` packed into the smallest free buffer that holds them, or into a new one twice their size:
   * windows grow between roomba's trims (from 7,200 to over 9,000 points in a prefilled soak, past the
   * quarter more room given before), and the room costs no memory until a longer batch touches it.
   * A new buffer's pages are faulted in on another thread (pageToucher.ts). Copied TURN_BYTES at a
   * time with a turn of the event loop between: a batch of 500 full windows is 50–70 MB, and copied at
   * once into a new buffer on this thread it took 100–420 ms of page faults, long enough for the
   * kernel to drop datagrams.
   */
  async pack(raws: ReadonlyArray<Uint8Array | null>): Promise<PackedBytes> {
    const size = packedSize(raws);
    let best = -1;
    this.free.forEach((b, i) => {
      if (b.length >= size && (best < 0 || b.length < this.free[best].length)) best = i;
    });
    const packed = unfilled(
      raws,
      best >= 0 ? this.free.splice(best, 1)[0] : await residentBuffer(2 * size, size),
    );
    for (let from = 0; from < raws.length; ) {
      let to = from;
      for (let turn = 0; to < raws.length && turn < TURN_BYTES; to++) turn += raws[to]?.length ?? 0;
      copyItems(raws, packed, from, to);
      from = to;
      if (from < raws.length) await nextTurn();
    }
    return packed;
  }

  /** The buffer of a batch `pack` made, back from the thread that read it; the largest `keep` stay. */
  giveBack(buffer: ArrayBuffer): void {
    this.free.push(new Uint8Array(buffer));
    this.free.sort((a, b) => b.length - a.length);
    this.free.length = Math.min(this.free.length, this.keep);
  }
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
