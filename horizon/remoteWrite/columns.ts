/**
 * A decompressed WriteRequest read into columns, on a decoding thread: every kept sample's series
 * name (UTF-8 bytes), timestamp and value, ready for the listener's thread to hand to Ingest by bytes.
 *
 * Labels and samples, nearly all of a body, are read field by field with protobufjs's own wire
 * Reader instead of its generated decoder: that made an object per label and per sample, and named
 * every series from its labels every time. Here a series whose label bytes were seen before gets its
 * name's bytes from a cache, the label bytes interned by horizon's NameTable (no string made or hashed). Metadata and exemplars, rare,
 * still go through the generated decoders. Stricter than those: a field of the wrong wire type, or a
 * message running past its parent's end, is an error instead of bytes read as something else.
 */
import protobuf from 'protobufjs';
import { grownArray } from '../../core/grownArray.js';
import { NameTable } from '../nameTable.js';
import type { CounterKinds } from './counterRate.js';
import { Exemplar, MetricMetadata, type PromLabel, type PromMetadata } from './protoSchema.js';
import { seriesNamer, type SeriesNamer } from './seriesName.js';

export interface WriteColumns {
  /** Series names, UTF-8, back to back: series i's is `names[nameEnds[i - 1] ?? 0, nameEnds[i])`. */
  readonly names: Uint8Array;
  readonly nameEnds: Uint32Array;
  /** Series i's samples are `[sampleEnds[i - 1] ?? 0, sampleEnds[i])` of `ms` and `values`. */
  readonly sampleEnds: Uint32Array;
  /** 1 where series i is a counter to store as a per-second rate. */
  readonly counters: Uint8Array;
  readonly ms: Float64Array;
  readonly values: Float64Array;
  /** Samples the body carried, stale markers and nameless series' included. */
  readonly samples: number;
  /** Series without `__name__`: their samples are rejected as `name`. */
  readonly nameless: Array<{ count: number; detail: string }>;
  readonly metadata: PromMetadata[];
}

/** The typed arrays of `c`, to transfer to the listener's thread instead of copying them. */
export const columnBuffers = (c: WriteColumns): ArrayBuffer[] =>
  [c.names, c.nameEnds, c.sampleEnds, c.counters, c.ms, c.values].map((a) => a.buffer as ArrayBuffer);

/**
 * An int64 varint at the reader as a number, the value Long's toNumber() gives (exact below 2^53, as
 * every millisecond timestamp is), and the reader moved past it, as protobufjs's `int64()` does,
 * errors included. Read here because `int64()` makes a Long object (long.js is installed) per sample.
 */
function int64Number(r: Reader): number {
  const buf = r.buf;
  const len = r.len;
  let pos = r.pos;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= len) throw RangeError(`index out of range: ${pos} + 1 > ${len}`);
    const b = buf[pos++];
    if (i < 4) lo |= (b & 127) << (7 * i);
    else if (i === 4) {
      lo |= (b & 127) << 28;
      hi = (b & 127) >> 4;
    } else hi |= (b & 127) << (7 * i - 32);
    if (b < 128) {
      r.pos = pos;
      return hi * 4294967296 + (lo >>> 0);
    }
  }
  throw Error('invalid varint encoding');
}

/**
 * Prometheus marks a series that vanished with a NaN of its own bits (value.StaleNaN, 0x7ff0000000000002):
 * a signal, not a sample, so it is not stored (or counted as a bad value). The quiet bit is ignored:
 * a float conversion on the way (a JS protobuf writer does one) sets it.
 */
const STALE_NAN_HIGH = 0x7ff00000,
  QUIET_BIT = 0x00080000,
  STALE_NAN_LOW = 0x00000002;
const scratch = new DataView(new ArrayBuffer(8));
function isStaleMarker(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  scratch.setFloat64(0, v);
  return (scratch.getUint32(0) & ~QUIET_BIT) === STALE_NAN_HIGH && scratch.getUint32(4) === STALE_NAN_LOW;
}

interface CachedName {
  /** The name, UTF-8. */
  readonly bytes: Uint8Array;
  /** The `__name__` label, which says whether the series is a counter. */
  readonly metric: string;
  /** The CounterKinds generation `counter` was decided in. */
  generation: number;
  counter: boolean;
}

/** Label sets remembered per decoding thread before the cache starts over (series churn). */
const MAX_CACHED_NAMES = 250_000;
const utf8 = new TextEncoder();
const LENGTH_DELIMITED = 2;

type Reader = protobuf.Reader;

