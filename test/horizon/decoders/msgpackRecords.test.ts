import { Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeMsgpackRecords } from '../../../horizon/decoders/msgpackRecords.js';
import { emitRecords } from '../../../horizon/decoders/records.js';
import { python, RecordingSink } from '../support.js';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, int64AsType: 'number' });

/** python3-msgpack's packb of each expression, as separate buffers. */
function packb(exprs: string[], useBinType = true): Buffer[] {
  const out = python(
    `import msgpack, struct, sys
for e in sys.argv[1:]:
    b = msgpack.packb(eval(e), use_bin_type=${useBinType ? 'True' : 'False'})
    sys.stdout.buffer.write(struct.pack('!L', len(b)) + b)`,
    exprs,
  );
  const list: Buffer[] = [];
  for (let at = 0; at < out.length; ) {
    const n = out.readUInt32BE(at);
    list.push(out.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return list;
}

/** What msgpackr and the generic record reader deliver for the same bytes: the reference (names as text). */
function reference(bytes: Buffer): unknown[] {
  const sink = new RecordingSink();
  emitRecords(unpackr.unpack(bytes), sink, 'ref');
  return sink.points.map(([n, t, v]) => [
    n instanceof Uint8Array ? Buffer.from(n).toString('utf8') : n,
    t,
    v,
  ]);
}

describe('the msgpack records fast path', () => {
  it('decodes python3-msgpack lists of records exactly as msgpackr does', () => {
    const shapes = [
      `[['a.b.c%d' % i, [1700000000 + i, i * 0.25]] for i in range(50)]`,
      // Integers of every width the scan takes, negative ones, and float timestamps.
      `[['n.fix', [7, -3]], ['n.u8', [200, 255]], ['n.u16', [300, 65535]], ['n.u32', [1700000000, 70000]], ['n.i8', [-100, -128]], ['n.i16', [-300, -32768]], ['n.i32', [-70000, -2147483648]], ['n.f', [1700000000.5, -0.0]]]`,
      // Long names (str8, str16), non-ASCII names, and over 15 records (array16).
      `[['x' * 40, [1, 2]], ['y' * 300, [3, 4]], ['café.ü', [5, 6.5]]] + [['m%d' % i, [i, i]] for i in range(20)]`,
    ];
    for (const bytes of packb(shapes)) {
      const sink = new RecordingSink();
      expect(decodeMsgpackRecords(bytes, sink, 'fast')).toBe(true);
      expect(sink.points).toEqual(reference(bytes));
    }
    // Names as bin (Perl's Data::MessagePack sends them so).
    for (const bytes of packb([`[[b'bin.name', [1700000000, 1.5]], [b'other', [1, 2]]]`])) {
      const sink = new RecordingSink();
      expect(decodeMsgpackRecords(bytes, sink, 'fast')).toBe(true);
      expect(sink.points).toEqual(reference(bytes));
    }
  });

  it('leaves every other shape to msgpackr without delivering anything', () => {
    const others = [
      `['one', [1700000000, 1.5]]`,
      `[]`,
      `[['s', [1700000000, '2.5']]]`,
      `[['big', [2**40, 1]]]`,
      `[['neg', [-2**40, 1]]]`,
      `[['t', [1, 2, 3]]]`,
      `[{'a': 1}]`,
      `[['n', [None, 1]]]`,
      `[[1, [1, 2]]]`,
      `{'a': 1}`,
    ];
    for (const bytes of packb(others)) {
      const sink = new RecordingSink();
      expect(decodeMsgpackRecords(bytes, sink, 'fast'), bytes.toString('hex')).toBe(false);
      expect(sink.points).toEqual([]);
    }
    const [whole] = packb([`[['a.b', [1700000000, 1.5]], ['c.d', [1700000001, 2.5]]]`]);
    // Every truncation, and two objects back to back.
    for (let cut = 0; cut < whole.length; cut++)
      expect(decodeMsgpackRecords(whole.subarray(0, cut), new RecordingSink(), 'fast')).toBe(false);
    expect(decodeMsgpackRecords(Buffer.concat([whole, whole]), new RecordingSink(), 'fast')).toBe(false);
  });
});
