import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GSeries } from '../../webapp/server/routes/graphite/series.js';
import { SeriesJsonWriter } from '../../webapp/server/routes/graphite/seriesJsonWriter.js';

// The writer copies the text of points it wrote before; whatever it kept, every body must be what
// formatting everything gives: graphite-web's JSON, written here by JSON.stringify of plain objects.

const series = (name: string, start: number, step: number, values: number[]): GSeries => ({
  name,
  pathExpression: name,
  tags: { name },
  start,
  step,
  values: Float64Array.from(values),
  metrics: [name],
  consolidate: 'average',
});

const reference = (list: readonly GSeries[]) =>
  JSON.stringify(
    list.map((s) => ({
      target: s.name,
      tags: s.tags,
      datapoints: Array.from(s.values, (v, i) => [Number.isFinite(v) ? v : null, s.start + i * s.step]),
    })),
  );

const value = fc.oneof(
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0.1 + 0.2),
);

/** One render: a series on a grid of 10 or 20 s, moved by whole or half steps, its values partly changed. */
const render = fc.record({
  name: fc.constantFrom('a.b', 'a.c', 'ünï.cödé'),
  shift: fc.integer({ min: -30, max: 30 }),
  step: fc.constantFrom(10, 20),
  length: fc.integer({ min: 0, max: 40 }),
  changes: fc.array(fc.tuple(fc.nat(), value), { maxLength: 5 }),
});

describe('SeriesJsonWriter', () => {
  it('writes every body as formatting every point would, across refreshes that move, change and regrid series', () => {
    fc.assert(
      fc.property(
        fc.array(render, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(200, 1 << 20),
        (renders, memory) => {
          const writer = new SeriesJsonWriter(memory);
          // A fixed wave the renders read slices of, as a refresh reads a window that moved on.
          const wave = (t: number) => Math.round(1000 * Math.sin(t / 70)) / 7;
          for (const r of renders) {
            const start = 1000 + r.shift * 5;
            const values = Array.from({ length: r.length }, (_, i) => wave(start + i * r.step));
            for (const [at, v] of r.changes) if (values.length) values[at % values.length] = v;
            const s = series(r.name, start, r.step, values);
            expect(Buffer.concat(writer.body([s])).toString()).toBe(reference([s]));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers a refresh of a day-long series from what it kept, changing only the newest points', () => {
    const writer = new SeriesJsonWriter();
    const day = Array.from({ length: 721 }, (_, i) => 100 + 30 * Math.sin(i / 100));
    const first = series('a.b', 120_000, 120, day);
    expect(Buffer.concat(writer.body([first])).toString()).toBe(reference([first]));
    // Two minutes later: one band dropped at the front, the last one revised, one new band.
    const later = series('a.b', 120_120, 120, [...day.slice(1, 720), 7.25, 8.5]);
    expect(Buffer.concat(writer.body([later])).toString()).toBe(reference([later]));
    // The same series twice in one body, and a second series beside it.
    const other = series('a.c', 120_120, 60, [1, Number.NaN, 3]);
    expect(Buffer.concat(writer.body([later, other, later])).toString()).toBe(
      reference([later, other, later]),
    );
    expect(Buffer.concat(writer.body([])).toString()).toBe('[]');
    // The same values array again (an unchanged window): the kept text itself, not a copy.
    const again = { ...later };
    expect(writer.body([again])[1]).toBe(writer.body([later])[1]);
    expect(Buffer.concat(writer.body([again])).toString()).toBe(reference([later]));
  });

  it('writes a series larger than its memory right every time (it is not kept)', () => {
    const writer = new SeriesJsonWriter(64);
    const big = series(
      'a.b',
      0,
      10,
      Array.from({ length: 100 }, (_, i) => i / 3),
    );
    expect(Buffer.concat(writer.body([big])).toString()).toBe(reference([big]));
    expect(Buffer.concat(writer.body([big])).toString()).toBe(reference([big]));
  });
});
