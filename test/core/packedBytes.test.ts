import { describe, expect, it } from 'vitest';
import { PackingBuffers, packBytes, packedItem, packedSize } from '../../core/store/packedBytes.js';
import { residentBuffer } from '../../core/store/pageToucher.js';

const raws = [Uint8Array.of(1, 2, 3), null, Uint8Array.of(), Uint8Array.of(9)];

describe('packed bytes', () => {
  // First, before the other tests' buffers are collected and the process shrinks while it is measured.
  it('gets a new buffer with the part to be copied into already in memory, and the room after it not', async () => {
    await residentBuffer(1, 1); // the thread started, its own memory not counted below
    const rss = () => process.memoryUsage().rss / 2 ** 20;
    const before = rss();
    const buffer = await residentBuffer(128 << 20, 48 << 20);
    const grown = rss() - before;
    expect(buffer.length).toBe(128 << 20);
    expect(buffer[0] + buffer[(48 << 20) - 1] + buffer[(128 << 20) - 1]).toBe(0);
    expect(grown).toBeGreaterThan(36);
    expect(grown).toBeLessThan(80);
  });

  it('gives back each item, an absent one as null', () => {
    const packed = packBytes(raws);
    expect(packed.bytes.length).toBe(packedSize(raws));
    expect(raws.map((_, i) => packedItem(packed, i))).toEqual(raws);
  });

  it('packs into the smallest buffer given back that holds the items, a new one with room when none does', async () => {
    const buffers = new PackingBuffers(2);
    const first = await buffers.pack(raws);
    expect(first.bytes.buffer.byteLength).toBe(8); // 4 bytes and as much room again
    const bigger = [Uint8Array.from({ length: 40 }, (_, i) => i)];
    const second = await buffers.pack(bigger);
    expect(second.bytes.buffer).not.toBe(first.bytes.buffer);
    buffers.giveBack(second.bytes.buffer as ArrayBuffer);
    buffers.giveBack(first.bytes.buffer as ArrayBuffer);
    const again = await buffers.pack(raws);
    expect(again.bytes.buffer).toBe(first.bytes.buffer);
    expect(raws.map((_, i) => packedItem(again, i))).toEqual(raws);
    buffers.giveBack(again.bytes.buffer as ArrayBuffer);
    const big = await buffers.pack(bigger);
    expect(big.bytes.buffer).toBe(second.bytes.buffer);
    expect(packedItem(big, 0)).toEqual(bigger[0]);
    const biggest = await buffers.pack([new Uint8Array(90)]);
    expect(biggest.bytes.buffer).not.toBe(first.bytes.buffer);
    expect((await buffers.pack(raws)).bytes.buffer).toBe(first.bytes.buffer);
  });

  it('keeps only as many buffers as it was told, the largest', async () => {
    const buffers = new PackingBuffers(1);
    const small = await buffers.pack(raws);
    const large = await buffers.pack([new Uint8Array(100)]);
    buffers.giveBack(small.bytes.buffer as ArrayBuffer);
    buffers.giveBack(large.bytes.buffer as ArrayBuffer);
    expect((await buffers.pack(raws)).bytes.buffer).toBe(large.bytes.buffer);
    expect((await buffers.pack(raws)).bytes.buffer).not.toBe(small.bytes.buffer);
  });

  it('lets the event loop turn between every MiB it copies, and gives every item back whole', async () => {
    const kib = (n: number, fill: number) => new Uint8Array(n << 10).fill(fill);
    const buffers = new PackingBuffers(1);
    // A new buffer waits for its pages to be touched on another thread: give the turns one to reuse.
    buffers.giveBack((await buffers.pack([kib(4096, 0)])).bytes.buffer as ArrayBuffer);
    const turns = async (items: ReadonlyArray<Uint8Array | null>) => {
      let ran = 0;
      const tick = () => {
        ran++;
        if (!done) setImmediate(tick);
      };
      let done = false;
      setImmediate(tick);
      const packed = await buffers.pack(items);
      done = true;
      buffers.giveBack(packed.bytes.buffer as ArrayBuffer);
      items.forEach((item, i) => {
        const back = packedItem(packed, i);
        expect(item === null ? back === null : back !== null && Buffer.from(back).equals(item)).toBe(true);
      });
      return ran;
    };
    expect(await turns([kib(768, 1), null, kib(255, 2)])).toBe(0);
    // 1 MiB, then 0.5 + 0.5, then the rest: two turns between three copies.
    expect(await turns([kib(1024, 1), kib(512, 2), null, kib(512, 3), kib(512, 4), Uint8Array.of(5)])).toBe(
      2,
    );
  });
});
