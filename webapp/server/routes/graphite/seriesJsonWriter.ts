import type { GSeries } from './series.js';

/**
 * Bytes kept of series already written. A day of 1,000 one-minute metrics on a 1,000-pixel panel
 * keeps about 31 MB (22 MB of text, the values and offsets beside it).
 */
export const WRITER_MEMORY_BYTES = 64 * 1024 * 1024;

/** One series as last written: the text of its datapoints and the values it shows. */
interface Written {
  readonly start: number;
  readonly step: number;
  /** The series' own array, not a copy: series values are never written to once made. */
  readonly values: Float64Array;
  /** `[v,ts],[v,ts],…`, ASCII. */
  readonly text: Buffer;
  /** Where point i's `[v,ts]` starts; offsets[n] is text.length + 1, as if a comma followed the last. */
  readonly offsets: Uint32Array;
}

const sizeOf = (w: Written) => w.text.length + w.values.byteLength + w.offsets.byteLength;

/** Values that Graphite's JSON writes the same: equal numbers, or two gaps. */
const sameText = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * Graphite's JSON of rendered series: `[{"target", "tags", "datapoints": [[value|null, ts], …]}, …]`.
 *
 * Formatting the numbers is nearly all of a large render's CPU (721,000 full-precision values for a
 * day of 1,000 metrics), and a dashboard asks for the same series again at every refresh, with
 * maxDataPoints bands aligned so that only the newest ones change. So the writer keeps the text of
 * each series it wrote (by name and step, within WRITER_MEMORY_BYTES, least recently written dropped
 * first) and copies the text of every point whose slot and value are unchanged; only the others are
 * formatted. Reuse is decided by comparing the values themselves, so the answer never depends on
 * what was written before: it is byte for byte what formatting everything would give.
 */
export class SeriesJsonWriter {
  private readonly kept = new Map<string, Written>();
  private keptBytes = 0;

  constructor(private readonly memoryBytes = WRITER_MEMORY_BYTES) {}

  /** The whole body for `series`, in parts to send one after another (not joined: it can be 22 MB). */
  body(series: readonly GSeries[]): Buffer[] {
    const parts: Buffer[] = [];
    let head = '[';
    for (const s of series) {
      head += `{"target":${JSON.stringify(s.name)},"tags":${JSON.stringify(s.tags)},"datapoints":[`;
      parts.push(Buffer.from(head), this.datapoints(s));
      head = ']},';
    }
    parts.push(Buffer.from(series.length ? ']}]' : '[]'));
    return parts;
  }

  /** `[v,ts],[v,ts],…` of one series, reusing what the last series of its name and step wrote. */
  private datapoints(s: GSeries): Buffer {
    const key = `${s.step}:${s.name}`;
    const before = this.kept.get(key);
    const written = write(s, before);
    if (before) {
      this.kept.delete(key);
      this.keptBytes -= sizeOf(before);
    }
    if (sizeOf(written) <= this.memoryBytes) {
      this.kept.set(key, written);
      this.keptBytes += sizeOf(written);
      for (const [k, w] of this.kept) {
        if (this.keptBytes <= this.memoryBytes) break;
        this.kept.delete(k);
        this.keptBytes -= sizeOf(w);
      }
    }
    return written.text;
  }
}

/**
 * The series' text: runs of points that `before` wrote with the same timestamp and value are copied
 * from its text, every other run is formatted by one JSON.stringify of its values (V8's native writer:
 * shortest round-trip digits as String(v) gives them, null for NaN and ±Infinity, as Graphite shows a
 * gap), split at its commas, which no number contains.
 */
function write(s: GSeries, before: Written | undefined): Written {
  // The very values written last (an unchanged window's slots are one array from render to render:
  // windowGrids.ts), which nothing writes to once made.
  if (before?.values === s.values && before.start === s.start && before.step === s.step) return before;
  const n = s.values.length;
  // Index in `before` of this series' point 0, when both are on one grid.
  const shift =
    before && before.step === s.step && Number.isInteger((s.start - before.start) / s.step)
      ? (s.start - before.start) / s.step
      : undefined;
  const reused = (i: number) =>
    shift !== undefined &&
    before !== undefined &&
    i + shift >= 0 &&
    i + shift < before.values.length &&
    sameText(s.values[i], before.values[i + shift]);
  if (shift === 0 && before!.values.length === n) {
    // A plain loop, not reused(i): this check runs over every point of every series at every render.
    const now = s.values;
    const then = before!.values;
    let i = 0;
    while (i < n && sameText(now[i], then[i])) i++;
    // Unchanged since: a dashboard's panels refreshed between two writes of horizon's.
    if (i === n) return before!;
  }
  const offsets = new Uint32Array(n + 1);
  const runs: Array<Buffer | string> = [];
  let bytes = 0;
  for (let i = 0; i < n; ) {
    const from = i;
    const copy = reused(i);
    while (i < n && reused(i) === copy) i++;
    if (copy) {
      const b = before!;
      const base = b.offsets[from + shift!];
      for (let k = from; k < i; k++) offsets[k] = bytes + b.offsets[k + shift!] - base;
      const text = b.text.subarray(base, b.offsets[i + shift!] - 1);
      runs.push(text);
      bytes += text.length + 1;
    } else {
      const points = JSON.stringify(Array.from(s.values.subarray(from, i)))
        .slice(1, -1)
        .split(',');
      for (let k = from; k < i; k++) {
        const point = `[${points[k - from]},${s.start + k * s.step}]`;
        points[k - from] = point;
        offsets[k] = bytes;
        bytes += point.length + 1;
      }
      runs.push(points.join(','));
    }
  }
  offsets[n] = bytes;
  const text = Buffer.allocUnsafe(Math.max(0, bytes - 1));
  let p = 0;
  for (const run of runs) {
    if (p > 0) text[p++] = 0x2c; // ','
    p += typeof run === 'string' ? text.write(run, p, 'latin1') : run.copy(text, p);
  }
  return { start: s.start, step: s.step, values: s.values, text, offsets };
}