/** The end of the length-delimited field at the reader, checked to lie within its message. */
function fieldEnd(r: Reader, wire: number, what: string): number {
  if (wire !== LENGTH_DELIMITED) throw new Error(`${what} has wire type ${wire}, not 2 (length-delimited)`);
  const end = r.uint32() + r.pos;
  if (end > r.len) throw new Error(`${what} runs past the end of its message at offset ${r.pos}`);
  return end;
}

/** A rare message by protobufjs's generated decoder, kept within its field's bytes. */
function decodeWithin(r: Reader, end: number, type: protobuf.Type): Record<string, unknown> {
  const outerLen = r.len;
  r.len = end;
  const message = type.decode(r, end - r.pos) as unknown as Record<string, unknown>;
  if (r.pos !== end) throw new Error(`${type.name} does not end where its field does (offset ${r.pos})`);
  r.len = outerLen;
  return message;
}

export class ColumnsDecoder {
  private template: string | undefined;
  private namer: SeriesNamer = seriesNamer(undefined);
  /** Label sets by their bytes, and each one's name by the set's id there. */
  private labelSets = new NameTable();
  private cached: CachedName[] = [];
  private cachedGeneration = 0;
  // Columns of the body being decoded, grown as needed and kept between bodies.
  private names = new Uint8Array(64 * 1024);
  private nameEnds = new Uint32Array(1024);
  private sampleEnds = new Uint32Array(1024);
  private counters = new Uint8Array(1024);
  private ms = new Float64Array(1024);
  private values = new Float64Array(1024);
  private labelStarts = new Uint32Array(16);
  private labelEnds = new Uint32Array(16);
  private namesUsed = 0;
  private series = 0;
  private kept = 0;
  private samples = 0;
  private nameless: WriteColumns['nameless'] = [];

  constructor(private readonly kinds: CounterKinds) {}

