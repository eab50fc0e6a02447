import { describe, expect, it } from 'vitest';
import { LineReader } from '../../../horizon/decoders/plaintext.js';
import { RecordingSink } from '../support.js';

describe('plaintext reassembly', () => {
  it('yields the same points whatever the split offsets, including inside a UTF-8 character', () => {
    const text = Buffer.from('a.b 1.5 1700000000\r\nnaïve.é 2 1700000001\n\nc.d -3e2 1700000002\n');
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) {
        const sink = new RecordingSink();
        const r = new LineReader(sink, 'p', 4096);
        r.push(text.subarray(0, i));
        r.push(text.subarray(i, j));
        r.push(text.subarray(j));
        r.end();
        expect(sink.points).toEqual([
          ['a.b', '1700000000', '1.5'],
          ['naïve.é', '1700000001', '2'],
          ['c.d', '1700000002', '-3e2'],
        ]);
        expect(sink.rejects).toEqual([]);
      }
    }
  });
});
