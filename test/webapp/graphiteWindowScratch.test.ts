import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point } from '../../core/store/store.js';
import { WindowDecodeError, decodeWindow, encodePoints } from '../../core/store/windowCodec.js';
import { decodeWindowScratch } from '../../webapp/server/routes/graphite/windowScratch.js';

// The render decodes windows into shared arrays, reading Skyline's usual bytes itself; every window,
// usual or not, must decode as the reference decoder (decodeWindow) decodes it.

const reference = (bytes: Uint8Array) => {
  try {
    const w = decodeWindow(bytes);
    return { timestamps: Array.from(w.timestamps), values: Array.from(w.values) };
  } catch (err) {
    if (err instanceof WindowDecodeError) return undefined;
    throw err;
  }
};

const scratch = (bytes: Uint8Array) => {
  const w = decodeWindowScratch(bytes);
  return w && { timestamps: Array.from(w.timestamps), values: Array.from(w.values) };
};

/** A minute-stepped window from `start`, as horizon appends it, with some points of other shapes. */
const usualWindow = fc
  .record({
    start: fc.integer({ min: 0, max: 2 ** 32 - 100_000 }),
    values: fc.array(
      fc.oneof(
        fc.double({ noNaN: false }),
        fc.integer({ min: 0, max: 127 }),
        fc.constantFrom(Number.NaN, -0),
      ),
      { maxLength: 60 },
    ),
  })
  .map(({ start, values }): Point[] => values.map((v, i) => [start + i * 60, v]));

const anyPoint = fc.tuple(
  fc.oneof(
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  ),
  fc.oneof(fc.double(), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
);

describe('decodeWindowScratch', () => {
  it('decodes usual windows as decodeWindow does', () => {
    fc.assert(
      fc.property(usualWindow, (points) => {
        expect(scratch(encodePoints(points))).toEqual(reference(encodePoints(points)));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes every other window as decodeWindow does: other encodings, points out of order or written again, damage', () => {
    fc.assert(
      fc.property(
        fc.array(anyPoint, { maxLength: 40 }),
        usualWindow,
        fc.nat(),
        fc.constantFrom('as is', 'cut', 'garbage'),
        (odd, usual, at, damage) => {
          // Usual points with odd ones spliced in, so a window turns unusual part way through.
          const cut = at % (usual.length + 1);
          const points = [...usual.slice(0, cut), ...odd, ...usual.slice(cut)];
          // A point written again later, with another value: the last write wins.
          if (usual.length && at % 2) points.push([points[points.length - 1][0], -at]);
          if (usual.length && at % 3) points.push([usual[cut % usual.length][0], at]);
          let bytes: Uint8Array = encodePoints(points);
          if (damage === 'cut' && bytes.length)
            bytes = bytes.subarray(0, bytes.length - 1 - (at % bytes.length));
          if (damage === 'garbage') bytes = Buffer.concat([bytes, Buffer.from([0xc1, 0x92])]);
          expect(scratch(bytes)).toEqual(reference(bytes));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives each window its own points, one after another, whatever their sizes, the last write of a point winning', () => {
    // Past the shared arrays' first size, in the smallest points (7 bytes: a one-byte value).
    const long: Point[] = Array.from({ length: 10_000 }, (_, i) => [1_000_000 + i * 10, i % 100]);
    const short: Point[] = [
      [1_700_000_060, 1.5],
      [1_700_000_120, 2],
    ];
    const rewritten: Point[] = [...short, [1_700_000_120, 3]];
    for (const points of [short, long, rewritten, short, long]) {
      expect(scratch(encodePoints(points))).toEqual(reference(encodePoints(points)));
    }
  });
});
