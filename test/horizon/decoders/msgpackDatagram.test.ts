import { describe, expect, it } from 'vitest';
import { decodeMsgpackDatagram } from '../../../horizon/decoders/msgpackDatagram.js';
import { python, RecordingSink } from '../support.js';

describe('msgpack datagrams', () => {
  it('accepts str and bin names, numeric-string values, lists and concatenated objects', () => {
    const bytes = python(`import msgpack, sys
out = msgpack.packb(['s', [1, 2]]) + msgpack.packb([b'b', [3, '4.5']], use_bin_type=True) + msgpack.packb([['l1', [5, 6]], ['l2', [7, 8]]])
sys.stdout.buffer.write(out)`);
    const sink = new RecordingSink();
    decodeMsgpackDatagram(bytes, sink, 'p');
    expect(
      sink.points.map(([n, t, v]) => [
        Buffer.isBuffer(n) || n instanceof Uint8Array ? Buffer.from(n as Uint8Array).toString() : n,
        t,
        v,
      ]),
    ).toEqual([
      ['s', 1, 2],
      ['b', 3, '4.5'],
      ['l1', 5, 6],
      ['l2', 7, 8],
    ]);
    expect(sink.rejects).toEqual([]);
  });

  it('counts a map or a bare number as a structure reject', () => {
    const sink = new RecordingSink();
    decodeMsgpackDatagram(
      python(`import msgpack, sys; sys.stdout.buffer.write(msgpack.packb({'a': 1}) + msgpack.packb(7))`),
      sink,
      'p',
    );
    expect(sink.rejects.map((r) => r.reason)).toEqual(['structure', 'structure']);
  });
});
