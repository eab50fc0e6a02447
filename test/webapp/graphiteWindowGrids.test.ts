import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point } from '../../core/store/store.js';
import { decodeWindow, encodePoints } from '../../core/store/windowCodec.js';
import {
  averageSlots,
  consolidateTo,
  resample,
  type GSeries,
} from '../../webapp/server/routes/graphite/series.js';
import { WindowGrids, type Grid } from '../../webapp/server/routes/graphite/windowGrids.js';

// The render keeps each metric's last slots and gives them again for the same bytes on the same grid;
// whatever was kept, every answer must be what decoding and gridding the window afresh gives.

const fresh = (bytes: Uint8Array, gridFor: (native: number) => Grid) => {
  const w = decodeWindow(bytes);
  if (w.timestamps.length === 0) return undefined;
  const gaps = Array.from(w.timestamps.subarray(1), (t, i) => t - w.timestamps[i]).slice(-100);
  gaps.sort((a, b) => a - b);
  const grid = gridFor(gaps.length ? Math.max(1, Math.round(gaps[gaps.length >> 1])) : 60);
  return {
    grid,
    values: Array.from(averageSlots(w.timestamps, w.values, grid.start, grid.step, grid.length)),
  };
};

const window = (start: number, values: number[], step = 60, late: Point[] = []): Uint8Array =>
  encodePoints([...values.map((v, i): Point => [start + i * step, v]), ...late]);

/** A read: which metric, its window (the last one's rewritten or appended to, or a new one), and the range. */
const read = fc.record({
  metric: fc.constantFrom('a', 'b', 'c'),
  change: fc.constantFrom('same', 'rewrite', 'append', 'append', 'append', 'late', 'step'),
  value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -300, max: 300 })),
  from: fc.integer({ min: 0, max: 3 }).map((m) => 1_000_000_020 + m * 60),
  coarse: fc.boolean(),
});

describe('WindowGrids', () => {
  it('answers every read as decoding and gridding afresh would, through rewrites, appends, regrids and evictions', () => {
    fc.assert(
      fc.property(
        fc.array(read, { maxLength: 60 }),
        fc.constantFrom(64 * 1024 * 1024, 2000),
        (reads, memory) => {
          const grids = new WindowGrids(memory);
          const windows = new Map<string, { values: number[]; step: number; late: Point[] }>();
          for (const r of reads) {
            const w = windows.get(r.metric) ?? { values: [1, 2, 3, 4, 5, 6], step: 60, late: [] };
            if (r.change === 'rewrite') w.values = [...w.values.slice(0, -1), r.value];
            if (r.change === 'append') w.values = [...w.values, r.value];
            // A point behind the last (written late, or again): not Skyline's usual order.
            if (r.change === 'late') w.late = [...w.late, [1_000_000_090, r.value]];
            if (r.change === 'step') w.step = w.step === 60 ? 30 : 60;
            windows.set(r.metric, w);
            const bytes = window(1_000_000_000, w.values, w.step, w.late);
            let gridsAsked = 0;
            const gridFor = (native: number): Grid => {
              gridsAsked++;
              const step = r.coarse ? Math.max(native, 120) : native;
              return { start: Math.floor(r.from / step) * step + step, step, length: Math.ceil(600 / step) };
            };
            const expected = fresh(bytes, gridFor);
            gridsAsked = 0;
            const got = grids.slots(r.metric, bytes, gridFor);
            expect(got && { grid: got.grid, values: Array.from(got.values) }).toEqual(expected);
            // Once per window read: the grid counts the points a render reads.
            expect(gridsAsked).toBe(expected ? 1 : 0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same slots again for an unchanged window on the same grid, and new ones for a window of the same length rewritten', () => {
    const grids = new WindowGrids();
    const grid = () => ({ start: 1_000_000_020, step: 60, length: 3 });
    const first = grids.slots('m', window(1_000_000_000, [1, 2, 3]), grid)!;
    // Another Uint8Array of the same bytes, as every read from Redis is.
    expect(grids.slots('m', window(1_000_000_000, [1, 2, 3]), grid)!.values).toBe(first.values);
    const rewritten = grids.slots('m', window(1_000_000_000, [1, 2, 4]), grid)!;
    expect(Array.from(rewritten.values)).toEqual([2, 4, Number.NaN]);
    expect(Array.from(first.values)).toEqual([2, 3, Number.NaN]);
  });

  it('grids only the appended points when a refresh moved the range on by whole slots', () => {
    const grids = new WindowGrids();
    const day = Array.from({ length: 1441 }, (_, i) => 100 + Math.sin(i / 50) + (i % 7) / 3);
    const gridAt = (from: number) => () => ({ start: from + 60, step: 60, length: 1440 });
    const first = grids.slots('m', window(1_000_000_020, day), gridAt(1_000_000_000))!;
    const bytes = window(1_000_000_020, [...day, 7.25, 8.5]);
    const next = grids.slots('m', bytes, gridAt(1_000_000_120))!;
    expect(Array.from(next.values)).toEqual(fresh(bytes, gridAt(1_000_000_120))!.values);
    expect(Array.from(next.values.subarray(0, 1438))).toEqual(Array.from(first.values.subarray(2)));
  });

  it('skips a window without points or one that does not decode, and forgets neither metric', () => {
    const grids = new WindowGrids();
    const grid = () => ({ start: 1_000_000_020, step: 60, length: 3 });
    expect(grids.slots('m', new Uint8Array(0), grid)).toBeUndefined();
    expect(grids.slots('m', Uint8Array.of(0x92, 0xc1), grid)).toBeUndefined();
    expect(Array.from(grids.slots('m', window(1_000_000_000, [5, 6]), grid)!.values)).toEqual([
      6,
      Number.NaN,
      Number.NaN,
    ]);
  });
});

describe('consolidateTo', () => {
  const series = (values: Float64Array, change: Partial<GSeries> = {}): GSeries => ({
    name: 's',
    pathExpression: 's',
    tags: { name: 's' },
    start: 600,
    step: 60,
    values,
    metrics: ['s'],
    consolidate: 'average',
    ...change,
  });

  it('consolidates the same values array again only as the same series, step and aggregate allow', () => {
    const values = Float64Array.from({ length: 10 }, (_, i) => i * i);
    const cases: Array<[Partial<GSeries>, number]> = [
      [{}, 5],
      [{}, 5],
      [{}, 3],
      [{ consolidate: 'max' }, 3],
      [{ start: 660 }, 3],
      [{ step: 30, start: 630 }, 3],
      [{}, 5],
    ];
    for (const [change, max] of cases) {
      const s = series(values, change);
      const c = consolidateTo(s, max);
      const width = Math.ceil(values.length / max) * s.step;
      const start = Math.ceil(s.start / width) * width;
      const length = Math.ceil((s.start + values.length * s.step - start) / width);
      expect(c).toMatchObject({ start, step: width });
      expect(Array.from(c.values)).toEqual(Array.from(resample(s, start, width, length, s.consolidate)));
    }
    // The second ask of the same consolidation got the first answer's array.
    expect(consolidateTo(series(values), 5).values).toBe(consolidateTo(series(values), 5).values);
  });
});
