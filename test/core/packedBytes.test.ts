import { describe, expect, it } from 'vitest';
import { packBytes, packedItem, packedSize } from '../../core/store/packedBytes.js';

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
});
