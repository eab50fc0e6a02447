import { describe, expect, it } from 'vitest';
import { PickleFrameReader } from '../../../horizon/decoders/pickleFrames.js';
import { CARBON_RELAY_FRAME } from '../support.js';

describe('pickle framing', () => {
  it('reassembles frames fed one byte at a time, and several frames in one read', () => {
    const frames: Buffer[] = [];
    const reader = new PickleFrameReader(1 << 20);
    for (const b of CARBON_RELAY_FRAME) reader.push(Buffer.from([b]), (f) => frames.push(Buffer.from(f)));
    reader.push(Buffer.concat([CARBON_RELAY_FRAME, CARBON_RELAY_FRAME]), (f) => frames.push(Buffer.from(f)));
    expect(frames).toHaveLength(3);
    for (const f of frames) expect(f).toEqual(CARBON_RELAY_FRAME.subarray(4));
    expect(reader.pending).toBe(0);
  });
});
