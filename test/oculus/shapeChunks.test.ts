import { describe, expect, it } from 'vitest';
import { ShapeChannel } from '../../oculus/shapeChunks.js';
import type { Shape } from '../../oculus/shapes/shape.js';

const chunk = (n: number) => [{ name: `m${n}` } as Shape];

describe('ShapeChannel', () => {
  it('delivers chunks in order; a push waits while the queue is full, until the consumer takes one', async () => {
    const channel = new ShapeChannel(2);
    let released = false;
    await channel.push(chunk(1));
    const full = channel.push(chunk(2)).then(() => {
      released = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(released).toBe(false);
    const read = channel[Symbol.asyncIterator]();
    expect((await read.next()).value).toEqual(chunk(1));
    await full;
    expect(released).toBe(true);
    channel.close();
    expect((await read.next()).value).toEqual(chunk(2));
    expect((await read.next()).done).toBe(true);
  });

  it('closing releases a waiting producer (a consumer that failed reads no more)', async () => {
    const channel = new ShapeChannel(1);
    const waiting = channel.push(chunk(1));
    channel.close();
    await expect(waiting).resolves.toBeUndefined();
  });
});
