import { describe, expect, it } from 'vitest';
import { PackingBuffers, packBytes, packedItem, packedSize } from '../../core/store/packedBytes.js';

const raws = [Uint8Array.of(1, 2, 3), null, Uint8Array.of(), Uint8Array.of(9)];

describe('packed bytes', () => {
  it('gives back each item, an absent one as null, packed into a new buffer or the front of a given one', () => {
    const into = new Uint8Array(10).fill(0xee);
    for (const packed of [packBytes(raws), packBytes(raws, into)]) {
      expect(packed.bytes.length).toBe(packedSize(raws));
      expect(raws.map((_, i) => packedItem(packed, i))).toEqual(raws);
    }
    expect(packBytes(raws, into).bytes.buffer).toBe(into.buffer);
  });

  it('refuses a buffer too small for the items', () => {
    expect(() => packBytes(raws, new Uint8Array(3))).toThrow(RangeError);
  });

  it('packs into the smallest buffer given back that holds the items, a new one with room when none does', () => {
    const buffers = new PackingBuffers(2);
    const first = buffers.pack(raws);
    expect(first.bytes.buffer.byteLength).toBe(5); // 4 bytes and a quarter more room, rounded down
    const bigger = [Uint8Array.from({ length: 40 }, (_, i) => i)];
    const second = buffers.pack(bigger);
    expect(second.bytes.buffer).not.toBe(first.bytes.buffer);
    buffers.giveBack(second.bytes.buffer as ArrayBuffer);
    buffers.giveBack(first.bytes.buffer as ArrayBuffer);
    const again = buffers.pack(raws);
    expect(again.bytes.buffer).toBe(first.bytes.buffer);
    expect(raws.map((_, i) => packedItem(again, i))).toEqual(raws);
    buffers.giveBack(again.bytes.buffer as ArrayBuffer);
    const big = buffers.pack(bigger);
    expect(big.bytes.buffer).toBe(second.bytes.buffer);
    expect(packedItem(big, 0)).toEqual(bigger[0]);
    const biggest = buffers.pack([new Uint8Array(60)]);
    expect(biggest.bytes.buffer).not.toBe(first.bytes.buffer);
    expect(buffers.pack(raws).bytes.buffer).toBe(first.bytes.buffer);
  });

  it('keeps only as many buffers as it was told, the largest', () => {
    const buffers = new PackingBuffers(1);
    const small = buffers.pack(raws);
    const large = buffers.pack([new Uint8Array(100)]);
    buffers.giveBack(small.bytes.buffer as ArrayBuffer);
    buffers.giveBack(large.bytes.buffer as ArrayBuffer);
    expect(buffers.pack(raws).bytes.buffer).toBe(large.bytes.buffer);
    expect(buffers.pack(raws).bytes.buffer).not.toBe(small.bytes.buffer);
  });
});
