import { describe, expect, it } from 'vitest';
import { PickleError, unpickle } from '../../../horizon/decoders/restrictedUnpickler.js';
import { CARBON_RELAY_FRAME, python } from '../support.js';

const SAMPLE = `[('a.b.c', (1700000000.0, 1.5)), ('d.e', (1700000060, -3)), ('uni.\\u00e9\\u4e2d', (1700000120, 2**40)), ('big', (1700000180, -2**70)), ('s', (1700000240, '1.25'))]`;

function dumps(protocol: number, expr = SAMPLE): Buffer {
  return python(`import pickle, sys; sys.stdout.buffer.write(pickle.dumps(${expr}, protocol=${protocol}))`);
}

describe('restricted unpickler: what Python writes', () => {
  for (const protocol of [0, 1, 2, 3, 4, 5]) {
    it(`decodes pickle.dumps protocol ${protocol}`, () => {
      expect(unpickle(dumps(protocol))).toEqual([
        ['a.b.c', [1700000000, 1.5]],
        ['d.e', [1700000060, -3]],
        ['uni.é中', [1700000120, 2 ** 40]],
        ['big', [1700000180, -(2 ** 70)]],
        ['s', [1700000240, '1.25']],
      ]);
    });
  }

  it('decodes every plain type Python writes, at every protocol', () => {
    const expr = `[None, True, False, 0, 255, 65535, -1, 2**31, 1e300, float('inf'), 'x\\n\\'"\\\\', (), (1,), (1, 2), (1, 2, 3), {'k': [1]}]`;
    for (const protocol of [0, 1, 2, 3, 4, 5]) {
      const v = unpickle(dumps(protocol, expr)) as unknown[];
      expect(v.slice(0, 10)).toEqual([null, true, false, 0, 255, 65535, -1, 2 ** 31, 1e300, Infinity]);
      expect(v[10]).toBe('x\n\'"\\');
      expect(v.slice(11, 15)).toEqual([[], [1], [1, 2], [1, 2, 3]]);
      expect(v[15]).toEqual(new Map([['k', [1]]]));
    }
  });

  it('decodes bytes (protocol 3+), sets (4+) and bytearray (5) from their own opcodes', () => {
    for (const protocol of [3, 4, 5])
      expect(Buffer.from(unpickle(dumps(protocol, `b'\\x00\\xff'`)) as Buffer)).toEqual(
        Buffer.from([0, 255]),
      );
    for (const protocol of [4, 5])
      expect(unpickle(dumps(protocol, `[set([7]), frozenset([8])]`))).toEqual([[7], [8]]);
    expect(Buffer.from(unpickle(dumps(5, `bytearray(b'ab')`)) as Buffer).toString()).toBe('ab');
  });

  it('refuses what older protocols can only express by calling code (bytes at 0-2, set at 0-3)', () => {
    for (const protocol of [0, 2])
      expect(() => unpickle(dumps(protocol, `b'x'`))).toThrow(/forbidden pickle opcode GLOBAL/);
    expect(() => unpickle(dumps(3, `set([1])`))).toThrow(/forbidden/);
  });

  it('keeps shared references from the memo (GET/BINGET/MEMOIZE)', () => {
    for (const protocol of [0, 2, 4]) {
      const v = unpickle(dumps(protocol, `(lambda t: [t, t])(('n', (1, 2)))`)) as unknown[];
      expect(v).toEqual([
        ['n', [1, 2]],
        ['n', [1, 2]],
      ]);
    }
  });

  it('decodes the captured carbon-relay frame', () => {
    expect(CARBON_RELAY_FRAME.readUInt32BE(0)).toBe(CARBON_RELAY_FRAME.length - 4);
    expect(unpickle(CARBON_RELAY_FRAME.subarray(4))).toEqual([['a.b.c', [1700000000, 1.5]]]);
  });
});

