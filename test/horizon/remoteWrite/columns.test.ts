import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ColumnsDecoder, type WriteColumns } from '../../../horizon/remoteWrite/columns.js';
import { CounterKinds } from '../../../horizon/remoteWrite/counterRate.js';
import { WriteRequest } from '../../../horizon/remoteWrite/protoSchema.js';

// The decoding threads' reader of WriteRequests (columns.ts), on bodies written by protobufjs's own
// Writer: what Prometheus sends, and the legal but unusual layouts a generated decoder accepts
// (fields in any order, exemplars, unknown fields), plus the malformed ones it must refuse.
const T = 1_796_000_000_000;

const label = (w: protobuf.Writer, name: string, value: string) =>
  w
    .uint32((1 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string(name)
    .uint32((2 << 3) | 2)
    .string(value)
    .ldelim();
const sample = (w: protobuf.Writer, ms: number, value: number) =>
  w
    .uint32((2 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 1)
    .double(value)
    .uint32((2 << 3) | 0)
    .int64(ms)
    .ldelim();

/** A WriteRequest of one TimeSeries whose fields `write` lays out. */
function oneSeries(write: (w: protobuf.Writer) => void): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork();
  write(w);
  w.ldelim();
  return w.finish();
}

/** [name, ms, value] of every kept sample, and whether its series is a counter. */
function rows(c: WriteColumns): Array<[string, number, number, boolean]> {
  const out: Array<[string, number, number, boolean]> = [];
  let nameStart = 0;
  let sample = 0;
  c.nameEnds.forEach((nameEnd, s) => {
    const name = Buffer.from(c.names.subarray(nameStart, nameEnd)).toString('utf8');
    for (; sample < c.sampleEnds[s]; sample++)
      out.push([name, c.ms[sample], c.values[sample], c.counters[s] === 1]);
    nameStart = nameEnd;
  });
  return out;
}

const decoder = () => new ColumnsDecoder(new CounterKinds());

describe('remote_write columns', () => {
  it('names series as the namer does, from the cache the second time, whatever the layout of their fields', () => {
    const d = decoder();
    const canonical = oneSeries((w) => {
      label(w, '__name__', 'up');
      label(w, 'job', 'a b');
      sample(w, T, 1);
    });
    // Samples between and before labels, an exemplar and an unknown field: the same series.
    const scattered = oneSeries((w) => {
      sample(w, T + 1000, 2);
      label(w, 'job', 'a b');
      w.uint32((9 << 3) | 0).uint32(7);
      w.uint32((3 << 3) | 2)
        .fork()
        .uint32((2 << 3) | 1)
        .double(5)
        .uint32((3 << 3) | 0)
        .int64(T)
        .ldelim();
      label(w, '__name__', 'up');
      sample(w, T + 2000, 3);
    });
    for (const body of [canonical, canonical, scattered, scattered])
      expect(rows(d.decode(body, undefined, true))[0][0]).toBe('up;job=a_b');
    expect(rows(d.decode(scattered, undefined, true))).toEqual([
      ['up;job=a_b', T + 1000, 2, false],
      ['up;job=a_b', T + 2000, 3, false],
    ]);
    // A template change names the same label bytes anew.
    expect(rows(d.decode(canonical, 'prom.{job}.{__name__}', true))[0][0]).toBe('prom.a_b.up');
  });

  it('a label set longer than the interning bound is named every time, the same way', () => {
    const long = 'x'.repeat(600);
    const body = oneSeries((w) => {
      label(w, '__name__', 'big');
      label(w, 'l', long);
      sample(w, T, 1);
    });
    const d = decoder();
    expect(rows(d.decode(body, undefined, true))).toEqual([[`big;l=${long}`, T, 1, false]]);
    expect(rows(d.decode(body, undefined, true))).toEqual([[`big;l=${long}`, T, 1, false]]);
  });

  it('marks counters by suffix until metadata says otherwise, and not at all when counters are raw', () => {
    const kinds = new CounterKinds();
    const d = new ColumnsDecoder(kinds);
    const body = WriteRequest.encode(
      WriteRequest.fromObject({
        timeseries: [
          { labels: [{ name: '__name__', value: 'handles_total' }], samples: [{ value: 1, timestamp: T }] },
        ],
      }),
    ).finish();
    expect(rows(d.decode(body, undefined, true))[0][3]).toBe(true);
    expect(rows(d.decode(body, undefined, false))[0][3]).toBe(false);
    kinds.learn([{ type: 2, metricFamilyName: 'handles_total' }]);
    expect(rows(d.decode(body, undefined, true))[0][3]).toBe(false);
  });

  it('counts the samples of a series without __name__ and keeps none of them', () => {
    const body = oneSeries((w) => {
      label(w, 'job', 'x');
      sample(w, T, 1);
      sample(w, T + 1000, 2);
    });
    const c = decoder().decode(body, undefined, true);
    expect(rows(c)).toEqual([]);
    expect(c.samples).toBe(2);
    expect(c.nameless).toEqual([
      { count: 2, detail: 'a series without __name__ (labels [{"name":"job","value":"x"}])' },
    ]);
  });

  it('refuses a field of the wrong wire type, a message past its parent, and invalid UTF-8 in a label', () => {
    const d = decoder();
    const wrongWire = protobuf.Writer.create()
      .uint32((1 << 3) | 0)
      .uint32(5)
      .finish();
    expect(() => d.decode(wrongWire, undefined, true)).toThrow(/WriteRequest\.timeseries has wire type 0/);
    const sampleWire = oneSeries((w) => {
      label(w, '__name__', 'up');
      w.uint32((2 << 3) | 2)
        .fork()
        .uint32((1 << 3) | 0)
        .uint32(1)
        .ldelim();
    });
    expect(() => d.decode(sampleWire, undefined, true)).toThrow(/Sample\.value has wire type 0/);
    // The series claims 3 bytes; its label claims 10 within them.
    const overrun = Uint8Array.from([0x0a, 0x03, 0x0a, 0x0a, 0x0a]);
    expect(() => d.decode(overrun, undefined, true)).toThrow(/TimeSeries\.labels runs past the end/);
    const badUtf8 = oneSeries((w) => {
      w.uint32((1 << 3) | 2)
        .fork()
        .uint32((1 << 3) | 2)
        .bytes(Uint8Array.from([0xff, 0xfe]))
        .ldelim();
      sample(w, T, 1);
    });
    expect(() => d.decode(badUtf8, undefined, true)).toThrow();
  });

  it('reads every int64 timestamp as protobufjs does, and refuses one cut short or over ten bytes', () => {
    const body = (ms: bigint) =>
      oneSeries((w) => {
        label(w, '__name__', 'up');
        w.uint32((2 << 3) | 2)
          .fork()
          .uint32((1 << 3) | 1)
          .double(1)
          .uint32((2 << 3) | 0)
          .int64(String(ms))
          .ldelim();
      });
    // What protobufjs's int64() gave as a number: the high word signed times 2^32, plus the low word.
    const asNumber = (b: bigint) =>
      Number(BigInt.asIntN(32, b >> 32n)) * 2 ** 32 + Number(BigInt.asUintN(32, b));
    const edges = [0, 1, 127, 128, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32, 2 ** 35, T, 2 ** 53, -1, -T];
    const int64s = fc.oneof(
      fc.constantFrom(...edges.map(BigInt), -(2n ** 63n), 2n ** 63n - 1n),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    );
    const d = decoder();
    fc.assert(
      fc.property(int64s, (ms) => {
        expect(rows(d.decode(body(ms), undefined, true))).toEqual([['up', asNumber(ms), 1, false]]);
      }),
      { numRuns: 500 },
    );
    // A varint whose bytes all carry on: cut by its sample's end, or eleven bytes long.
    const varint = (bytes: number[]) =>
      oneSeries((w) => {
        label(w, '__name__', 'up');
        w.uint32((2 << 3) | 2).bytes(Uint8Array.of((2 << 3) | 0, ...bytes));
      });
    expect(() => d.decode(varint([0x80, 0x80, 0x80]), undefined, true)).toThrow(/index out of range/);
    expect(() => d.decode(varint(Array(10).fill(0x80).concat(1)), undefined, true)).toThrow(/invalid varint/);
  });
});