  /** Throws an Error saying what is wrong when `raw` is not a WriteRequest. */
  decode(raw: Uint8Array, template: string | undefined, rateCounters: boolean): WriteColumns {
    if (template !== this.template) {
      this.template = template;
      this.namer = seriesNamer(template);
      this.forgetNames();
    }
    if (this.labelSets.size > MAX_CACHED_NAMES) this.forgetNames();
    this.namesUsed = this.series = this.kept = this.samples = 0;
    this.nameless = [];
    const metadata: PromMetadata[] = [];
    const r = protobuf.Reader.create(raw);
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1) this.readSeries(r, fieldEnd(r, tag & 7, 'WriteRequest.timeseries'), rateCounters);
      else if (field === 3) {
        const m = decodeWithin(r, fieldEnd(r, tag & 7, 'WriteRequest.metadata'), MetricMetadata);
        // Plain fields: a decoded message keeps its defaults on its prototype, which posting drops.
        metadata.push({ type: m.type as number, metricFamilyName: m.metricFamilyName as string });
      } else r.skipType(tag & 7, 0, field);
    }
    return {
      names: this.names.slice(0, this.namesUsed),
      nameEnds: this.nameEnds.slice(0, this.series),
      sampleEnds: this.sampleEnds.slice(0, this.series),
      counters: this.counters.slice(0, this.series),
      ms: this.ms.slice(0, this.kept),
      values: this.values.slice(0, this.kept),
      samples: this.samples,
      nameless: this.nameless,
      metadata,
    };
  }

  private forgetNames(): void {
    this.labelSets = new NameTable();
    this.cached = [];
    this.cachedGeneration = this.labelSets.generation;
  }

  /** One TimeSeries, `r` at its first field; its samples are kept only when it has a name. */
  private readSeries(r: Reader, end: number, rateCounters: boolean): void {
    const outerLen = r.len;
    r.len = end;
    const firstKept = this.kept;
    let samples = 0;
    let labels = 0;
    // The label fields' bytes are the cache key when they are one run (as every sender writes them).
    let labelsFrom = -1;
    let labelsTo = -1;
    let oneRun = true;
    let lastWasLabel = false;
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.uint32();
      const field = tag >>> 3;
      if (field === 1) {
        const labelEnd = fieldEnd(r, tag & 7, 'TimeSeries.labels');
        if (labels > 0 && !lastWasLabel) oneRun = false;
        if (labelsFrom < 0) labelsFrom = at;
        labelsTo = labelEnd;
        if (labels === this.labelStarts.length) {
          this.labelStarts = grownArray(this.labelStarts, labels + 1);
          this.labelEnds = grownArray(this.labelEnds, labels + 1);
        }
        this.labelStarts[labels] = r.pos;
        this.labelEnds[labels++] = labelEnd;
        r.pos = labelEnd;
        lastWasLabel = true;
        continue;
      }
      lastWasLabel = false;
      if (field === 2) {
        this.readSample(r, fieldEnd(r, tag & 7, 'TimeSeries.samples'));
        samples++;
      } else if (field === 3) decodeWithin(r, fieldEnd(r, tag & 7, 'TimeSeries.exemplars'), Exemplar);
      else r.skipType(tag & 7, 0, field);
    }
    this.samples += samples;
    // -1: not one run, or over the NameTable's length bound: named from its labels every time.
    const set = labels > 0 && oneRun ? this.labelSets.idOf(r.buf, labelsFrom, labelsTo, false) : -1;
    if (this.labelSets.generation !== this.cachedGeneration) {
      this.cached = [];
      this.cachedGeneration = this.labelSets.generation;
    }
    let named = set < 0 ? undefined : this.cached[set];
    if (named === undefined) {
      const list = this.readLabels(r, labels);
      const name = this.namer(list);
      if (name === null) {
        this.kept = firstKept;
        if (samples)
          this.nameless.push({
            count: samples,
            detail: `a series without __name__ (labels ${JSON.stringify(list.slice(0, 8))})`,
          });
        r.pos = end;
        r.len = outerLen;
        return;
      }
      const metric = list.find((l) => l.name === '__name__')!.value;
      named = { bytes: utf8.encode(name), metric, generation: -1, counter: false };
      if (set >= 0) this.cached[set] = named;
    }
    r.pos = end;
    r.len = outerLen;
    if (this.kept === firstKept) return;
    if (rateCounters && named.generation !== this.kinds.generation) {
      named.counter = this.kinds.isCounter(named.metric);
      named.generation = this.kinds.generation;
    }
    this.addSeries(named.bytes, rateCounters && named.counter);
  }

  private readSample(r: Reader, end: number): void {
    const outerLen = r.len;
    r.len = end;
    let value = 0;
    let ms = 0;
    while (r.pos < end) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 1 && wire === 1) value = r.double();
      else if (field === 2 && wire === 0) ms = int64Number(r);
      else if (field === 1 || field === 2)
        throw new Error(`Sample.${field === 1 ? 'value' : 'timestamp'} has wire type ${wire}`);
      else r.skipType(wire, 0, field);
    }
    r.len = outerLen;
    if (isStaleMarker(value)) return;
    if (this.kept === this.ms.length) {
      this.ms = grownArray(this.ms, this.kept + 1);
      this.values = grownArray(this.values, this.kept + 1);
    }
    this.ms[this.kept] = ms;
    this.values[this.kept++] = value;
  }

  /** The series' labels, from the ranges readSeries noted (only when its name is not cached). */
  private readLabels(r: Reader, count: number): PromLabel[] {
    const list: PromLabel[] = [];
    for (let i = 0; i < count; i++) {
      const end = this.labelEnds[i];
      r.pos = this.labelStarts[i];
      r.len = end;
      const label: PromLabel = { name: '', value: '' };
      while (r.pos < end) {
        const tag = r.uint32();
        const field = tag >>> 3;
        if (field === 1 || field === 2) {
          if ((tag & 7) !== LENGTH_DELIMITED)
            throw new Error(`Label.${field === 1 ? 'name' : 'value'} has wire type ${tag & 7}`);
          // Checked UTF-8, as the generated decoder reads strings.
          label[field === 1 ? 'name' : 'value'] = r.stringVerify();
        } else r.skipType(tag & 7, 0, field);
      }
      list.push(label);
    }
    return list;
  }

  private addSeries(name: Uint8Array, counter: boolean): void {
    if (this.namesUsed + name.length > this.names.length)
      this.names = grownArray(this.names, this.namesUsed + name.length);
    // A loop: names are short, and set() costs more than the copy for a few dozen bytes.
    for (let i = 0; i < name.length; i++) this.names[this.namesUsed + i] = name[i];
    this.namesUsed += name.length;
    if (this.series === this.nameEnds.length) {
      this.nameEnds = grownArray(this.nameEnds, this.series + 1);
      this.sampleEnds = grownArray(this.sampleEnds, this.series + 1);
      this.counters = grownArray(this.counters, this.series + 1);
    }
    this.nameEnds[this.series] = this.namesUsed;
    this.sampleEnds[this.series] = this.kept;
    this.counters[this.series++] = counter ? 1 : 0;
  }
}
