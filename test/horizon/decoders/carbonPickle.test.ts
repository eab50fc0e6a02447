import { describe, expect, it } from 'vitest';
import { decodeCarbonPickle } from '../../../horizon/decoders/carbonPickle.js';
import { emitRecords } from '../../../horizon/decoders/records.js';
import { unpickle } from '../../../horizon/decoders/restrictedUnpickler.js';
import { python, RecordingSink } from '../support.js';

/** Python pickles of `expr` at every protocol, as [protocol, bytes]. */
function dumps(expr: string): Array<[number, Buffer]> {
  const out = python(`import pickle, struct, sys
v = ${expr}
for p in range(6):
    b = pickle.dumps(v, protocol=p)
    sys.stdout.buffer.write(struct.pack('!L', len(b)) + b)`);
  const list: Array<[number, Buffer]> = [];
  for (let at = 0, p = 0; at < out.length; p++) {
    const n = out.readUInt32BE(at);
    list.push([p, out.subarray(at + 4, at + 4 + n)]);
    at += 4 + n;
  }
  return list;
}

/** What the restricted unpickler delivers for the same bytes: the reference. */
function reference(bytes: Buffer): RecordingSink {
  const sink = new RecordingSink();
  emitRecords(unpickle(bytes), sink, 'ref');
  return sink;
}

describe('the relay-shaped pickle fast path', () => {
  it('decodes carbon-relay and statsd frames at protocols 2-5 exactly as the unpickler does', () => {
    const shapes = [
      // carbon-relay: float timestamps and values, one batch of APPENDS.
      `[('a.b.c%d' % i, (1700000000.0 + i, i * 0.25)) for i in range(7)]`,
      // statsd and Python 2 style senders: integer timestamps of every width, negative values.
      `[('n.int', (1700000000, -3)), ('n.small', (7, 200)), ('n.mid', (300, 65535)), ('n.neg', (-5, -70000))]`,
      // Over 1,000 items: the pickler writes several MARK ... APPENDS batches (and FRAMEs at protocol 4+).
      `[('big.m%d' % i, (1700000000 + i, i + 0.5)) for i in range(2500)]`,
      // Non-ASCII names, and a one-item list (the pickler uses a single APPEND).
      `[('caf\\u00e9.ü', (1700000000, 1.5))]`,
      `[]`,
    ];
    for (const shape of shapes) {
      for (const [protocol, bytes] of dumps(shape)) {
        const sink = new RecordingSink();
        const taken = decodeCarbonPickle(bytes, sink, 'fast', 100_000);
        expect(taken, `protocol ${protocol}: ${shape.slice(0, 40)}`).toBe(protocol >= 2);
        if (taken) expect(sink.points).toEqual(reference(bytes).points);
        else expect(sink.points).toEqual([]);
      }
    }
  });

  it('leaves every other shape to the unpickler without delivering anything', () => {
    const others = [
      // A name repeated in one frame is fetched back from the memo (BINGET).
      `(lambda n: [(n, (1, 2)), (n, (3, 4))])('same.name')`,
      // A single record, not a list; text and big-integer values; bytes names; a dict.
      `('one', (1700000000, 1.5))`,
      `[('s', (1700000000, '2'))]`,
      `[('big', (1700000000, 2**70))]`,
      `[(b'bytes', (1, 2))]`,
      `[{'a': 1}]`,
      `[('t', (1, 2, 3))]`,
    ];
    for (const shape of others) {
      for (const [protocol, bytes] of dumps(shape)) {
        const sink = new RecordingSink();
        expect(decodeCarbonPickle(bytes, sink, 'fast', 100_000), `protocol ${protocol}: ${shape}`).toBe(
          false,
        );
        expect(sink.points).toEqual([]);
      }
    }
    // Every truncation of a valid frame, and a memo over the limit.
    const [, whole] = dumps(`[('a.b', (1700000000.0, 1.5)), ('c.d', (1700000001.0, 2.5))]`)[2];
    for (let cut = 0; cut < whole.length; cut++)
      expect(decodeCarbonPickle(whole.subarray(0, cut), new RecordingSink(), 'fast', 100_000)).toBe(false);
    expect(decodeCarbonPickle(whole, new RecordingSink(), 'fast', 3)).toBe(false);
  });
});