describe('restricted unpickler: hostile input', () => {
  const rejects = (bytes: Buffer, code: PickleError['code'], message?: RegExp) => {
    let err: unknown;
    try {
      unpickle(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PickleError);
    expect((err as PickleError).code).toBe(code);
    if (message) expect((err as Error).message).toMatch(message);
  };

  it('rejects os.system via GLOBAL + REDUCE, as pickle writes it at protocol 0 and 2', () => {
    const evil = `import pickle, os, sys
class E:
    def __reduce__(self): return (os.system, ('touch /tmp/kale-pwned',))
sys.stdout.buffer.write(pickle.dumps([('a', (1, E()))], protocol=int(sys.argv[1])))`;
    for (const p of ['0', '2']) rejects(python(evil, [p]), 'forbidden', /GLOBAL/);
  });

  it('rejects os.system via STACK_GLOBAL + REDUCE (protocol 4 and 5)', () => {
    const evil = `import pickle, os, sys
class E:
    def __reduce__(self): return (os.system, ('touch /tmp/kale-pwned',))
sys.stdout.buffer.write(pickle.dumps(E(), protocol=int(sys.argv[1])))`;
    for (const p of ['4', '5']) rejects(python(evil, [p]), 'forbidden', /STACK_GLOBAL/);
  });

  it('rejects every code-naming opcode', () => {
    const ops: Record<string, number> = {
      GLOBAL: 0x63,
      STACK_GLOBAL: 0x93,
      REDUCE: 0x52,
      BUILD: 0x62,
      INST: 0x69,
      OBJ: 0x6f,
      NEWOBJ: 0x81,
      NEWOBJ_EX: 0x92,
      EXT1: 0x82,
      EXT2: 0x83,
      EXT4: 0x84,
      PERSID: 0x50,
      BINPERSID: 0x51,
    };
    for (const [name, op] of Object.entries(ops))
      rejects(Buffer.from([0x80, 2, 0x4e, op, 0x2e]), 'forbidden', new RegExp(name));
  });

  it('rejects length prefixes larger than the data (4 GiB and 2^63) without allocating', () => {
    rejects(Buffer.from([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0xff, 0x61]), 'malformed', /truncated/);
    rejects(Buffer.from([0x80, 4, 0x8d, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x61]), 'malformed');
    rejects(Buffer.from([0x80, 4, 0x8e, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0x61]), 'malformed', /truncated/);
  });

  it('bounds the memo: a huge index does not allocate, and too many entries are refused', () => {
    // LONG_BINPUT at index 4,294,967,295.
    expect(unpickle(Buffer.from([0x80, 2, 0x4e, 0x72, 0xff, 0xff, 0xff, 0xff, 0x2e]))).toBe(null);
    const bomb = Buffer.concat([
      Buffer.from([0x80, 4, 0x4e]),
      Buffer.alloc(200_000, 0x94),
      Buffer.from([0x2e]),
    ]);
    rejects(bomb, 'limit', /memo/);
  });

  it('bounds nesting: 100,000 nested lists and 100,000 open MARKs', () => {
    rejects(
      Buffer.concat([
        Buffer.from([0x80, 2]),
        Buffer.alloc(100_000, 0x5d),
        Buffer.alloc(99_999, 0x61),
        Buffer.from([0x2e]),
      ]),
      'limit',
      /nesting/,
    );
    rejects(Buffer.concat([Buffer.from([0x80, 2]), Buffer.alloc(100_000, 0x28)]), 'limit', /MARK/);
    // A list appended into itself over and over is a cycle, not a bomb: refused by depth too.
    rejects(
      Buffer.concat([
        Buffer.from([0x80, 2, 0x5d, 0x94]),
        Buffer.from(Array.from({ length: 100 }, () => [0x68, 0, 0x61]).flat()),
        Buffer.from([0x2e]),
      ]),
      'limit',
      /nesting/,
    );
  });

  it('rejects truncated pickles at every cut point', () => {
    const whole = dumps(2);
    for (let cut = 0; cut < whole.length; cut++)
      expect(() => unpickle(whole.subarray(0, cut))).toThrow(PickleError);
  });

  it('rejects unknown opcodes, stack underflow and trailing bytes', () => {
    rejects(Buffer.from([0x80, 2, 0xff, 0x2e]), 'malformed', /unknown/);
    rejects(Buffer.from([0x80, 2, 0x61, 0x2e]), 'malformed', /underflow/);
    rejects(Buffer.from([0x80, 2, 0x4e, 0x2e, 0x00]), 'malformed', /after STOP/);
  });
});
