import { execFileSync } from 'node:child_process';
import { pack, unpackMultiple } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeWindow, encodePoints } from '../../core/store/windowCodec.js';

const EDGE: Array<[number, number]> = [
  [0, 0],
  [127, 128],
  [255, 256],
  [65535, 65536],
  [4294967295, 4294967296],
  [2 ** 53 - 1, -(2 ** 53 - 1)],
  [-1, -32],
  [-33, -128],
  [-129, -32768],
  [-32769, -2147483648],
  [-2147483649, 1.5],
  [1_700_000_000, -0.1],
  [1_700_000_000.25, Number.MAX_VALUE],
  [3, Number.MIN_VALUE],
  [4, -0],
  [5, 1e300],
];

describe('window codec', () => {
  it('round-trips every integer width and float', () => {
    const w = decodeWindow(encodePoints(EDGE));
    const sorted = [...EDGE].sort((a, b) => a[0] - b[0]);
    expect(Array.from(w.timestamps)).toEqual(sorted.map((p) => p[0]));
    expect(Array.from(w.values)).toEqual(sorted.map((p) => p[1]));
  });

  it('writes what msgpackr reads as the same arrays', () => {
    // msgpackr hands back 64-bit integers as BigInt.
    const read = (unpackMultiple(encodePoints(EDGE)) as unknown[][]).map((p) => p.map(Number));
    expect(read).toEqual(EDGE);
  });

  it("writes the bytes Python's msgpack.packb writes", () => {
    const py = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        `
import msgpack, sys, json
pts = json.loads(sys.argv[1])
sys.stdout.write(b''.join(msgpack.packb((t, v)) for t, v in pts).hex())`,
        JSON.stringify([
          [1700000000, 1.5],
          [1700000060, 2],
          [1, -40],
          [70000, 0.25],
        ]),
      ],
      { encoding: 'utf8' },
    );
    expect(
      encodePoints([
        [1700000000, 1.5],
        [1700000060, 2],
        [1, -40],
        [70000, 0.25],
      ]).toString('hex'),
    ).toBe(py);
  });

  it('decodes shapes the fast path does not know through msgpackr', () => {
    const bytes = Buffer.concat([pack([1, 2]), pack([2, '3.5'])]);
    expect(Array.from(decodeWindow(bytes).values)).toEqual([2, 3.5]);
  });
});
